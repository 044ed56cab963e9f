using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// When things happen in a simulated generation, measured from the moment the request holds a slot: the fixed
/// latency, then the first token after the time to first token, then one token every 1/TokensPerSecond. Waits
/// are against that absolute schedule, so a slow writer catches up instead of drifting.
/// </summary>
public sealed class GenerationPacer
{
    private readonly TimeProvider _timeProvider;
    private readonly PreciseClock? _preciseClock;
    private readonly TimeSpan _latency;
    private readonly TimeSpan _firstToken;
    private readonly double _tokenTicks;

    public GenerationPacer(IOptions<SimulatorOptions> options, TimeProvider timeProvider, PreciseClock preciseClock)
    {
        var value = options.Value;
        _timeProvider = timeProvider;

        // On real time the precise clock keeps the schedule; a test's fake time keeps control through the provider.
        _preciseClock = ReferenceEquals(timeProvider, TimeProvider.System) ? preciseClock : null;
        _latency = TimeSpan.FromMilliseconds(value.LatencyMs);
        _firstToken = _latency + TimeSpan.FromMilliseconds(value.TimeToFirstTokenMs);
        _tokenTicks = value.TokensPerSecond > 0 ? TimeSpan.TicksPerSecond / value.TokensPerSecond : 0;
    }

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>The configured time to first token (without the fixed latency), reported as prompt time.</summary>
    public TimeSpan PromptTime => _firstToken - _latency;

    public long Now() => _timeProvider.GetTimestamp();

    public TimeSpan Since(long startTimestamp) => _timeProvider.GetElapsedTime(startTimestamp);

    /// <summary>Offset from the start at which token <paramref name="index"/> (0-based) is generated.</summary>
    public TimeSpan TokenDue(int index) => _firstToken + TimeSpan.FromTicks((long)(index * _tokenTicks));

    /// <summary>Waits out the fixed latency (embeddings and transcriptions: the whole simulated work).</summary>
    public ValueTask WaitLatencyAsync(long startTimestamp, CancellationToken cancellationToken) =>
        WaitUntilAsync(startTimestamp, _latency, cancellationToken);

    /// <summary>Waits until token <paramref name="index"/> is due.</summary>
    public ValueTask WaitForTokenAsync(long startTimestamp, int index, CancellationToken cancellationToken) =>
        WaitUntilAsync(startTimestamp, TokenDue(index), cancellationToken);

    /// <summary>Waits until <paramref name="offset"/> after the start; returns at once when it has passed.</summary>
    public ValueTask WaitUntilAsync(long startTimestamp, TimeSpan offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (offset <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var remaining = offset - _timeProvider.GetElapsedTime(startTimestamp);
        if (remaining <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        return _preciseClock is not null
            ? new ValueTask(_preciseClock.WaitUntilAsync(startTimestamp + (long)(offset.Ticks * (double)Stopwatch.Frequency / TimeSpan.TicksPerSecond), cancellationToken))
            : new ValueTask(Task.Delay(remaining, _timeProvider, cancellationToken));
    }
}
