using GenieHive.Contracts.Cluster;

namespace GenieHive.Control.Roles;

/// <summary>The roles Control serves, sorted by role id. Loaded from the YAML file at start-up.</summary>
public sealed class RoleCatalog
{
    private IReadOnlyList<RoleView> _roles = [];

    public IReadOnlyList<RoleView> Roles => Volatile.Read(ref _roles);

    public void Replace(IEnumerable<RoleView> roles) =>
        Volatile.Write(ref _roles, [.. roles.OrderBy(role => role.RoleId, StringComparer.Ordinal)]);
}
