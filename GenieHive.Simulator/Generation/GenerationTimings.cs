using System.Text.Json;

namespace GenieHive.Simulator.Generation;

/// <summary>llama-server's <c>timings</c> object: how long the prompt and the generation took, measured.</summary>
public readonly record struct GenerationTimings(int PromptTokens, double PromptMs, int PredictedTokens, double PredictedMs)
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("cache_n", 0);
        writer.WriteNumber("prompt_n", PromptTokens);
        writer.WriteNumber("prompt_ms", Round(PromptMs));
        writer.WriteNumber("prompt_per_token_ms", PromptTokens > 0 ? Round(PromptMs / PromptTokens) : 0);
        writer.WriteNumber("prompt_per_second", PerSecond(PromptTokens, PromptMs));
        writer.WriteNumber("predicted_n", PredictedTokens);
        writer.WriteNumber("predicted_ms", Round(PredictedMs));
        writer.WriteNumber("predicted_per_token_ms", PredictedTokens > 0 ? Round(PredictedMs / PredictedTokens) : 0);
        writer.WriteNumber("predicted_per_second", PerSecond(PredictedTokens, PredictedMs));
        writer.WriteEndObject();
    }

    // With no pacing a generation takes microseconds; a rate over (almost) zero time is reported as 0.
    private static double PerSecond(int tokens, double milliseconds) =>
        milliseconds > 0.001 ? Round(tokens * 1000.0 / milliseconds) : 0;

    private static double Round(double value) => Math.Round(value, 3);
}

/// <summary>The usage object every OpenAI-compatible server returns.</summary>
public readonly record struct GenerationUsage(int PromptTokens, int CompletionTokens)
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("completion_tokens", CompletionTokens);
        writer.WriteNumber("prompt_tokens", PromptTokens);
        writer.WriteNumber("total_tokens", PromptTokens + CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
