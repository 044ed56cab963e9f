namespace GenieHive.Routing.Prediction;

/// <summary>
/// How long a request is predicted to take on one candidate until its answer is complete, and the parts of it, in
/// milliseconds: waiting for a slot, prefill of the prompt tokens the engine does not hold, time to first token,
/// a model load when the model is not loaded, and decoding the expected answer.
/// </summary>
/// <param name="QueueMs">Waiting for a slot.</param>
/// <param name="PrefillMs">Prefill of the uncached prompt tokens.</param>
/// <param name="TtftMs">The service's time to first token.</param>
/// <param name="ColdLoadMs">Loading the model, when it is not loaded.</param>
/// <param name="DecodeMs">Decoding the expected answer.</param>
/// <param name="Measured">False when any speed came from a peer's figures or a default rather than this service's own.</param>
public readonly record struct PredictedDelay(double QueueMs, double PrefillMs, double TtftMs, double ColdLoadMs, double DecodeMs, bool Measured)
{
    public double TotalMs => QueueMs + PrefillMs + TtftMs + ColdLoadMs + DecodeMs;
}
