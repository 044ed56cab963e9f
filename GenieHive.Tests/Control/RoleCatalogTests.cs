using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Control.Roles;

namespace GenieHive.Tests.Control;

/// <summary>Catalogs in the earlier implementation's format, as operators have them today.</summary>
public sealed class RoleCatalogTests : IAsyncLifetime
{
    public const string LegacyCatalog = """
        # Roles as the earlier implementation's catalogs wrote them, extras included.
        roles:
          - role_id: mentor
            display_name: Mentor
            description: Guide, don't take over.
            operation: chat
            modality: text
            prompt_policy:
              system_prompt: "You are a patient mentor."
            routing_policy:
              preferred_families: [Qwen3, Mistral]
              min_context: 8192
              denied_trust_tiers: [employee_device, personal_device]
              guardrail_profile: none
              tool_mode: auto
          - role_id: scientific_translator
            display_name: Scientific translator
            operation: chat
            modality: text
            owner: research-team          # not a field we know: ignored
            prompt_policy:
              request_policy:
                body_defaults:
                  temperature: 0.1
                  top_p: 0.9
                  stop: ["</translation>"]
                  chat_template_kwargs: { enable_thinking: false }
                  seed: 7
                  note: "0.5"
                system_prompt_position: append
            routing_policy:
              require_loaded: yes
              allowed_trust_tiers: [trusted_datacenter, managed_cloud]
              context_budget_mode: conservative
          - role_id: lead_surgeon
            operation: chat
            modality: text
            routing_policy:
              preferred_families: [qwen3]
              fallback_roles: [assistant_surgeon, scrub_nurse]
          - role_id: assistant_surgeon
            operation: chat
            modality: text
            routing_policy:
              fallback_roles: [scrub_nurse]
          - role_id: scrub_nurse
            operation: chat
            modality: text
            routing_policy:
              fallback_roles: [lead_surgeon, anaesthetist]
          - role_id: records_indexer
            operation: embeddings
            modality: text
            routing_policy:
              require_loaded: true
              min_context: "512"
              force_respond_tool: false
              agentic_benchmark_workloads: [retrieval]
        """;

    private readonly string _catalogPath = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"roles-{Guid.NewGuid():N}.yaml");
    private ControlFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_catalogPath)!);
        File.WriteAllText(_catalogPath, LegacyCatalog);
        _factory = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Roles:Path"] = _catalogPath });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        File.Delete(_catalogPath);
    }

    [Fact]
    public async Task ALegacyCatalogWithExtraFieldsLoadsAndListsSortedByRoleId()
    {
        using var client = _factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonObject>("/v1/cluster/roles", TestContext.Current.CancellationToken);

        Assert.Equal("list", body!["object"]!.GetValue<string>());
        var roles = body["data"]!.AsArray().Select(role => role!.AsObject()).ToList();
        Assert.Equal(
            ["assistant_surgeon", "lead_surgeon", "mentor", "records_indexer", "scientific_translator", "scrub_nurse"],
            roles.Select(role => role["role_id"]!.GetValue<string>()));

        var mentor = roles.Single(role => role["role_id"]!.GetValue<string>() == "mentor");
        Assert.Equal("Mentor", mentor["display_name"]!.GetValue<string>());
        Assert.Equal("chat", mentor["operation"]!.GetValue<string>());
        Assert.Equal("text", mentor["modality"]!.GetValue<string>());
        Assert.Equal("You are a patient mentor.", mentor["prompt_policy"]!["system_prompt"]!.GetValue<string>());
        Assert.Equal(["Qwen3", "Mistral"], mentor["routing_policy"]!["preferred_families"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(8192, mentor["routing_policy"]!["min_context"]!.GetValue<int>());
        Assert.Equal(["employee_device", "personal_device"], mentor["routing_policy"]!["denied_trust_tiers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.False(mentor["routing_policy"]!["require_loaded"]!.GetValue<bool>());
        Assert.True(mentor["updated_at"]!.GetValue<double>() > 0);

        var translator = roles.Single(role => role["role_id"]!.GetValue<string>() == "scientific_translator");
        var policy = translator["prompt_policy"]!["request_policy"]!;
        Assert.Equal(0.1, policy["body_defaults"]!["temperature"]!.GetValue<double>());
        Assert.Equal(7, policy["body_defaults"]!["seed"]!.GetValue<int>());
        Assert.Equal("0.5", policy["body_defaults"]!["note"]!.GetValue<string>());
        Assert.False(policy["body_defaults"]!["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.Equal("</translation>", policy["body_defaults"]!["stop"]![0]!.GetValue<string>());
        Assert.Equal("append", policy["system_prompt_position"]!.GetValue<string>());
        Assert.True(translator["routing_policy"]!["require_loaded"]!.GetValue<bool>());
        Assert.Equal("conservative", translator["routing_policy"]!["context_budget_mode"]!.GetValue<string>());
        Assert.False(translator.ContainsKey("owner"));

        var lead = roles.Single(role => role["role_id"]!.GetValue<string>() == "lead_surgeon");
        Assert.Equal(["assistant_surgeon", "scrub_nurse"], lead["routing_policy"]!["fallback_roles"]!.AsArray().Select(f => f!.GetValue<string>()));
        var indexer = roles.Single(role => role["role_id"]!.GetValue<string>() == "records_indexer");
        Assert.Equal("embeddings", indexer["operation"]!.GetValue<string>());
        Assert.Equal(512, indexer["routing_policy"]!["min_context"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheCatalogIsInTheRoutingTableAndTheHealthCount()
    {
        using var client = _factory.CreateClient();

        var table = await client.RoutingTableAsync();
        var health = await client.HealthAsync();

        Assert.Equal(6, table.Roles.Count);
        Assert.Equal(6, health.RoleCount);
    }

    [Fact]
    public void AFallbackToAnUnknownRoleIsOnlyAWarning()
    {
        var catalog = RoleCatalogLoader.Load(LegacyCatalog, "surgical.yaml", now: 1);

        var warning = Assert.Single(catalog.Warnings);
        Assert.Contains("surgical.yaml: roles[4].routing_policy.fallback_roles", warning, StringComparison.Ordinal);
        Assert.Contains("anaesthetist", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TheShippedDefaultCatalogLoads()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "roles.yaml");

        var catalog = RoleCatalogLoader.LoadFile(path, now: 1);

        Assert.Contains(catalog.Roles, role => role.RoleId == "mentor");
        Assert.Empty(catalog.Warnings);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("# only a comment\n", 0)]
    [InlineData("roles:\n", 0)]
    [InlineData("roles: []\n", 0)]
    public void AnEmptyCatalogIsFine(string yaml, int count)
    {
        Assert.Equal(count, RoleCatalogLoader.Load(yaml, "empty.yaml", now: 1).Roles.Count);
    }
}

public sealed class CatalogPathTests
{
    [Fact]
    public async Task AnEmptyRolesPathMeansNoCatalog()
    {
        await using var factory = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Roles:Path"] = "" });
        using var client = factory.CreateClient();

        var health = await client.HealthAsync();

        Assert.Equal(0, health.RoleCount);
    }

    [Fact]
    public void ARelativeRolesPathFallsBackToTheApplicationFolder()
    {
        var resolved = GenieHive.Control.Hosting.ControlStartup.ResolveCatalogPath("roles.yaml", Path.GetTempPath());

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "roles.yaml"), resolved);
    }
}
