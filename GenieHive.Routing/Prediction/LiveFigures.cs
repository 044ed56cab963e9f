namespace GenieHive.Routing.Prediction;

/// <summary>
/// Speeds one facade measured on its own traffic to a service, as running averages (NaN when not yet measured):
/// time to first token, decode and prompt (prefill) tokens per second, completion tokens per answer, and what a
/// model load added to the first token when the model was not loaded.
/// </summary>
public readonly record struct LiveFigures(
    double TtftMs,
    double DecodeTokensPerSec,
    double PromptTokensPerSec,
    double CompletionTokens,
    double ColdLoadMs)
{
    public static LiveFigures Unknown => new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
