using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// When things happen in a simulated generation, measured from the moment the request holds a slot: the fixed
/// latency, the time to first token, the prefill of the prompt tokens the slot does not hold (at
/// <c>PromptTokensPerSecond</c>), then one token every 1/TokensPerSecond. Waits are against that absolute schedule,
/// so a slow writer catches up instead of drifting. When slots share the engine's compute
/// (<c>DecodeContention</c>), the prefill and the tokens are due on the shared work clock instead, which moves slower
/// the more slots are busy.
/// </summary>
public sealed class GenerationPacer
{
    private readonly TimeProvider _timeProvider;
    private readonly PreciseClock? _preciseClock;
    private readonly SharedThroughput _throughput;
    private readonly TimeSpan _latency;
    private readonly TimeSpan _firstToken;
    private readonly double _tokenTicks;
    private readonly double _promptTokenSeconds;

    public GenerationPacer(IOptions<SimulatorOptions> options, TimeProvider timeProvider, PreciseClock preciseClock, SharedThroughput throughput)
    {
        var value = options.Value;
        _timeProvider = timeProvider;

        // On real time the precise clock keeps the schedule; a test's fake time keeps control through the provider.
        _preciseClock = ReferenceEquals(timeProvider, TimeProvider.System) ? preciseClock : null;
        _throughput = throughput;
        _latency = TimeSpan.FromMilliseconds(value.LatencyMs);
        _firstToken = _latency + TimeSpan.FromMilliseconds(value.TimeToFirstTokenMs);
        _tokenTicks = value.TokensPerSecond > 0 ? TimeSpan.TicksPerSecond / value.TokensPerSecond : 0;
        _promptTokenSeconds = value.PromptTokensPerSecond > 0 ? 1 / value.PromptTokensPerSecond : 0;
    }

    public TimeProvider TimeProvider => _timeProvider;

    public long Now() => _timeProvider.GetTimestamp();

    public TimeSpan Since(long startTimestamp) => _timeProvider.GetElapsedTime(startTimestamp);

    /// <summary>
    /// The schedule of a generation starting now, whose prompt has <paramref name="uncachedPromptTokens"/> tokens to
    /// process. The caller must <see cref="End"/> it.
    /// </summary>
    public GenerationSchedule Begin(int uncachedPromptTokens)
    {
        var prefill = uncachedPromptTokens * _promptTokenSeconds;
        return _throughput.IsShared
            ? new GenerationSchedule(Now(), _firstToken, new ComputeShare(prefill))
            : new GenerationSchedule(Now(), _firstToken + TimeSpan.FromSeconds(prefill), null);
    }

    /// <summary>Ends a generation's schedule (it stops sharing the engine's compute).</summary>
    public void End(in GenerationSchedule schedule)
    {
        if (schedule.Share is { Joined: true } share)
        {
            share.Joined = false;
            _throughput.Leave();
        }
    }

    /// <summary>How long the prompt took: from the start to the first token, less the fixed latency.</summary>
    public TimeSpan PromptTime(TimeSpan firstTokenAt) =>
        firstTokenAt > _latency ? firstTokenAt - _latency : TimeSpan.Zero;

    /// <summary>Waits out the fixed latency (embeddings and transcriptions: the whole simulated work).</summary>
    public ValueTask WaitLatencyAsync(long startTimestamp, CancellationToken cancellationToken) =>
        WaitUntilAsync(startTimestamp, _latency, cancellationToken);

    /// <summary>Waits until token <paramref name="index"/> (0-based) of the generation is due.</summary>
    public ValueTask WaitForTokenAsync(in GenerationSchedule schedule, int index, CancellationToken cancellationToken)
    {
        if (schedule.Share is not { } share)
        {
            return WaitUntilAsync(schedule.Start, schedule.FirstToken + TimeSpan.FromTicks((long)(index * _tokenTicks)), cancellationToken);
        }

        return WaitSharedAsync(schedule.Start, schedule.FirstToken, share, index, cancellationToken);
    }

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

    // The fixed part (latency, time to first token) in plain time, then prefill and tokens on the shared work clock.
    private async ValueTask WaitSharedAsync(long start, TimeSpan fixedPart, ComputeShare share, int index, CancellationToken cancellationToken)
    {
        if (!share.Joined)
        {
            await WaitUntilAsync(start, fixedPart, cancellationToken).ConfigureAwait(false);
            share.JoinedAt = _throughput.Join();
            share.Joined = true;
        }

        var due = share.JoinedAt + share.PrefillSeconds + (index * _tokenTicks / TimeSpan.TicksPerSecond);
        await _throughput.WaitUntilAsync(due, Delay, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        WaitUntilAsync(Now(), delay, cancellationToken);
}

/// <summary>
/// One generation's schedule: when it started, when its first token is due at full speed (fixed latency, time to
/// first token and, without shared compute, the prefill), and its share of the engine's compute when slots share it.
/// </summary>
public readonly record struct GenerationSchedule(long Start, TimeSpan FirstToken, ComputeShare? Share);

/// <summary>A generation's place on the shared work clock: the prefill it needs and where the clock stood when it joined.</summary>
public sealed class ComputeShare(double prefillSeconds)
{
    public double PrefillSeconds { get; } = prefillSeconds;

    public double JoinedAt { get; set; }

    public bool Joined { get; set; }
}
