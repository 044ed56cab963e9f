using System.Buffers.Text;
using System.Text.Json;

namespace GenieHive.Simulator.Generation;

/// <summary>
/// llama-server's <c>timings</c> object: how many prompt tokens came from the slot's cache (<c>cache_n</c>) and how
/// many were processed (<c>prompt_n</c>), and how long the prompt and the generation took, measured.
/// </summary>
public readonly record struct GenerationTimings(int CacheTokens, int PromptTokens, double PromptMs, int PredictedTokens, double PredictedMs)
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("cache_n", CacheTokens);
        writer.WriteNumber("prompt_n", PromptTokens);
        WriteMillis(writer, "prompt_ms"u8, PromptMs);
        WriteMillis(writer, "prompt_per_token_ms"u8, PromptTokens > 0 ? PromptMs / PromptTokens : 0);
        WriteMillis(writer, "prompt_per_second"u8, PerSecond(PromptTokens, PromptMs));
        writer.WriteNumber("predicted_n", PredictedTokens);
        WriteMillis(writer, "predicted_ms"u8, PredictedMs);
        WriteMillis(writer, "predicted_per_token_ms"u8, PredictedTokens > 0 ? PredictedMs / PredictedTokens : 0);
        WriteMillis(writer, "predicted_per_second"u8, PerSecond(PredictedTokens, PredictedMs));
        writer.WriteEndObject();
    }

    // With no pacing a generation takes microseconds; a rate over (almost) zero time is reported as 0.
    private static double PerSecond(int tokens, double milliseconds) =>
        milliseconds > 0.001 ? tokens * 1000.0 / milliseconds : 0;

    // Three decimals in fixed point: shortest round-trip double formatting costs more than the rest of the
    // answer, and nobody needs sub-microsecond timings.
    private static void WriteMillis(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double value)
    {
        writer.WritePropertyName(name);
        if (!double.IsFinite(value) || value < 0 || value >= 1e15)
        {
            writer.WriteNumberValue(0);
            return;
        }

        var thousandths = (long)Math.Round(value * 1000);
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(thousandths / 1000, digits, out var length);
        var fraction = (int)(thousandths % 1000);
        if (fraction != 0)
        {
            digits[length++] = (byte)'.';
            digits[length++] = (byte)('0' + (fraction / 100));
            digits[length++] = (byte)('0' + (fraction / 10 % 10));
            digits[length++] = (byte)('0' + (fraction % 10));
            while (digits[length - 1] == (byte)'0')
            {
                length--;
            }
        }

        writer.WriteRawValue(digits[..length], skipInputValidation: true);
    }
}

/// <summary>
/// The usage object every OpenAI-compatible server returns; <c>prompt_tokens</c> counts the whole prompt and
/// <c>prompt_tokens_details.cached_tokens</c> the part reused from the cache, as llama-server reports them.
/// </summary>
public readonly record struct GenerationUsage(int PromptTokens, int CompletionTokens, int CachedTokens = 0)
{
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("completion_tokens", CompletionTokens);
        writer.WriteNumber("prompt_tokens", PromptTokens);
        writer.WriteNumber("total_tokens", PromptTokens + CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", CachedTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
