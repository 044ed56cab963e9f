using GenieHive.Contracts;

namespace GenieHive.Control.Roles;

/// <summary>The value a catalog field must hold.</summary>
public enum RoleFieldType
{
    String,
    Integer,
    Number,
    Boolean,
    StringList,
    Mapping,

    /// <summary>Any mapping, kept as it is (<c>body_defaults</c>).</summary>
    FreeMapping,
}

/// <summary>One known field of a role: its type, whether it is required, its allowed values, its nested fields.</summary>
public sealed record RoleField(string Name, RoleFieldType Type, bool Required = false, string[]? Allowed = null, RoleField[]? Fields = null);

/// <summary>
/// The fields of a role in the catalog (every field of <c>RoleView</c> and its policies, snake_case).
/// Unknown keys are ignored: older catalogs carry extras.
/// </summary>
public static class RoleSchema
{
    public static readonly string[] Operations = [.. ServiceKinds.All];

    public static readonly string[] SystemPromptPositions = ["prepend", "append", "replace"];

    public static readonly string[] Strategies = [RoutingStrategies.Scored, RoutingStrategies.RoundRobin, RoutingStrategies.LeastLoaded];

    public static readonly RoleField[] RequestPolicy =
    [
        new("body_defaults", RoleFieldType.FreeMapping),
        new("system_prompt", RoleFieldType.String),
        new("system_prompt_position", RoleFieldType.String, Allowed: SystemPromptPositions),
    ];

    public static readonly RoleField[] PromptPolicy =
    [
        new("system_prompt", RoleFieldType.String),
        new("user_template", RoleFieldType.String),
        new("request_policy", RoleFieldType.Mapping, Fields: RequestPolicy),
    ];

    public static readonly RoleField[] RoutingPolicy =
    [
        new("preferred_families", RoleFieldType.StringList),
        new("preferred_labels", RoleFieldType.StringList),
        new("min_context", RoleFieldType.Integer),
        new("require_loaded", RoleFieldType.Boolean),
        new("fallback_roles", RoleFieldType.StringList),
        new("strategy", RoleFieldType.String, Allowed: Strategies),
        new("benchmark_workloads", RoleFieldType.StringList),
        new("allow_employee_devices", RoleFieldType.Boolean),
        new("allowed_trust_tiers", RoleFieldType.StringList),
        new("denied_trust_tiers", RoleFieldType.StringList),
        new("allowed_device_classes", RoleFieldType.StringList),
        new("denied_device_classes", RoleFieldType.StringList),
        new("allowed_workload_classes", RoleFieldType.StringList),
        new("denied_workload_classes", RoleFieldType.StringList),
        new("guardrail_profile", RoleFieldType.String),
        new("tool_mode", RoleFieldType.String),
        new("force_respond_tool", RoleFieldType.Boolean),
        new("context_budget_mode", RoleFieldType.String),
        new("agentic_benchmark_workloads", RoleFieldType.StringList),
    ];

    public static readonly RoleField[] Role =
    [
        new("role_id", RoleFieldType.String, Required: true),
        new("display_name", RoleFieldType.String),
        new("description", RoleFieldType.String),
        new("operation", RoleFieldType.String, Required: true, Allowed: Operations),
        new("modality", RoleFieldType.String),
        new("prompt_policy", RoleFieldType.Mapping, Fields: PromptPolicy),
        new("routing_policy", RoleFieldType.Mapping, Fields: RoutingPolicy),
        new("updated_at", RoleFieldType.Number),
    ];
}
