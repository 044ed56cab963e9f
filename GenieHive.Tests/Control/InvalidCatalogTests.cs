using GenieHive.Control.Roles;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Control;

/// <summary>A bad catalog or bad settings stop Control at start-up with a message that says where.</summary>
public sealed class InvalidCatalogTests
{
    public static TheoryData<string, string> BadCatalogs => new()
    {
        { "roles:\n  - role_id: a\n    operation: chat\n    routing_policy:\n      min_context: lots\n", "roles[0].routing_policy.min_context: expected an integer, got \"lots\"" },
        { "roles:\n  - role_id: a\n    operation: chat\n  - role_id: b\n    operation: chat\n  - role_id: c\n    operation: chat\n    routing_policy:\n      min_context: lots\n", "roles[2].routing_policy.min_context: expected an integer, got \"lots\"" },
        { "roles:\n  - display_name: Nameless\n    operation: chat\n", "roles[0].role_id: missing" },
        { "roles:\n  - role_id: a\n", "roles[0].operation: missing" },
        { "roles:\n  - role_id: a\n    operation: painting\n", "roles[0].operation: expected one of chat, embeddings, transcription, rerank, got \"painting\"" },
        { "roles:\n  - role_id: a\n    operation: chat\n    prompt_policy:\n      request_policy:\n        system_prompt_position: middle\n", "roles[0].prompt_policy.request_policy.system_prompt_position: expected one of prepend, append, replace" },
        { "roles:\n  - role_id: a\n    operation: chat\n  - role_id: a\n    operation: chat\n", "roles[1].role_id: duplicate role id 'a' (also roles[0])" },
        { "roles:\n  - role_id: a\n    operation: chat\n    routing_policy:\n      preferred_families: qwen3\n", "roles[0].routing_policy.preferred_families: expected a list, got \"qwen3\"" },
        { "roles:\n  - role_id: a\n    operation: chat\n    routing_policy:\n      require_loaded: maybe\n", "roles[0].routing_policy.require_loaded: expected true or false, got \"maybe\"" },
        { "roles:\n  - role_id: a\n    operation: chat\n    routing_policy: [1, 2]\n", "roles[0].routing_policy: expected a mapping, got a list" },
        { "roles:\n  - role_id: a\n    operation: chat\n    prompt_policy:\n      request_policy:\n        body_defaults: [1]\n", "roles[0].prompt_policy.request_policy.body_defaults: expected a mapping, got a list" },
        { "roles:\n  - role_id: a\n    operation: chat\n    routing_policy:\n      strategy: fastest\n", "roles[0].routing_policy.strategy: expected one of scored, round_robin, least_loaded" },
        { "roles:\n  - just a string\n", "roles[0]: expected a mapping, got \"just a string\"" },
        { "roles: mentor\n", "roles: expected a list, got \"mentor\"" },
        { "- role_id: a\n", "(top level): expected a mapping with a 'roles:' list, got a list" },
        { "catalog:\n  - role_id: a\n", "roles: missing" },
        { "roles:\n  - role_id: a\n    operation: chat\n    description: [unclosed\n", "not valid YAML" },
        { "roles:\n  - role_id: a\n    role_id: b\n    operation: chat\n", "not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(BadCatalogs))]
    public void AnInvalidCatalogNamesTheFileAndTheField(string yaml, string expected)
    {
        var error = Assert.Throws<RoleCatalogException>(() => RoleCatalogLoader.Load(yaml, "bad-roles.yaml", now: 1));

        Assert.StartsWith("bad-roles.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlRefusesToStartWithAnInvalidCatalog()
    {
        var path = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"bad-roles-{Guid.NewGuid():N}.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "roles:\n  - role_id: a\n    operation: chat\n  - role_id: b\n    operation: chat\n  - role_id: c\n    operation: chat\n    routing_policy:\n      min_context: lots\n", TestContext.Current.CancellationToken);
        try
        {
            var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Roles:Path"] = path });

            var catalogError = Assert.IsType<RoleCatalogException>(error);
            Assert.Equal($"{path}: roles[2].routing_policy.min_context: expected an integer, got \"lots\"", catalogError.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ControlRefusesToStartWhenTheConfiguredCatalogIsMissing()
    {
        var path = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"missing-{Guid.NewGuid():N}.yaml");

        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Roles:Path"] = path });

        Assert.IsType<RoleCatalogException>(error);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlRefusesToStartWithAnUnknownStrategy()
    {
        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Routing:Strategy"] = "fastest" });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("GenieHive:Routing:Strategy", error.Message, StringComparison.Ordinal);
        Assert.Contains("'fastest'", error.Message, StringComparison.Ordinal);
        Assert.Contains("round_robin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GenieHive:Auth:ClientApiKeys:0", "")]
    [InlineData("GenieHive:Auth:NodeApiKeys:0", " ")]
    [InlineData("GenieHive:Routing:HostTimeoutSeconds", "0")]
    [InlineData("GenieHive:ControlApi:MaxRequestBodyBytes", "10")]
    public async Task ControlRefusesToStartWithInvalidSettings(string key, string value)
    {
        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { [key] = value });

        Assert.IsType<OptionsValidationException>(error);
    }

    [Theory]
    [InlineData("roles: [a\nb: [c]\n")]
    [InlineData("x:\n  y: [q, m p\n  z:\n    w: [q, m]\n")]
    public void YamlTheParserStumblesOnIsRefusedNamingTheFile(string yaml)
    {
        // YamlDotNet throws InvalidOperationException for these (found by bench/fuzz.sh); Control must still say which file.
        var error = Assert.Throws<RoleCatalogException>(() => RoleCatalogLoader.Load(yaml, "bad-roles.yaml", now: 1));

        Assert.StartsWith("bad-roles.yaml: not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOctalNumberWiderThan64BitsIsKeptAsText()
    {
        // Convert.ToInt64 threw OverflowException out of the loader (found by bench/fuzz.sh).
        var catalog = RoleCatalogLoader.Load(
            "roles:\n  - role_id: a\n    operation: chat\n    display_name: 0o7777777777777777777777777\n", "roles.yaml", now: 1);

        Assert.Equal("0o7777777777777777777777777", catalog.Roles.Single().DisplayName);
    }
}
