namespace GenieHive.Routing.Prediction;

/// <summary>
/// Speeds one facade measured on its own traffic to a service, as running averages (NaN when not yet measured):
/// time to first token, decode and prompt (prefill) tokens per second of a request running alone, completion tokens
/// per answer, what a model load added to the first token when the model was not loaded, and how much each other
/// busy slot slows a request down (<see cref="SlotSharing"/>); and, not an average, since when its oldest request
/// still waiting for a first token has waited (<see cref="AwaitingSince"/>).
/// </summary>
/// <param name="TtftMs">Time to first token, learned when the first token comes; net of the prompt's prefill when the engine said how long that took.</param>
/// <param name="DecodeTokensPerSec">Decode speed of a request running alone.</param>
/// <param name="PromptTokensPerSec">Prefill speed (the engine's own figure).</param>
/// <param name="CompletionTokens">Completion tokens per answer.</param>
/// <param name="ColdLoadMs">What a model load added to the first token.</param>
/// <param name="SlotSharing">
/// The share of a request's compute each other busy slot costs it: 0 when slots are independent (a GPU batching
/// decode for free, the simulator's default), about 1 when they split one CPU thread. Decode and prefill on an
/// engine with <c>b</c> other busy slots take <c>1 + SlotSharing × b</c> times as long as alone.
/// </param>
/// <param name="AwaitingSince">
/// When the longest wait began among this facade's streamed requests to the service that have no first token yet
/// (Unix seconds: sent, plus the prefill predicted for it), NaN when none waits: the service's time to first token is
/// at least that wait.
/// </param>
public readonly record struct LiveFigures(
    double TtftMs,
    double DecodeTokensPerSec,
    double PromptTokensPerSec,
    double CompletionTokens,
    double ColdLoadMs,
    double SlotSharing = double.NaN,
    double AwaitingSince = double.NaN)
{
    public static LiveFigures Unknown => new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
