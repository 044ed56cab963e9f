using GenieHive.Routing.Prediction;

namespace GenieHive.Facade.Observations;

/// <summary>
/// Running averages of one service's speeds for the route selector's delay prediction (<see cref="LiveFigures"/>):
/// time to first token, decode and prefill tokens per second, completion tokens per answer, model load time, and how
/// much the engine's busy slots slow each other down. Updated on every finished attempt, read on every request; a few
/// doubles under a lock, no allocation.
/// </summary>
internal sealed class SpeedEstimates
{
    /// <summary>Weight of the newest sample: recent enough to follow an engine that slows, steady enough to ignore one outlier.</summary>
    private const double Alpha = 0.2;

    /// <summary>A first token this many times the usual one on a cold model counts as a model load.</summary>
    private const double LoadFactor = 2;

    /// <summary>
    /// A prompt shorter than this (tokens processed) says nothing about prefill speed: an engine's fixed cost per
    /// request dominates its <c>prompt_ms</c> (a 50-token prompt "prefilled" at 50 tokens/s priced every longer prompt
    /// there as minutes of work, and kept that engine from ever being used), and belongs to its first token.
    /// </summary>
    public const double MinPrefillTokens = 256;

    /// <summary>A time to first token net of prefill is kept at least this (ms): an engine's clock and ours differ a little.</summary>
    private const double MinTtftMs = 1;

    private readonly Lock _gate = new();
    private double _ttftMs = double.NaN;
    private double _decode = double.NaN;
    private double _prefill = double.NaN;
    private double _completion = double.NaN;
    private double _coldLoadMs = double.NaN;
    private double _sharing = double.NaN;

    public LiveFigures Current
    {
        get
        {
            lock (_gate)
            {
                return new LiveFigures(_ttftMs, _decode, _prefill, _completion, _coldLoadMs, _sharing);
            }
        }
    }

    /// <summary>
    /// An attempt's first token, <paramref name="ttftMs"/> after it was sent. <paramref name="queued"/>: it started
    /// with every slot busy, so its first token includes a wait the predictor counts separately and is left out of the
    /// time to first token. <paramref name="cold"/>: the model was not loaded, so what its first token took beyond the
    /// usual is a load. Returns the weight the sample got in the time to first token (0 when it is not in it), for
    /// <see cref="TakeOutPrefill"/>.
    /// </summary>
    public double AddFirstToken(double ttftMs, bool queued, bool cold)
    {
        if (!Positive(ttftMs))
        {
            return 0;
        }

        lock (_gate)
        {
            if (cold)
            {
                var usual = double.IsNaN(_ttftMs) ? 0 : _ttftMs;
                if (ttftMs > LoadFactor * usual)
                {
                    _coldLoadMs = Average(_coldLoadMs, ttftMs - usual);
                    return 0;
                }
            }

            if (queued)
            {
                return 0;
            }

            var weight = double.IsNaN(_ttftMs) ? 1 : Alpha;
            _ttftMs = Average(_ttftMs, ttftMs);
            return weight;
        }
    }

    /// <summary>
    /// The engine said a first token's sample, added with <paramref name="weight"/>, spent <paramref name="prefillMs"/>
    /// on <paramref name="prefillTokens"/> prompt tokens: the time to first token is kept net of prefill, which the
    /// predictor prices from the uncached prompt tokens (a first turn's long prompt is not the engine's usual first
    /// token). Only a prompt long enough to say something about prefill counts (<see cref="MinPrefillTokens"/>).
    /// </summary>
    public void TakeOutPrefill(double weight, double prefillMs, double prefillTokens)
    {
        if (!(prefillTokens >= MinPrefillTokens))
        {
            return;
        }

        lock (_gate)
        {
            if (!double.IsNaN(_ttftMs))
            {
                _ttftMs = Math.Max(MinTtftMs, _ttftMs - (weight * prefillMs));
            }
        }
    }

    /// <summary>
    /// The rest of an answered attempt (its first token was added when it came).
    /// <paramref name="sharedWith"/>: how many other requests of this facade were running on the engine when it
    /// started. Decode speed is kept as the speed alone; a sample decoded beside others teaches how much each of
    /// them cost it (<see cref="LiveFigures.SlotSharing"/>) instead.
    /// The engine's prefill speed counts only from a prompt of at least <see cref="MinPrefillTokens"/> tokens processed.
    /// NaN arguments are unknown and change nothing.
    /// </summary>
    public void Add(double decodeTokensPerSec, double prefillTokensPerSec, double prefillTokens, double completionTokens, int sharedWith)
    {
        lock (_gate)
        {
            if (Positive(decodeTokensPerSec))
            {
                AddDecode(decodeTokensPerSec, sharedWith);
            }

            if (Positive(prefillTokensPerSec) && prefillTokens >= MinPrefillTokens)
            {
                _prefill = Average(_prefill, prefillTokensPerSec);
            }

            if (Positive(completionTokens))
            {
                _completion = Average(_completion, completionTokens);
            }
        }
    }

    /// <summary>
    /// A decode speed measured beside <paramref name="sharedWith"/> others: alone it is the speed; beside others,
    /// once the speed alone is known, it is how much each of them slowed it (clamped, as an engine's noise can make a
    /// shared request look faster or absurdly slower). Before anything ran alone, the first shared sample, scaled
    /// back by the presumed sharing, stands for the speed alone.
    /// </summary>
    private void AddDecode(double tokensPerSec, int sharedWith)
    {
        if (sharedWith <= 0)
        {
            _decode = Average(_decode, tokensPerSec);
            return;
        }

        if (double.IsNaN(_decode))
        {
            _decode = tokensPerSec * (1 + (DelayPredictor.DefaultSlotSharing * sharedWith));
            return;
        }

        var sample = Math.Clamp(((_decode / tokensPerSec) - 1) / sharedWith, 0, DelayPredictor.MaxSlotSharing);
        _sharing = Average(_sharing, sample);
    }

    private static bool Positive(double value) => double.IsFinite(value) && value > 0;

    private static double Average(double current, double sample) => double.IsNaN(current) ? sample : current + (Alpha * (sample - current));
}
