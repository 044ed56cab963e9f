using GenieHive.Contracts.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>
/// A role: how a kind of task should be served, not which model serves it. The same shape as the
/// earlier implementation's YAML catalogs, so they load unchanged.
/// </summary>
public sealed record RoleView
{
    public required string RoleId { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }

    /// <summary><c>chat</c>, <c>embeddings</c> or <c>transcription</c>.</summary>
    public required string Operation { get; init; }
    public string Modality { get; set; } = "text";
    public PromptPolicy PromptPolicy { get; set; } = new();
    public RoutingPolicy RoutingPolicy { get; set; } = new();
    public double UpdatedAt { get; init; }
}

public sealed record PromptPolicy
{
    /// <summary>Injected into chat requests (position from <see cref="RequestPolicy"/>, default prepend).</summary>
    public string? SystemPrompt { get; init; }
    public string? UserTemplate { get; init; }
    public RequestPolicy? RequestPolicy { get; init; }
}

public sealed record RoutingPolicy
{
    /// <summary>Ordered: the best-ranked family present among eligible services wins the pool.</summary>
    public List<string> PreferredFamilies { get; set; } = [];
    public List<string> PreferredLabels { get; set; } = [];

    /// <summary>Services whose known context is smaller are excluded; unknown context is allowed.</summary>
    public int? MinContext { get; init; }

    /// <summary>A real filter: only services with a loaded asset are eligible.</summary>
    public bool RequireLoaded { get; init; }

    /// <summary>Tried in order, cycle-safe, when no service is eligible for this role.</summary>
    public List<string> FallbackRoles { get; set; } = [];

    /// <summary>Overrides <c>GenieHive:Routing:Strategy</c> for this role when set.</summary>
    public string? Strategy { get; init; }

    /// <summary>Workloads whose benchmark samples count for this role (all samples count when empty).</summary>
    public List<string> BenchmarkWorkloads { get; set; } = [];

    // Fields of the earlier implementation's catalogs, kept so those catalogs load and round-trip.
    public bool AllowEmployeeDevices { get; init; }
    public List<string> AllowedTrustTiers { get; set; } = [];
    public List<string> DeniedTrustTiers { get; set; } = [];
    public List<string> AllowedDeviceClasses { get; set; } = [];
    public List<string> DeniedDeviceClasses { get; set; } = [];
    public List<string> AllowedWorkloadClasses { get; set; } = [];
    public List<string> DeniedWorkloadClasses { get; set; } = [];
    public string? GuardrailProfile { get; init; }
    public string? ToolMode { get; init; }
    public bool ForceRespondTool { get; init; }
    public string? ContextBudgetMode { get; init; }
    public List<string> AgenticBenchmarkWorkloads { get; set; } = [];
}
