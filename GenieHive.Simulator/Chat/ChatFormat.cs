using System.Text.Json;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Generation;

namespace GenieHive.Simulator.Chat;

/// <summary>
/// Chat completions as llama-server shapes them: <c>chat.completion</c> with <c>choices[].message</c>, and a
/// stream of <c>chat.completion.chunk</c>: a role chunk, one content chunk per token, a finish chunk.
/// </summary>
public sealed class ChatFormat : GenerationFormat
{
    public static ChatFormat Instance { get; } = new();

    public override SimEndpoint Endpoint => SimEndpoint.ChatCompletions;

    public override bool IsChat => true;

    public override ReadOnlySpan<byte> IdPrefix => "chatcmpl-"u8;

    public override ReadOnlySpan<byte> ChunkObject => "chat.completion.chunk"u8;

    public override void WriteOpening(SseWriter sse) =>
        sse.WriteChunkWith("""{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]"""u8, null, null);

    public override void WriteToken(SseWriter sse, ReadOnlySpan<byte> token, bool reasoning) =>
        sse.WriteChunk(
            reasoning
                ? "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"reasoning_content\":\""u8
                : "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\""u8,
            token,
            "\"}}]"u8);

    public override void WriteFinish(SseWriter sse, bool limited, GenerationTimings? timings) =>
        sse.WriteChunkWith(
            limited
                ? """{"choices":[{"finish_reason":"length","index":0,"delta":{}}]"""u8
                : """{"choices":[{"finish_reason":"stop","index":0,"delta":{}}]"""u8,
            null,
            timings);

    public override void WriteJson(Utf8JsonWriter writer, in GenerationResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteString("finish_reason", result.FinishReason);
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WritePropertyName("content");
        WriteTokensValue(writer, result.Seed, result.ContentTokens, reasoning: false);
        if (result.ReasoningTokens > 0)
        {
            writer.WritePropertyName("reasoning_content");
            WriteTokensValue(writer, result.Seed, result.ReasoningTokens, reasoning: true);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteCommonFields(writer, result, "chat.completion"u8);
        writer.WriteEndObject();
    }
}
