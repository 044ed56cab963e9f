using GenieHive.Bench.Quality.Engines;

namespace GenieHive.Bench.Quality.Arms;

/// <summary>
/// The reference: shortest expected delay with perfect knowledge of the engines (their true parameters, from the
/// scenario) and of what this arm sent where. For each engine that serves the model it replays the engine's FIFO slots
/// over the turns still in flight there, then predicts when the new turn would finish: the wait for a slot, a model
/// load if the model is not in memory, the prefill of what the engine's prompt cache does not hold of the conversation,
/// and the decode, slowed by the slots sharing the engine. The turn goes to the engine that would finish it first.
/// </summary>
internal sealed class ReferenceRouter : ClientRouter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EngineLedger> _ledgers;
    private readonly IReadOnlyList<EngineProfile> _engines;
    private long _sequence;

    public ReferenceRouter(IReadOnlyList<EngineProfile> engines)
    {
        _engines = engines;
        _ledgers = engines.ToDictionary(e => e.Id, e => new EngineLedger(e), StringComparer.Ordinal);
    }

    public override EngineProfile? Choose(TurnRequest turn, double now, IReadOnlySet<string> excluded)
    {
        lock (_gate)
        {
            EngineProfile? best = null;
            var bestFinish = double.PositiveInfinity;
            foreach (var engine in _engines)
            {
                if (excluded.Contains(engine.Id) || !engine.Models.Contains(turn.Model, StringComparer.Ordinal))
                {
                    continue;
                }

                var finish = _ledgers[engine.Id].PredictFinish(turn, now);
                if (finish < bestFinish)
                {
                    bestFinish = finish;
                    best = engine;
                }
            }

            return best;
        }
    }

    public override object? Sent(EngineProfile engine, TurnRequest turn, double now)
    {
        lock (_gate)
        {
            return _ledgers[engine.Id].Add(turn, now, ++_sequence);
        }
    }

    public override void FirstToken(object? ticket, double now)
    {
        lock (_gate)
        {
            ((InFlight)ticket!).FirstTokenAt = now;
        }
    }

    public override void Finished(object? ticket, bool succeeded, int completionTokens)
    {
        lock (_gate)
        {
            var turn = (InFlight)ticket!;
            _ledgers[turn.Engine].Finish(turn, succeeded, completionTokens);
        }
    }

    /// <summary>A turn sent to an engine and not finished yet.</summary>
    internal sealed class InFlight(string engine, TurnRequest turn, double sentAt, long sequence, int cached, bool loads)
    {
        public string Engine { get; } = engine;

        public TurnRequest Turn { get; } = turn;

        public double SentAt { get; } = sentAt;

        public long Sequence { get; } = sequence;

        public int Cached { get; } = cached;

        /// <summary>Whether its model had to be loaded for it.</summary>
        public bool Loads { get; } = loads;

        public double? FirstTokenAt { get; set; }
    }

    /// <summary>What the reference knows about one engine: turns in flight, conversations in its cache, models in memory.</summary>
    private sealed class EngineLedger(EngineProfile engine)
    {
        private readonly List<InFlight> _inFlight = [];

        // Conversations whose prompt (and answer) the engine holds, most recently used last, with the tokens held.
        private readonly List<(int Conversation, string Model, int Tokens)> _cached = [];

        // Models in memory, most recently used last.
        private readonly List<string> _resident = engine.ModelLoadMs > 0 ? [.. engine.Preloaded] : [.. engine.Models];

        // Conversations the cache holds at once: one per slot, plus what the host-memory cache keeps of them.
        private int CacheCapacity => engine.Slots + (engine.PromptCacheTokens / 1_000);

        public double PredictFinish(TurnRequest turn, double now)
        {
            var free = SlotsFreeAt(now, out var busyAt);
            var loadWait = _resident.Contains(turn.Model, StringComparer.Ordinal) ? 0 : engine.ModelLoadMs / 1000.0;
            var start = Math.Max(now + loadWait, free.Min());
            var busy = Math.Min(engine.Slots, busyAt(start) + 1);
            return start + engine.ServiceSeconds(turn.PromptTokens - CachedFor(turn), turn.MaxTokens, busy);
        }

        public InFlight Add(TurnRequest turn, double now, long sequence)
        {
            var loads = !_resident.Contains(turn.Model, StringComparer.Ordinal);
            var entry = new InFlight(engine.Id, turn, now, sequence, CachedFor(turn), loads);
            _inFlight.Add(entry);
            Touch(_resident, turn.Model, engine.ModelsInMemory > 0 ? engine.ModelsInMemory : int.MaxValue);
            return entry;
        }

        public void Finish(InFlight turn, bool succeeded, int completionTokens)
        {
            _inFlight.Remove(turn);
            if (succeeded && engine.PromptCache)
            {
                _cached.RemoveAll(c => c.Conversation == turn.Turn.Conversation && c.Model == turn.Turn.Model);
                _cached.Add((turn.Turn.Conversation, turn.Turn.Model, turn.Turn.PromptTokens + completionTokens));
                while (_cached.Count > CacheCapacity)
                {
                    _cached.RemoveAt(0);
                }
            }
        }

        private int CachedFor(TurnRequest turn)
        {
            if (!engine.PromptCache)
            {
                return 0;
            }

            foreach (var (conversation, model, tokens) in _cached)
            {
                if (conversation == turn.Conversation && model == turn.Model)
                {
                    return Math.Min(tokens, turn.PromptTokens - 1);
                }
            }

            return 0;
        }

        // Replays the engine's slots over the turns in flight (FIFO, in the order they were sent): when each slot is
        // next free, and how many slots are busy at a given time.
        private double[] SlotsFreeAt(double now, out Func<double, int> busyAt)
        {
            var free = Enumerable.Repeat(double.NegativeInfinity, engine.Slots).ToArray();
            var intervals = new List<(double Start, double End)>(_inFlight.Count);
            foreach (var turn in _inFlight.OrderBy(t => t.Sequence))
            {
                var slot = Array.IndexOf(free, free.Min());
                var busy = Math.Min(engine.Slots, _inFlight.Count);
                var uncached = turn.Turn.PromptTokens - turn.Cached;
                var loadWait = turn.Loads ? engine.ModelLoadMs / 1000.0 : 0;

                // Started when its first token came less the time to it; otherwise as soon as a slot was free.
                var start = turn.FirstTokenAt is { } first
                    ? first - engine.FirstTokenSeconds(uncached, busy)
                    : Math.Max(turn.SentAt + loadWait, free[slot]);
                var end = Math.Max(start + engine.ServiceSeconds(uncached, turn.Turn.MaxTokens, busy), now);
                free[slot] = end;
                intervals.Add((start, end));
            }

            for (var i = 0; i < free.Length; i++)
            {
                free[i] = Math.Max(free[i], now);
            }

            busyAt = at => intervals.Count(interval => interval.Start <= at && at < interval.End);
            return free;
        }

        private static void Touch(List<string> recent, string item, int capacity)
        {
            recent.Remove(item);
            recent.Add(item);
            while (recent.Count > capacity)
            {
                recent.RemoveAt(0);
            }
        }
    }
}
