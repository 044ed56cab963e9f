using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing.Planning;

/// <summary>A role with its lists normalized (lower-cased, trimmed) once per routing-table version.</summary>
internal sealed class RoleFacts
{
    private HashSet<string>? _textTokens;

    public RoleFacts(RoleView role, string tableStrategy)
    {
        Role = role;
        var policy = role.RoutingPolicy;
        Families = Normalize(policy.PreferredFamilies);
        AllowedTrustTiers = Normalize(policy.AllowedTrustTiers);
        DeniedTrustTiers = Normalize(policy.DeniedTrustTiers);
        AllowedDeviceClasses = Normalize(policy.AllowedDeviceClasses);
        DeniedDeviceClasses = Normalize(policy.DeniedDeviceClasses);
        AllowedWorkloadClasses = Normalize(policy.AllowedWorkloadClasses);
        DeniedWorkloadClasses = Normalize(policy.DeniedWorkloadClasses);
        Strategy = RoutingStrategies.IsKnown(policy.Strategy) ? policy.Strategy! : tableStrategy;

        // Request routing has no task text: a role's targets are ranked for its own benchmark workloads only.
        Query = BenchmarkQuery.Create([], [.. policy.BenchmarkWorkloads, .. policy.AgenticBenchmarkWorkloads]);
    }

    public RoleView Role { get; }
    public string RoleId => Role.RoleId;

    /// <summary>The role's operation when it is a known kind, else null (such a role routes nowhere).</summary>
    public string? Kind => ServiceKinds.IsKnown(Role.Operation) ? Role.Operation : null;

    /// <summary>Preferred families in preference order, lower-cased.</summary>
    public string[] Families { get; }
    public string[] AllowedTrustTiers { get; }
    public string[] DeniedTrustTiers { get; }
    public string[] AllowedDeviceClasses { get; }
    public string[] DeniedDeviceClasses { get; }
    public string[] AllowedWorkloadClasses { get; }
    public string[] DeniedWorkloadClasses { get; }
    public string Strategy { get; }
    public BenchmarkQuery Query { get; }

    /// <summary>Match text: id, names, description, system prompt, families, labels and benchmark workloads.</summary>
    public HashSet<string> TextTokens => LazyInitializer.EnsureInitialized(ref _textTokens, BuildTextTokens);

    /// <summary>
    /// The family rank of a service: list length minus the index of the first preferred family (in preference
    /// order) that is a substring of its asset ids, or 0. Substring on purpose: <c>qwen3</c> matches <c>qwen3.5-9b</c>.
    /// </summary>
    public int FamilyRank(ServiceFacts service)
    {
        for (var i = 0; i < Families.Length; i++)
        {
            if (service.AssetText.Contains(Families[i], StringComparison.Ordinal))
            {
                return Families.Length - i;
            }
        }

        return 0;
    }

    private HashSet<string> BuildTextTokens()
    {
        var policy = Role.RoutingPolicy;
        return Scoring.TextTokens.Of(
        [
            Role.RoleId,
            Role.DisplayName,
            Role.Description,
            Role.PromptPolicy.SystemPrompt,
            .. policy.PreferredFamilies,
            .. policy.PreferredLabels,
            .. policy.BenchmarkWorkloads,
            .. policy.AgenticBenchmarkWorkloads,
        ]);
    }

    private static string[] Normalize(List<string> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(HostAttributes.Normalize).Distinct(StringComparer.Ordinal).ToArray();
}
