namespace GenieHive.Simulator.Faults;

/// <summary><c>GET /sim/stats</c>: what the simulator saw, for tests. Test-only.</summary>
/// <param name="Requests">Requests received per model endpoint (counted on arrival, whatever happened next).</param>
/// <param name="Processing">Requests holding a slot now.</param>
/// <param name="Queued">Requests waiting for a slot now.</param>
/// <param name="Completed">Requests answered in full.</param>
/// <param name="Rejected">Requests answered 4xx for their input (malformed JSON, unknown model, context overflow).</param>
/// <param name="Faulted">Requests an injected fault affected.</param>
/// <param name="Cancelled">Requests whose client went away before the answer was complete.</param>
/// <param name="LastCancelledAt">When the simulator noticed the last of those (Unix seconds, microsecond resolution); null before any.</param>
/// <param name="WaitingForModel">Requests waiting for their model to load (models loading on demand).</param>
/// <param name="ModelLoads">Model loads finished since start-up (not zeroed by a reset).</param>
/// <param name="ModelEvictions">Models evicted to make room since start-up (not zeroed by a reset).</param>
public sealed record SimStats(
    SimRequestCounts Requests,
    int Processing,
    int Queued,
    long Completed,
    long Rejected,
    long Faulted,
    long Cancelled,
    double? LastCancelledAt = null,
    int WaitingForModel = 0,
    long ModelLoads = 0,
    long ModelEvictions = 0);

/// <summary>Requests received, per model endpoint.</summary>
public sealed record SimRequestCounts(long ChatCompletions, long Completions, long Embeddings, long Transcriptions, long Total);
