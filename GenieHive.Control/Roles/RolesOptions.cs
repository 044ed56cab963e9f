namespace GenieHive.Control.Roles;

/// <summary>Where the role catalog comes from (<c>GenieHive:Roles</c>).</summary>
public sealed class RolesOptions
{
    public const string SectionName = "GenieHive:Roles";

    /// <summary>The catalog used when <see cref="Path"/> is not configured, if it exists.</summary>
    public const string DefaultFileName = "roles.yaml";

    /// <summary>
    /// Path of the roles YAML file (the earlier implementation's format: a top-level <c>roles:</c> list).
    /// A relative path resolves against the content root, then against the application folder (where the
    /// default <c>roles.yaml</c> is copied). When set, the file must exist and be valid, or Control refuses
    /// to start. Set to an empty string for no catalog. When not configured at all, <c>roles.yaml</c> is used
    /// if it exists. appsettings.json sets <c>roles.yaml</c>.
    /// </summary>
    public string? Path { get; set; }
}
