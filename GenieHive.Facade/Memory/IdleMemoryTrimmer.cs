using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Memory;

/// <summary>
/// Returns the facade's free memory to the operating system once traffic stops. Under load the GC keeps generous
/// budgets and the JIT and sockets leave freed native pages behind (about 10 MB here, bench/run.sh "facade memory");
/// a gateway that sits beside model servers on the same machine should hand that back while nobody uses it. Runs
/// once per quiet spell: after <see cref="MemoryOptions.TrimAfterIdleSeconds"/> with no new request and none in
/// flight, and not again until traffic has come and gone.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(
    RequestActivity activity,
    IOptions<MemoryOptions> options,
    TimeProvider timeProvider,
    ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    private readonly TimeSpan _idle = TimeSpan.FromSeconds(options.Value.TrimAfterIdleSeconds);
    private long _lastStarted;
    private long _quietSince = timeProvider.GetTimestamp();
    // Start-up is the first burst of work (JIT, the first routing table): trim once after it too.
    private bool _trafficSinceTrim = true;

    /// <summary>Trims done since start-up.</summary>
    public int Trims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_idle <= TimeSpan.Zero)
        {
            return;
        }

        // Checking a few times per idle window keeps the trim close to its due time; the check reads two counters.
        var period = TimeSpan.FromTicks(Math.Clamp(_idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (ShouldTrim(timeProvider.GetTimestamp()))
            {
                Trim();
            }
        }
    }

    /// <summary>True when the facade has been quiet for the idle window since traffic last came (one tick of the loop).</summary>
    internal bool ShouldTrim(long now)
    {
        var started = activity.Started;
        if (started != _lastStarted || activity.InFlight > 0)
        {
            _lastStarted = started;
            _quietSince = now;
            _trafficSinceTrim = true;
            return false;
        }

        return _trafficSinceTrim && timeProvider.GetElapsedTime(_quietSince, now) >= _idle;
    }

    /// <summary>Starts waiting for the next quiet spell (traffic has to come and go before the next trim).</summary>
    internal void MarkTrimmed() => _trafficSinceTrim = false;

    private void Trim()
    {
        MarkTrimmed();
        var before = Environment.WorkingSet;
        MemoryRelease.Run();
        Trims++;
        Log.Trimmed(logger, _idle.TotalSeconds, before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Idle for {IdleSeconds} s: returned free memory to the system (working set {BeforeMb} MB -> {AfterMb} MB)")]
        public static partial void Trimmed(ILogger logger, double idleSeconds, long beforeMb, long afterMb);
    }
}
