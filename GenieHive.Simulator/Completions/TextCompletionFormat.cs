using System.Text.Json;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Generation;

namespace GenieHive.Simulator.Completions;

/// <summary>
/// Legacy text completions as llama-server shapes them: <c>text_completion</c> with <c>choices[].text</c>, and
/// a stream of <c>text_completion</c> chunks, one per token, then one with the finish reason.
/// </summary>
public sealed class TextCompletionFormat : GenerationFormat
{
    public static TextCompletionFormat Instance { get; } = new();

    public override SimEndpoint Endpoint => SimEndpoint.Completions;

    public override bool IsChat => false;

    public override ReadOnlySpan<byte> IdPrefix => "cmpl-"u8;

    public override ReadOnlySpan<byte> ChunkObject => "text_completion"u8;

    public override void WriteOpening(SseWriter sse)
    {
        // Text completion streams start with the first token.
    }

    public override void WriteToken(SseWriter sse, ReadOnlySpan<byte> token, bool reasoning) =>
        sse.WriteChunk("{\"choices\":[{\"text\":\""u8, token, "\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]"u8);

    public override void WriteFinish(SseWriter sse, bool limited, GenerationTimings? timings) =>
        sse.WriteChunkWith(
            limited
                ? """{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}]"""u8
                : """{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]"""u8,
            null,
            timings);

    public override void WriteJson(Utf8JsonWriter writer, in GenerationResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WritePropertyName("text");
        WriteTokensValue(writer, result.Seed, result.ContentTokens, reasoning: false);
        writer.WriteNumber("index", 0);
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", result.FinishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteCommonFields(writer, result, "text_completion"u8);
        writer.WriteEndObject();
    }
}
