using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Planning;

/// <summary>
/// What a delta changed, as <see cref="PlanBuilder"/> needs it to rebuild only the plans it touches: the services and
/// hosts added or changed (their new view) or removed (null), the services whose benchmark samples changed, and
/// whether the roles or the table's settings changed (then every role plan, or everything, is rebuilt).
/// </summary>
internal sealed class TableChangeSet
{
    public required IReadOnlyDictionary<string, ServiceView?> Services { get; init; }
    public required IReadOnlyDictionary<string, HostView?> Hosts { get; init; }
    public required IReadOnlySet<string> SampleServices { get; init; }
    public required bool RolesChanged { get; init; }
    public required bool SettingsChanged { get; init; }

    public bool ChangesPlans => Services.Count > 0 || Hosts.Count > 0 || SampleServices.Count > 0 || RolesChanged || SettingsChanged;
}
