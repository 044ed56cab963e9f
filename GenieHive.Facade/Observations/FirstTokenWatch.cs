using GenieHive.Contracts;

namespace GenieHive.Facade.Observations;

/// <summary>
/// One streamed attempt's part in its service's figures before the answer ends. From the send until its first token
/// it counts toward the service's oldest wait (<see cref="ServiceStats.OldestAwaitingSince"/>: how long it has waited
/// beyond the prefill predicted for its prompt is a lower bound on the service's time to first token, which the route
/// selector prices, so a slow engine nobody has measured stops getting traffic as soon as its first request is late).
/// Its first token teaches the service's time to first token at once rather than when the answer ends; when the answer says how long the prompt took (llama.cpp's
/// <c>timings.prompt_ms</c>), that sample is made net of the prefill, which the predictor prices on its own.
/// A struct inside the attempt's meter: watching allocates nothing.
/// </summary>
internal struct FirstTokenWatch
{
    private ServiceStats? _stats;
    private TimeProvider? _time;
    private long _sentAt;
    private int _ticket;
    private bool _queued;
    private bool _cold;
    private bool _arrived;
    private double _weight;

    /// <summary>
    /// Watches an attempt sent to <paramref name="stats"/>'s service now, predicted to spend <paramref name="prefillMs"/>
    /// on its prompt before the engine's usual time to first token. <paramref name="queued"/>: every slot was
    /// busy, so its first token includes a wait for one (not the engine's speed, and not a sign of it).
    /// <paramref name="cold"/>: the model was not loaded.
    /// </summary>
    public static FirstTokenWatch Start(ServiceStats stats, TimeProvider time, double prefillMs, bool queued, bool cold) => new()
    {
        _stats = stats,
        _time = time,
        _sentAt = time.GetTimestamp(),
        _ticket = queued ? -1 : stats.AwaitFirstToken(time.UnixSeconds() + (double.IsFinite(prefillMs) && prefillMs > 0 ? prefillMs / 1000 : 0)),
        _queued = queued,
        _cold = cold,
    };

    /// <summary>The first token came at <paramref name="now"/> (a timestamp of the watch's clock).</summary>
    public void Arrived(long now)
    {
        if (_stats is null || _arrived)
        {
            return;
        }

        _arrived = true;
        _stats.FirstTokenArrived(_ticket);
        _ticket = -1;
        _weight = _stats.Speeds.AddFirstToken(_time!.GetElapsedTime(_sentAt, now).TotalMilliseconds, _queued, _cold);
    }

    /// <summary>
    /// The attempt is over. <paramref name="promptMs"/>: what the engine said its <paramref name="promptTokens"/>
    /// processed prompt tokens took (NaN when unknown, or when the attempt failed and says nothing about the service).
    /// </summary>
    public void Ended(double promptMs, double promptTokens)
    {
        if (_stats is null)
        {
            return;
        }

        _stats.FirstTokenArrived(_ticket);
        _ticket = -1;
        if (_weight > 0 && double.IsFinite(promptMs) && promptMs > 0)
        {
            _stats.Speeds.TakeOutPrefill(_weight, promptMs, promptTokens);
        }

        _stats = null;
    }
}
