using System.Diagnostics;

using GenieHive.Contracts;
namespace GenieHive.Bench.Soak;

/// <summary>Seconds since the measured phase began (monotonic), shared by every driver and sampler.</summary>
internal sealed class RunClock
{
    private long _start = Stopwatch.GetTimestamp();

    public void Restart() => _start = Stopwatch.GetTimestamp();

    public double Seconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    public static double UnixNow => TimeProvider.System.UnixSeconds();
}
