using System.Globalization;

namespace GenieHive.Routing.Planning;

/// <summary>
/// The short, machine-readable reasons a considered service is left out of a plan (<c>excluded[].reason</c>).
/// Reasons with a detail carry it after a colon (<c>availability:draining</c>, <c>context_too_small:4096&lt;8192</c>).
/// A service left out of a fallback role's pool is reported as <c>fallback:&lt;role_id&gt;:&lt;reason&gt;</c>.
/// </summary>
public static class ExclusionReasons
{
    /// <summary><c>state.health</c> is <c>unhealthy</c>. Any other value than <c>healthy</c> gives <c>health:&lt;value&gt;</c>.</summary>
    public const string Unhealthy = "unhealthy";
    public const string HostStale = "host_stale";

    /// <summary><c>state.accept_requests</c> is false.</summary>
    public const string NotAccepting = "not_accepting";

    /// <summary>The role requires a loaded asset and the service has none.</summary>
    public const string NotLoaded = "not_loaded";

    /// <summary>Another service in the pool matches a better-ranked preferred family.</summary>
    public const string FamilyNotPreferred = "family_not_preferred";

    /// <summary>The facade (or Control, from its reports) keeps the service out of rotation for now.</summary>
    public const string CoolingDown = "cooling_down";

    /// <summary>The name matches the service, but the service does another kind of work.</summary>
    public const string WrongKind = "wrong_kind";

    /// <summary>The host restricts which model families it serves and none of them matches the service.</summary>
    public const string HostFamilyRestricted = "host_family_restricted";

    /// <summary>The host's trust tier is an employee or personal device and the role does not allow those.</summary>
    public const string EmployeeDeviceNotAllowed = "employee_device_not_allowed";

    public static string Health(string? health) =>
        health == Contracts.HealthStates.Unhealthy ? Unhealthy : "health:" + (string.IsNullOrEmpty(health) ? "missing" : health);

    public static string Availability(string availability) => "availability:" + availability;

    public static string ContextTooSmall(long known, int required) =>
        string.Create(CultureInfo.InvariantCulture, $"context_too_small:{known}<{required}");

    public static string TrustTierDenied(string tier) => "trust_tier_denied:" + tier;

    public static string TrustTierNotAllowed(string? tier) => "trust_tier_not_allowed:" + (tier ?? "unknown");

    public static string DeviceClassDenied(string deviceClass) => "device_class_denied:" + deviceClass;

    public static string DeviceClassNotAllowed(string? deviceClass) => "device_class_not_allowed:" + (deviceClass ?? "unknown");

    public static string WorkloadClassDenied(string workloadClass) => "workload_class_denied:" + workloadClass;

    public const string WorkloadClassNotAllowed = "workload_class_not_allowed";

    public static string ViaFallback(string roleId, string reason) => "fallback:" + roleId + ":" + reason;
}
