namespace GenieHive.Routing.Prediction;

/// <summary>
/// Predicts when a request would be answered on a candidate (DESIGN.md, "Routing on where the work is
/// cheapest"): the wait for a slot, prefill of the prompt tokens the engine does not hold, time to first token,
/// a model load when the model is not loaded, and decoding the expected answer. Speeds come from this facade's
/// own measurements of the service, else the routing table's, else the band's best known peer (so an unmeasured
/// service is presumed as good as the best and gets measured), else the defaults below.
/// </summary>
public static class DelayPredictor
{
    public const double DefaultTtftMs = 500;
    public const double DefaultDecodeTokensPerSec = 20;
    public const double DefaultCompletionTokens = 128;

    /// <summary>Unmeasured prefill is presumed this many times faster than decode (llama.cpp on CPU: 5-20x).</summary>
    public const double DefaultPrefillPerDecode = 8;

    /// <summary>A model load nobody has measured yet is presumed to take this long.</summary>
    public const double DefaultColdLoadMs = 10_000;

    /// <summary>
    /// The prediction for <paramref name="target"/>. <paramref name="holdsPrefix"/>: the engine is presumed to hold
    /// the conversation's opening in its prompt cache, so only the rest of the prompt is prefilled.
    /// <paramref name="peers"/> fills in the speeds this service has no figure for.
    /// </summary>
    public static PredictedDelay Predict(RouteTarget target, ILiveServiceLoad live, in RequestShape shape, bool holdsPrefix, in LiveFigures peers)
    {
        var engine = target.Engine;
        var own = live.Figures(target.ServiceId);
        var measured = true;
        var ttft = Pick(own.TtftMs, engine.TtftMs, peers.TtftMs, DefaultTtftMs, ref measured);
        var decode = Pick(own.DecodeTokensPerSec, engine.DecodeTokensPerSec, peers.DecodeTokensPerSec, DefaultDecodeTokensPerSec, ref measured);
        var unusedFlag = true;
        var completion = Pick(own.CompletionTokens, double.NaN, peers.CompletionTokens, DefaultCompletionTokens, ref unusedFlag);
        var prefill = Pick(own.PromptTokensPerSec, double.NaN, peers.PromptTokensPerSec, decode * DefaultPrefillPerDecode, ref unusedFlag);

        var decodeMs = completion / decode * 1000;
        var queueMs = QueueMs(live.InFlight(target.ServiceId), engine.Slots ?? 1, engine.Waiting, ttft + decodeMs);
        var uncached = holdsPrefix ? Math.Max(0, shape.PromptTokens - shape.PrefixTokens) : shape.PromptTokens;
        var prefillMs = uncached / prefill * 1000;
        var coldMs = target.Loaded ? 0 : Pick(own.ColdLoadMs, double.NaN, peers.ColdLoadMs, DefaultColdLoadMs, ref unusedFlag);
        return new PredictedDelay(queueMs, prefillMs, ttft, coldMs, decodeMs, measured);
    }

    /// <summary>
    /// The wait for a slot: with <paramref name="inFlight"/> of this facade's requests there and
    /// <paramref name="waiting"/> reported waiting at the engine, a request queues behind every one beyond the
    /// slots, and slots free up one service time per slot. The engine's waiting count already holds this facade's
    /// own requests beyond the slots, so those are not counted twice.
    /// </summary>
    public static double QueueMs(int inFlight, int slots, int waiting, double serviceMs)
    {
        var ownWaiting = Math.Max(0, inFlight - slots);
        var ahead = inFlight + Math.Max(0, waiting - ownWaiting);
        return ahead >= slots ? (ahead - slots + 1) * serviceMs / slots : 0;
    }

    private static double Pick(double own, double table, double peer, double fallback, ref bool measured)
    {
        if (double.IsFinite(own) && own > 0)
        {
            return own;
        }

        if (double.IsFinite(table) && table > 0)
        {
            return table;
        }

        measured = false;
        return double.IsFinite(peer) && peer > 0 ? peer : fallback;
    }
}
