using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Scoring;

/// <summary>The runtime inputs of a service's score, and where they came from.</summary>
/// <param name="Loaded">Any of the service's assets is loaded.</param>
/// <param name="P50LatencyMs">Median latency in milliseconds, or null when nothing is known.</param>
/// <param name="TokensPerSec">Generation throughput, or null.</param>
/// <param name="QueueDepth">Requests the engine has waiting for a slot (as the node reports it), or null.</param>
/// <param name="Source"><see cref="RuntimeSources.Measured"/>, <see cref="RuntimeSources.Reported"/> or <see cref="RuntimeSources.None"/>.</param>
public readonly record struct RuntimeFigures(bool Loaded, double? P50LatencyMs, double? TokensPerSec, int? QueueDepth, string Source);

/// <summary>Values of the <c>runtime_source</c> signal.</summary>
public static class RuntimeSources
{
    /// <summary>Latency and throughput measured by the facade on real traffic.</summary>
    public const string Measured = "measured";

    /// <summary>Latency and throughput as the node reports them (configured or from the engine).</summary>
    public const string Reported = "reported";

    public const string None = "none";
}

/// <summary>
/// The seed's runtime table: from 0, a loaded asset +0.35; p50 &lt;500 ms +0.30, &lt;1500 +0.20, &lt;3000 +0.10,
/// otherwise +0.05 (nothing when unknown); ≥40 tok/s +0.20, ≥20 +0.10; queue depth ≥5 −0.20, ≥2 −0.10;
/// clamped to [0, 1]. Exactly the seed's table: the earlier code's bands and its busy-availability penalty
/// are not used (a busy engine shows up in its queue depth instead).
/// </summary>
public static class RuntimeScorer
{
    public const double LoadedBonus = 0.35;

    /// <summary>
    /// The figures of a service. The facade's measurements win once it has completed requests in its window
    /// (<see cref="ServiceMeasurements.Requests"/> &gt; 0): then both latency and throughput come from them, so
    /// a configured starting value never outlives real traffic. Queue depth is always the engine's, from the node.
    /// </summary>
    public static RuntimeFigures Figures(ServiceView service)
    {
        var loaded = false;
        foreach (var asset in service.Assets)
        {
            if (asset.Loaded)
            {
                loaded = true;
                break;
            }
        }

        var queue = service.Observed?.QueueDepth;
        if (service.Measured is { Requests: > 0 } measured)
        {
            return new RuntimeFigures(loaded, measured.P50LatencyMs, measured.TokensPerSec, queue, RuntimeSources.Measured);
        }

        var observed = service.Observed;
        if (observed is { P50LatencyMs: not null } or { TokensPerSec: not null })
        {
            return new RuntimeFigures(loaded, observed.P50LatencyMs, observed.TokensPerSec, queue, RuntimeSources.Reported);
        }

        return new RuntimeFigures(loaded, null, null, queue, RuntimeSources.None);
    }

    public static double Score(in RuntimeFigures figures)
    {
        var score = 0.0;
        if (figures.Loaded)
        {
            score += LoadedBonus;
        }

        score += LatencyPoints(figures.P50LatencyMs);
        score += ThroughputPoints(figures.TokensPerSec);
        score -= QueuePenalty(figures.QueueDepth);
        return Math.Clamp(score, 0.0, 1.0);
    }

    /// <summary>p50 &lt;500 ms 0.30, &lt;1500 0.20, &lt;3000 0.10, otherwise 0.05; 0 when unknown.</summary>
    public static double LatencyPoints(double? p50LatencyMs) => p50LatencyMs switch
    {
        null => 0,
        < 500 => 0.30,
        < 1500 => 0.20,
        < 3000 => 0.10,
        _ => 0.05,
    };

    /// <summary>≥40 tok/s 0.20, ≥20 0.10, otherwise (or unknown) 0.</summary>
    public static double ThroughputPoints(double? tokensPerSec) => tokensPerSec switch
    {
        >= 40 => 0.20,
        >= 20 => 0.10,
        _ => 0,
    };

    /// <summary>Queue depth ≥5 0.20, ≥2 0.10, otherwise (or unknown) 0.</summary>
    public static double QueuePenalty(int? queueDepth) => queueDepth switch
    {
        >= 5 => 0.20,
        >= 2 => 0.10,
        _ => 0,
    };

    /// <summary>Human sentences for the runtime figures, for explanations.</summary>
    public static void AddReasons(in RuntimeFigures figures, List<string> reasons)
    {
        if (figures.Loaded)
        {
            reasons.Add("service already has a loaded asset");
        }

        switch (figures.P50LatencyMs)
        {
            case null:
                break;
            case < 500:
                reasons.Add("low observed latency");
                break;
            case < 1500:
                reasons.Add("moderate observed latency");
                break;
            case < 3000:
                reasons.Add("high but usable latency");
                break;
            default:
                reasons.Add("slow observed latency");
                break;
        }

        switch (figures.TokensPerSec)
        {
            case >= 40:
                reasons.Add("good observed throughput");
                break;
            case >= 20:
                reasons.Add("usable observed throughput");
                break;
        }

        if (QueuePenalty(figures.QueueDepth) > 0)
        {
            reasons.Add("current queue depth reduces suitability");
        }

        if (figures.Source == RuntimeSources.Measured)
        {
            reasons.Add("latency and throughput measured on live traffic");
        }
    }
}
