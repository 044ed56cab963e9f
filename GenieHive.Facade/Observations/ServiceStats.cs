namespace GenieHive.Facade.Observations;

/// <summary>
/// What this facade knows about one service: requests in flight (lock-free), a fixed ring of the most recent
/// completed requests (allocated once, so measuring allocates nothing per request), the starts of streamed requests
/// still waiting for their first token (a fixed table, likewise), and the local cooldown.
/// </summary>
public sealed class ServiceStats
{
    /// <summary>
    /// Requests waiting for their first token tracked at once; beyond it a request is not tracked, which only makes the
    /// oldest wait a looser lower bound (the older ones are tracked).
    /// </summary>
    public const int MaxAwaited = 64;

    private readonly Lock _gate = new();
    private readonly double[] _awaiting = new double[MaxAwaited];
    private double _oldestAwaiting = double.NaN;
    private readonly Sample[] _ring;
    private int _next;
    private int _count;
    private int _inFlight;
    private double _cooldownUntil;
    private string? _cooldownReason;
    private int _consecutiveFailures;

    public ServiceStats(string serviceId, int windowSize)
    {
        ServiceId = serviceId;
        _ring = new Sample[windowSize];
    }

    public string ServiceId { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Running speed averages for the route selector's delay prediction.</summary>
    internal SpeedEstimates Speeds { get; } = new();

    /// <summary>Counts one more request in flight; returns how many were in flight before it.</summary>
    public int Enter() => Interlocked.Increment(ref _inFlight) - 1;

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// Since when the longest-waiting of this facade's streamed requests without a first token here has waited beyond
    /// its predicted prefill (Unix seconds: sent, plus that prefill), or NaN when none is waiting. That wait is a lower
    /// bound on the service's time to first token right now.
    /// </summary>
    public double OldestAwaitingSince => Volatile.Read(ref _oldestAwaiting);

    /// <summary>
    /// A streamed request waits for its first token, due at the engine's usual time to first token after
    /// <paramref name="sentAt"/> (Unix seconds: sent, plus its predicted prefill); returns its ticket (-1: not tracked).
    /// </summary>
    public int AwaitFirstToken(double sentAt)
    {
        lock (_gate)
        {
            var free = Array.IndexOf(_awaiting, 0.0);
            if (free < 0)
            {
                return -1;
            }

            _awaiting[free] = sentAt;
            if (!(_oldestAwaiting <= sentAt))
            {
                Volatile.Write(ref _oldestAwaiting, sentAt);
            }

            return free;
        }
    }

    /// <summary>The request with <paramref name="ticket"/> got its first token, or ended without one.</summary>
    public void FirstTokenArrived(int ticket)
    {
        if (ticket < 0)
        {
            return;
        }

        lock (_gate)
        {
            _awaiting[ticket] = 0;
            var oldest = double.NaN;
            foreach (var sentAt in _awaiting)
            {
                if (sentAt > 0 && !(oldest <= sentAt))
                {
                    oldest = sentAt;
                }
            }

            Volatile.Write(ref _oldestAwaiting, oldest);
        }
    }

    /// <summary>When the local cooldown ends (Unix seconds), or null when none was imposed.</summary>
    public double? CooldownUntil
    {
        get
        {
            var until = Volatile.Read(ref _cooldownUntil);
            return until > 0 ? until : null;
        }
    }

    /// <summary>Records one finished request. <paramref name="ttftMs"/> and <paramref name="tokensPerSec"/> may be NaN (unknown).</summary>
    public void Record(double completedAt, double latencyMs, double ttftMs, double tokensPerSec, bool failed)
    {
        lock (_gate)
        {
            _ring[_next] = new Sample(completedAt, latencyMs, ttftMs, tokensPerSec, failed);
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length)
            {
                _count++;
            }
        }
    }

    /// <summary>Starts or extends a cooldown. Without <paramref name="fixedSeconds"/> it doubles per consecutive failure.</summary>
    public double CoolDown(double now, string reason, double baseSeconds, double maxSeconds, double? fixedSeconds = null)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            var seconds = fixedSeconds ?? Math.Min(maxSeconds, baseSeconds * Math.Pow(2, Math.Min(_consecutiveFailures - 1, 30)));
            var until = now + seconds;
            if (until > _cooldownUntil)
            {
                Volatile.Write(ref _cooldownUntil, until);
            }

            _cooldownReason = reason;
            return seconds;
        }
    }

    /// <summary>A success ends the streak of failures and any cooldown.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _consecutiveFailures) == 0 && Volatile.Read(ref _cooldownUntil) == 0)
        {
            return;
        }

        lock (_gate)
        {
            _consecutiveFailures = 0;
            _cooldownReason = null;
            Volatile.Write(ref _cooldownUntil, 0);
        }
    }

    /// <summary>The window's figures at <paramref name="now"/>, counting only requests newer than <paramref name="windowSeconds"/>.</summary>
    public WindowFigures Summarize(double now, double windowSeconds)
    {
        Sample[] copy;
        int count;
        WindowFigures figures;
        lock (_gate)
        {
            count = _count;
            copy = new Sample[count];
            Array.Copy(_ring, copy, count);
            figures = new WindowFigures
            {
                CooldownUntil = _cooldownUntil > now ? _cooldownUntil : null,
                CooldownReason = _cooldownUntil > now ? _cooldownReason : null,
                ConsecutiveFailures = _consecutiveFailures,
            };
        }

        var latencies = new List<double>(count);
        var ttfts = new List<double>(count);
        var rates = new List<double>(count);
        long requests = 0;
        long errors = 0;
        foreach (var sample in copy)
        {
            if (now - sample.CompletedAt > windowSeconds)
            {
                continue;
            }

            requests++;
            if (sample.Failed)
            {
                errors++;
                continue;
            }

            latencies.Add(sample.LatencyMs);
            if (!double.IsNaN(sample.TtftMs))
            {
                ttfts.Add(sample.TtftMs);
            }

            if (!double.IsNaN(sample.TokensPerSec) && !double.IsInfinity(sample.TokensPerSec))
            {
                rates.Add(sample.TokensPerSec);
            }
        }

        latencies.Sort();
        ttfts.Sort();
        rates.Sort();
        return figures with
        {
            Requests = requests,
            Errors = errors,
            P50LatencyMs = Round(Percentiles.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies), 0.50)),
            P95LatencyMs = Round(Percentiles.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies), 0.95)),
            TtftMs = Round(Percentiles.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ttfts), 0.50)),
            TokensPerSec = Round(Percentiles.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rates), 0.50)),
            InFlight = InFlight,
        };
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private readonly record struct Sample(double CompletedAt, double LatencyMs, double TtftMs, double TokensPerSec, bool Failed);
}

/// <summary>One service's sliding-window figures.</summary>
public sealed record WindowFigures
{
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double? P50LatencyMs { get; init; }
    public double? P95LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public double? TokensPerSec { get; init; }
    public int InFlight { get; init; }
    public double? CooldownUntil { get; init; }
    public string? CooldownReason { get; init; }
    public int ConsecutiveFailures { get; init; }
}
