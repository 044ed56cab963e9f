using System.Globalization;
using GenieHive.Bench.Soak.Stats;

namespace GenieHive.Bench.Soak.Scale;

/// <summary>One of issue 17's scale numbers: the figure measured, its must and aim, and whether each is met.</summary>
internal sealed record TargetCheck(string What, double? Figure, string Unit, double Must, double Aim, bool MeetsMust, bool MeetsAim);

/// <summary>
/// The scale numbers of a run (issue 17; DESIGN.md, "Numbers to reach"), beside the store they were measured on:
/// what the facade read of the routing watch, how fast a change reached it, Control's RSS, and the heartbeat
/// latency. The targets are stated for 10,000 services and about 1,000 heartbeats a second; at other sizes they are
/// shown for comparison only.
/// </summary>
internal sealed record ScaleFigures(
    string Store,
    int Services,
    double HeartbeatsPerSecond,
    WatchCostFigures Watch,
    VisibilityFigures Visibility,
    double ControlRssPeakMb,
    double ControlRssEndMb,
    LatencySummary Heartbeat,
    IReadOnlyList<TargetCheck> Targets)
{
    public static ScaleFigures Of(string store, int services, double heartbeatsPerSecond, WatchCostFigures watch, VisibilityFigures visibility,
        double controlRssPeakMb, double controlRssEndMb, LatencySummary heartbeat) =>
        new(store, services, heartbeatsPerSecond, watch, visibility, controlRssPeakMb, controlRssEndMb, heartbeat,
            Check(watch, visibility, controlRssPeakMb));

    /// <summary>
    /// Issue 17's numbers, each as "at most": the watch read as a percentage of re-downloading every version (≤ 2 %,
    /// aim 0.5 %), a change visible in the facade at p99 from Control's acknowledgement (≤ 1,000 ms, aim 200 ms;
    /// a change not seen within the probe's timeout counts as the timeout), Control's peak RSS (≤ 300 MB, aim 200 MB).
    /// </summary>
    public static IReadOnlyList<TargetCheck> Check(WatchCostFigures watch, VisibilityFigures visibility, double controlRssPeakMb)
    {
        double? visible = visibility.Changes == 0 ? null : visibility.FromAckP99WithNotSeenMs;
        return
        [
            AtMost("facade watch read, % of re-downloading every version", watch.ReadPercentOfReDownload, "%", 2, 0.5),
            AtMost("change visible in the facade, p99 after Control's 200 (not seen = timeout)", visible, "ms", 1000, 200),
            AtMost("Control RSS, peak", controlRssPeakMb, "MB", 300, 200),
        ];
    }

    private static TargetCheck AtMost(string what, double? figure, string unit, double must, double aim) =>
        new(what, figure, unit, must, aim, figure is { } f && f <= must, figure is { } g && g <= aim);

    /// <summary>A figure as the summary prints it ("n/a" when there was nothing to measure).</summary>
    public static string Format(double? figure, string unit) =>
        figure is { } value ? value.ToString(value < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + " " + unit : "n/a";
}
