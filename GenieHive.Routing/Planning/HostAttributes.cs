using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Planning;

/// <summary>
/// The host facts that role gates read (reference section 4.1), lower-cased and trimmed: trust tier and device
/// class from the first non-empty of <c>labels[k]</c>, <c>resources[k]</c> and <c>resources.contribution_policy[k]</c>;
/// workload classes from <c>contribution_policy.workload_classes</c>, else <c>resources.workload_classes</c>, else
/// <c>labels.workload_class</c> (comma-separated); allowed model families from
/// <c>contribution_policy.allowed_model_families</c>, else <c>resources.allowed_model_families</c>.
/// </summary>
internal sealed class HostAttributes
{
    public static HostAttributes Empty { get; } = new(null, null, [], []);

    private HostAttributes(string? trustTier, string? deviceClass, string[] workloadClasses, string[] allowedFamilies)
    {
        TrustTier = trustTier;
        DeviceClass = deviceClass;
        WorkloadClasses = workloadClasses;
        AllowedFamilies = allowedFamilies;
    }

    public string? TrustTier { get; }
    public string? DeviceClass { get; }
    public string[] WorkloadClasses { get; }
    public string[] AllowedFamilies { get; }

    /// <summary>
    /// Whether both say the same (a heartbeat changes a host's last-seen time and metrics, rarely these), so the
    /// facts of the host's services can be kept when a delta changes the host.
    /// </summary>
    public bool SameAs(HostAttributes other) =>
        ReferenceEquals(this, other)
        || (TrustTier == other.TrustTier
            && DeviceClass == other.DeviceClass
            && WorkloadClasses.AsSpan().SequenceEqual(other.WorkloadClasses)
            && AllowedFamilies.AsSpan().SequenceEqual(other.AllowedFamilies));

    public static HostAttributes From(HostView? host)
    {
        if (host is null)
        {
            return Empty;
        }

        var resources = host.Resources;
        var policy = resources?["contribution_policy"] as JsonObject;
        var tier = Attribute(host, resources, policy, "trust_tier");
        var deviceClass = Attribute(host, resources, policy, "device_class");

        var workloadClasses = List(policy?["workload_classes"]);
        if (workloadClasses.Length == 0)
        {
            workloadClasses = List(resources?["workload_classes"]);
        }

        if (workloadClasses.Length == 0 && host.Labels.TryGetValue("workload_class", out var labelled))
        {
            workloadClasses = Normalize(labelled.Split(','));
        }

        var families = List(policy?["allowed_model_families"]);
        if (families.Length == 0)
        {
            families = List(resources?["allowed_model_families"]);
        }

        return tier is null && deviceClass is null && workloadClasses.Length == 0 && families.Length == 0
            ? Empty
            : new HostAttributes(tier, deviceClass, workloadClasses, families);
    }

    private static string? Attribute(HostView host, JsonObject? resources, JsonObject? policy, string key)
    {
        if (host.Labels.TryGetValue(key, out var label) && !string.IsNullOrWhiteSpace(label))
        {
            return Normalize(label);
        }

        return Text(resources?[key]) ?? Text(policy?[key]);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text) ? Normalize(text) : null;

    private static string[] List(JsonNode? node) => node switch
    {
        JsonArray array => Normalize(array.Select(Text)),
        JsonValue => Text(node) is { } single ? Normalize(single.Split(',')) : [],
        _ => [],
    };

    private static string[] Normalize(IEnumerable<string?> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => Normalize(v!)).Distinct(StringComparer.Ordinal).ToArray();

    internal static string Normalize(string value) => value.Trim().ToLowerInvariant();
}
