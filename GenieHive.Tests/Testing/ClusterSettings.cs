using System.Globalization;

namespace GenieHive.Tests.Testing;

/// <summary>
/// What each part of a <see cref="TestCluster"/> is configured with, from its <see cref="ClusterOptions"/>: the keys,
/// the addresses of the parts it calls, the knobs, the log level, and the test's own extra settings, which win.
/// </summary>
internal sealed class ClusterSettings(ClusterOptions options)
{
    public Dictionary<string, string?> Control(string? rolesPath)
    {
        var settings = New();
        settings["GenieHive:Auth:ClientApiKeys:0"] = TestCluster.ClientKey;
        settings["GenieHive:Auth:NodeApiKeys:0"] = TestCluster.NodeKey;
        settings["GenieHive:Roles:Path"] = rolesPath ?? "";
        settings["GenieHive:Routing:Strategy"] = options.Strategy;
        settings["GenieHive:Routing:HostTimeoutSeconds"] = Invariant(options.HostTimeoutSeconds);
        return Finish(settings, options.ControlSettings);
    }

    /// <summary>A facade's settings; <paramref name="extra"/> (one facade's own) win over <see cref="ClusterOptions.FacadeSettings"/>.</summary>
    public Dictionary<string, string?> Facade(string controlUrl, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = New();
        SetControlUrls(settings, controlUrl);
        settings["GenieHive:Auth:ClientApiKeys:0"] = TestCluster.ClientKey;
        settings["GenieHive:Observations:IntervalSeconds"] = Invariant(options.ObservationIntervalSeconds);
        SetIfGiven(settings, "GenieHive:Cooldown:BaseSeconds", options.CooldownBaseSeconds);
        SetIfGiven(settings, "GenieHive:Cooldown:MaxSeconds", options.CooldownMaxSeconds);
        SetIfGiven(settings, "GenieHive:Proxy:ConnectTimeoutSeconds", options.ConnectTimeoutSeconds);
        SetIfGiven(settings, "GenieHive:Proxy:FirstByteTimeoutSeconds", options.FirstByteTimeoutSeconds);
        SetIfGiven(settings, "GenieHive:Proxy:StreamIdleTimeoutSeconds", options.StreamIdleTimeoutSeconds);
        SetIfGiven(settings, "GenieHive:Auth:InvalidKeysPerMinute", options.InvalidKeysPerMinute);
        settings["GenieHive:RequestRouting:ProbeUnmeasuredServices"] = options.ProbeUnmeasuredServices ? "true" : "false";
        Finish(settings, options.FacadeSettings);
        Merge(settings, extra ?? new Dictionary<string, string?>());
        return settings;
    }

    // The leading URLs first, then the real Control's, as services:control:http:N.
    private void SetControlUrls(Dictionary<string, string?> settings, string controlUrl)
    {
        var urls = options.LeadingControlUrls.Append(controlUrl).ToArray();
        for (var i = 0; i < urls.Length; i++)
        {
            settings["services:control:http:" + Invariant(i)] = urls[i];
        }
    }

    /// <summary>A node agent for <paramref name="hostId"/> told about <paramref name="services"/> (<c>GenieHive:Node:Services:N</c>).</summary>
    public Dictionary<string, string?> Agent(string controlUrl, string hostId, IReadOnlyList<ServiceSpec> services)
    {
        var settings = New();
        SetControlUrls(settings, controlUrl);
        settings["GenieHive:Node:HostId"] = hostId;
        settings["GenieHive:Node:Address"] = "127.0.0.1";
        settings["GenieHive:Node:NodeApiKey"] = TestCluster.NodeKey;
        settings["GenieHive:Node:HeartbeatIntervalSeconds"] = Invariant(options.HeartbeatSeconds);
        settings["GenieHive:Node:ProbeTimeoutSeconds"] = "1";
        settings["GenieHive:Node:AutoDiscover"] = "false";
        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var prefix = "GenieHive:Node:Services:" + Invariant(i) + ":";
            settings[prefix + "ServiceId"] = service.ServiceId;
            settings[prefix + "Kind"] = service.Kind;
            settings[prefix + "Endpoint"] = service.Endpoint.ToString().TrimEnd('/');
            settings[prefix + "Discover"] = service.Discover;
            if (service.AssetId is { } asset)
            {
                settings[prefix + "Assets:0:AssetId"] = asset;
                settings[prefix + "Assets:0:Loaded"] = "true";
                settings[prefix + "Assets:0:ContextSize"] = "4096";
            }

            foreach (var (key, value) in service.Observed)
            {
                settings[prefix + "Observed:" + key] = value;
            }
        }

        return Finish(settings, options.AgentSettings);
    }

    /// <summary>
    /// A simulator: quick (5 ms to the first token, no token pacing), then <see cref="ClusterOptions.SimulatorSettings"/>,
    /// then <paramref name="own"/> (<c>Simulator:*</c> keys without the prefix). It logs warnings only, whatever the cluster's level.
    /// </summary>
    public Dictionary<string, string?> Simulator(IEnumerable<(string Key, object Value)> own)
    {
        var settings = New();
        settings["Simulator:TimeToFirstTokenMs"] = "5";
        settings["Simulator:TokensPerSecond"] = "0";
        settings["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in options.SimulatorSettings)
        {
            settings["Simulator:" + key] = value;
        }

        foreach (var (key, value) in own)
        {
            settings["Simulator:" + key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private static Dictionary<string, string?> New() => new(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, string?> Finish(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?> extra)
    {
        var level = options.LogLevel.ToString();
        settings["Logging:LogLevel:Default"] = level;
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = level;
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = level;
        settings["Logging:LogLevel:Polly"] = level;
        Merge(settings, extra);
        return settings;
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?> extra)
    {
        foreach (var (key, value) in extra)
        {
            target[key] = value;
        }
    }

    private static void SetIfGiven(Dictionary<string, string?> settings, string key, double? value)
    {
        if (value is { } given)
        {
            settings[key] = Invariant(given);
        }
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
