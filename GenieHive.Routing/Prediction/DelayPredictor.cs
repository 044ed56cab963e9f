namespace GenieHive.Routing.Prediction;

/// <summary>
/// Predicts when a request would be answered on a candidate (DESIGN.md, "Routing on where the work is
/// cheapest"): the wait for a slot, prefill of the prompt tokens the engine does not hold, time to first token,
/// a model load when the model is not loaded, and decoding the expected answer. Speeds come from this facade's
/// own measurements of the service, else the routing table's, else the band's best known peer (so an unmeasured
/// service is presumed as good as the best and gets measured), else the defaults below. A free slot is not free
/// compute: requests already running there share the engine with this one (<see cref="LiveFigures.SlotSharing"/>),
/// so a busy engine is priced above an idle equal one before any request waits for a slot.
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
    /// Until measured, each other busy slot is presumed to cost a request half its speed's worth of compute: llama.cpp
    /// on CPU batches decode across slots (cheaper than running them one after the other) but prefills one slot's
    /// prompt at a time. Presuming 0 would price an engine already running a request the same as an idle one.
    /// </summary>
    public const double DefaultSlotSharing = 0.5;

    /// <summary>More sharing than this (each busy slot costing more than a whole request) is not believed.</summary>
    public const double MaxSlotSharing = 1.5;

    /// <summary>
    /// The prediction for <paramref name="target"/>. <paramref name="holdsPrefix"/>: the engine is presumed to hold
    /// the conversation's opening in its prompt cache, so only the rest of the prompt is prefilled.
    /// <paramref name="peers"/> fills in the speeds this service has no figure for. At <paramref name="now"/> (Unix
    /// seconds) a request of this facade's that has waited longer for its first token than the service's figure says
    /// raises it to that wait: the figure is out of date (or was presumed from a faster peer).
    /// </summary>
    public static PredictedDelay Predict(RouteTarget target, ILiveServiceLoad live, double now, in RequestShape shape, bool holdsPrefix, in LiveFigures peers)
    {
        var engine = target.Engine;
        var own = live.Figures(target.ServiceId);
        var measured = true;
        var ttft = Math.Max(AsBestWhenClose(Pick(own.TtftMs, engine.TtftMs, peers.TtftMs, DefaultTtftMs, ref measured), peers.TtftMs, lowerIsBetter: true), AwaitedMs(own.AwaitingSince, now));
        var decode = AsBestWhenClose(Pick(own.DecodeTokensPerSec, engine.DecodeTokensPerSec, peers.DecodeTokensPerSec, DefaultDecodeTokensPerSec, ref measured), peers.DecodeTokensPerSec, lowerIsBetter: false);
        var unusedFlag = true;
        var completion = Pick(own.CompletionTokens, double.NaN, peers.CompletionTokens, DefaultCompletionTokens, ref unusedFlag);
        var prefill = AsBestWhenClose(Pick(own.PromptTokensPerSec, double.NaN, peers.PromptTokensPerSec, decode * DefaultPrefillPerDecode, ref unusedFlag), peers.PromptTokensPerSec, lowerIsBetter: false);

        var sharing = Sharing(own.SlotSharing, peers.SlotSharing);

        var inFlight = live.InFlight(target.ServiceId);
        var slots = engine.Slots ?? 1;
        var ahead = Ahead(inFlight, slots, engine.Waiting);
        var slowdown = 1 + (sharing * Math.Min(ahead, slots - 1));
        var decodeMs = completion / decode * 1000 * slowdown;
        var queueMs = QueueMsBehind(ahead, slots, ttft + decodeMs);
        var uncached = holdsPrefix ? Math.Max(0, shape.PromptTokens - shape.PrefixTokens) : shape.PromptTokens;
        var prefillMs = uncached / prefill * 1000 * slowdown;
        var coldMs = target.Loaded ? 0 : Pick(own.ColdLoadMs, double.NaN, peers.ColdLoadMs, DefaultColdLoadMs, ref unusedFlag);
        return new PredictedDelay(queueMs, prefillMs, ttft, coldMs, decodeMs, measured);
    }

    /// <summary>
    /// The wait for a slot: with <paramref name="inFlight"/> of this facade's requests there and
    /// <paramref name="waiting"/> reported waiting at the engine, a request queues behind every one beyond the
    /// slots, and slots free up one service time per slot. The engine's waiting count already holds this facade's
    /// own requests beyond the slots, so those are not counted twice.
    /// </summary>
    public static double QueueMs(int inFlight, int slots, int waiting, double serviceMs) =>
        QueueMsBehind(Ahead(inFlight, slots, waiting), slots, serviceMs);

    /// <summary>The wait for a slot with <paramref name="ahead"/> requests ahead (<see cref="Ahead"/>).</summary>
    private static double QueueMsBehind(int ahead, int slots, double serviceMs) =>
        ahead >= slots ? (ahead - slots + 1) * serviceMs / slots : 0;

    /// <summary>
    /// Requests ahead of a new one on the engine: this facade's in flight, and those the engine reports waiting
    /// beyond this facade's own (which its waiting count already holds).
    /// </summary>
    public static int Ahead(int inFlight, int slots, int waiting) => inFlight + Math.Max(0, waiting - Math.Max(0, inFlight - slots));

    /// <summary>
    /// A speed within this factor of the band's best is taken as the best. One engine's figures move this much with
    /// its machine's load, and a figure from a handful of samples (a speed probe's, a first answer's) carries that noise
    /// for a while: two equal llama-servers on one busy machine were told apart by it, and both conversations that
    /// started together were sent to the one that happened to measure faster while the other idled. Engines further
    /// apart are told apart (the quality bench's differ 2x to 7x); close ones are left to in-flight counts and affinity.
    /// </summary>
    public const double IndistinctFactor = 1.5;

    /// <summary><paramref name="value"/>, or the band's <paramref name="best"/> when it is within <see cref="IndistinctFactor"/> of it.</summary>
    private static double AsBestWhenClose(double value, double best, bool lowerIsBetter)
    {
        if (!double.IsFinite(best) || best <= 0)
        {
            return value;
        }

        var close = lowerIsBetter ? value <= best * IndistinctFactor : value * IndistinctFactor >= best;
        return close ? (lowerIsBetter ? Math.Min(value, best) : Math.Max(value, best)) : value;
    }

    /// <summary>The service's measured slot sharing (0 is a measurement: independent slots), else the band's least, else the default.</summary>
    private static double Sharing(double own, double peer) =>
        double.IsFinite(own) && own >= 0 ? Math.Min(own, MaxSlotSharing)
        : double.IsFinite(peer) && peer >= 0 ? Math.Min(peer, MaxSlotSharing)
        : DefaultSlotSharing;

    /// <summary>How long the oldest request still waiting for a first token has waited (ms); 0 when none waits.</summary>
    private static double AwaitedMs(double since, double now) => since > 0 && now > since ? Math.Min((now - since) * 1000, EngineFigures.MaxBelievableMs) : 0;

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
