using System.Text.Json;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Models;

namespace GenieHive.Simulator.Generation;

/// <summary>A finished (or, for streams, planned) generation, as the response writers need it.</summary>
public readonly ref struct GenerationResult
{
    public ReadOnlySpan<byte> Id { get; init; }

    public long Created { get; init; }

    public ServedModel Model { get; init; }

    public ulong Seed { get; init; }

    public int PromptTokens { get; init; }

    /// <summary>Prompt tokens reused from the slot's cache (included in <see cref="PromptTokens"/>).</summary>
    public int CachedTokens { get; init; }

    public int ReasoningTokens { get; init; }

    public int ContentTokens { get; init; }

    /// <summary>True when the request's token limit ended the generation (<c>length</c>), false for a natural <c>stop</c>.</summary>
    public bool Limited { get; init; }

    public GenerationTimings Timings { get; init; }

    public int CompletionTokens => ReasoningTokens + ContentTokens;

    public string FinishReason => Limited ? "length" : "stop";
}

/// <summary>
/// How one OpenAI generation API (chat completions, legacy text completions) shapes its answer: the JSON body,
/// and the SSE chunks of a stream. The generation itself (slots, pacing, faults) is shared.
/// </summary>
public abstract class GenerationFormat
{
    /// <summary>The endpoint counted in <c>/sim/stats</c>.</summary>
    public abstract SimEndpoint Endpoint { get; }

    /// <summary>Whether requests carry <c>messages</c> (chat) or <c>prompt</c> (text).</summary>
    public abstract bool IsChat { get; }

    /// <summary>Prefix of response ids (<c>chatcmpl-</c>, <c>cmpl-</c>).</summary>
    public abstract ReadOnlySpan<byte> IdPrefix { get; }

    /// <summary>The <c>object</c> of stream chunks.</summary>
    public abstract ReadOnlySpan<byte> ChunkObject { get; }

    /// <summary>Writes the chunk(s) that open a stream, before the first token (may write nothing).</summary>
    public abstract void WriteOpening(SseWriter sse);

    /// <summary>Writes one token's chunk.</summary>
    public abstract void WriteToken(SseWriter sse, ReadOnlySpan<byte> token, bool reasoning);

    /// <summary>Writes the chunk with the finish reason (and timings, when no usage chunk follows).</summary>
    public abstract void WriteFinish(SseWriter sse, bool limited, GenerationTimings? timings);

    /// <summary>Writes the whole non-streaming answer.</summary>
    public abstract void WriteJson(Utf8JsonWriter writer, in GenerationResult result);

    /// <summary>The usage chunk of <c>stream_options.include_usage</c>: no choices, usage and timings.</summary>
    public void WriteUsage(SseWriter sse, GenerationUsage usage, GenerationTimings timings) =>
        sse.WriteChunkWith("""{"choices":[]"""u8, usage, timings);

    /// <summary>The fields llama-server writes after <c>choices</c> in a JSON answer.</summary>
    protected static void WriteCommonFields(Utf8JsonWriter writer, in GenerationResult result, ReadOnlySpan<byte> objectName)
    {
        writer.WriteNumber("created", result.Created);
        writer.WriteString("model", result.Model.JsonId);
        writer.WriteString("system_fingerprint", SseWriter.Fingerprint);
        writer.WriteString("object", objectName);
        writer.WritePropertyName("usage");
        new GenerationUsage(result.PromptTokens, result.CompletionTokens, result.CachedTokens).Write(writer);
        writer.WriteString("id", result.Id);
        writer.WritePropertyName("timings");
        result.Timings.Write(writer);
    }

    /// <summary>Writes the text of <paramref name="count"/> tokens as one JSON string value, token by token.</summary>
    protected static void WriteTokensValue(Utf8JsonWriter writer, ulong seed, int count, bool reasoning)
    {
        if (count == 0)
        {
            writer.WriteStringValue(ReadOnlySpan<byte>.Empty);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            var token = reasoning ? TokenText.ReasoningToken(seed, i) : TokenText.Token(seed, i);
            writer.WriteStringValueSegment(token, i == count - 1);
        }
    }
}
