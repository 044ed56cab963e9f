namespace GenieHive.Bench.Load.Stats;

/// <summary>
/// A quantity measured once per round (a target minus the direct call, or a ratio to the bare forwarder),
/// aggregated over the rounds by the median, so that one disturbed round does not move the result.
/// </summary>
internal sealed record RoundAggregate(double Median, double Min, double Max, IReadOnlyList<double> PerRound)
{
    public static RoundAggregate Of(IReadOnlyList<double> perRound) =>
        perRound.Count == 0
            ? new RoundAggregate(double.NaN, double.NaN, double.NaN, perRound)
            : new RoundAggregate(Percentiles.Median(perRound), perRound.Min(), perRound.Max(), perRound);
}
