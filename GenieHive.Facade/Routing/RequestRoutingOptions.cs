using System.ComponentModel.DataAnnotations;
using GenieHive.Routing;

namespace GenieHive.Facade.Routing;

/// <summary>
/// How this facade routes each request from its copy of Control's routing table (<c>GenieHive:RequestRouting</c>).
/// Not <c>GenieHive:Routing</c>: that section is Control's (strategy, host timeout), and one name with two meanings
/// would let a setting meant for one service land in the other.
/// </summary>
public sealed class RequestRoutingOptions
{
    public const string SectionName = "GenieHive:RequestRouting";

    /// <summary>The facade's keys that lived in Control's <c>GenieHive:Routing</c> before; set there, they are refused at start.</summary>
    internal static readonly string[] MovedKeys = [nameof(ScoreTolerance), nameof(WatchWaitSeconds)];

    /// <summary>
    /// Targets whose score is within this much of the best count as equally good, and among them the one with
    /// the fewest requests in flight gets the request (default 0.05).
    /// </summary>
    [Range(0, 1)]
    public double ScoreTolerance { get; set; } = RouteSelector.DefaultScoreTolerance;

    /// <summary>How long one long poll of Control's routing table may wait for a change, in seconds (default 8).</summary>
    [Range(1, 25)]
    public int WatchWaitSeconds { get; set; } = 8;

    /// <summary>
    /// Measure a loaded chat service nobody has measured with one short streamed completion before clients reach it
    /// (<see cref="Observations.SpeedProbe"/>; default true).
    /// </summary>
    public bool ProbeUnmeasuredServices { get; set; } = true;
}
