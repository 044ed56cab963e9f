using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text.Json;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;

namespace GenieHive.Simulator.Generation;

/// <summary>
/// Writes one stream's server-sent events straight into the response pipe. The fields every chunk repeats
/// (<c>created</c>, <c>id</c>, <c>model</c>, <c>system_fingerprint</c>, <c>object</c>) are serialized once per
/// stream; a token chunk is then a few copies of pre-encoded bytes.
/// </summary>
public sealed class SseWriter
{
    /// <summary>What llama-server reports as its build; also the <c>system_fingerprint</c> of every answer.</summary>
    public const string Fingerprint = "geniehive-simulator";

    private readonly PipeWriter _pipe;
    private readonly byte[] _tail;
    private Utf8JsonWriter? _json;

    public SseWriter(PipeWriter pipe, ReadOnlySpan<byte> id, long created, ServedModel model, ReadOnlySpan<byte> chunkObject)
    {
        _pipe = pipe;
        var buffer = new ArrayBufferWriter<byte>(160);
        buffer.Write(""","created":"""u8);
        Utf8Formatter.TryFormat(created, buffer.GetSpan(20), out var written);
        buffer.Advance(written);
        buffer.Write(",\"id\":\""u8);
        buffer.Write(id);
        buffer.Write("\",\"model\":\""u8);
        buffer.Write(model.JsonId.EncodedUtf8Bytes);
        buffer.Write("\",\"system_fingerprint\":\"geniehive-simulator\",\"object\":\""u8);
        buffer.Write(chunkObject);
        buffer.Write("\""u8);
        _tail = buffer.WrittenSpan.ToArray();
    }

    /// <summary>Events written so far (<c>[DONE]</c> included).</summary>
    public int Events { get; private set; }

    /// <summary>
    /// <c>data: {head}{token}{afterToken},"created":...}</c>: head opens the object and the choices, the token is
    /// pre-encoded JSON string content, afterToken closes the choices.
    /// </summary>
    public void WriteChunk(ReadOnlySpan<byte> head, ReadOnlySpan<byte> token, ReadOnlySpan<byte> afterToken)
    {
        var length = 6 + head.Length + token.Length + afterToken.Length + _tail.Length + 3;
        var span = _pipe.GetSpan(length);
        "data: "u8.CopyTo(span);
        var at = 6;
        head.CopyTo(span[at..]);
        at += head.Length;
        token.CopyTo(span[at..]);
        at += token.Length;
        afterToken.CopyTo(span[at..]);
        at += afterToken.Length;
        _tail.CopyTo(span[at..]);
        at += _tail.Length;
        "}\n\n"u8.CopyTo(span[at..]);
        _pipe.Advance(length);
        Events++;
    }

    /// <summary>A chunk with the common fields plus, when given, <c>usage</c> and <c>timings</c> (finish and usage chunks).</summary>
    public void WriteChunkWith(ReadOnlySpan<byte> head, GenerationUsage? usage, GenerationTimings? timings)
    {
        _pipe.Write("data: "u8);
        _pipe.Write(head);
        _pipe.Write(_tail);
        if (usage is { } u)
        {
            _pipe.Write(""","usage":"""u8);
            u.Write(Json());
            _json!.Flush();
        }

        if (timings is { } t)
        {
            _pipe.Write(""","timings":"""u8);
            t.Write(Json());
            _json!.Flush();
        }

        _pipe.Write("}\n\n"u8);
        Events++;
    }

    /// <summary>The stream's end marker, <c>data: [DONE]</c>.</summary>
    public void WriteDone()
    {
        _pipe.Write("data: [DONE]\n\n"u8);
        Events++;
    }

    /// <summary>Sends what was written (one flush per event keeps the pacing visible to the client).</summary>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => _pipe.FlushAsync(cancellationToken);

    private Utf8JsonWriter Json()
    {
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_pipe, SimulatorJson.WriterOptions);
        }
        else
        {
            _json.Reset(_pipe);
        }

        return _json;
    }
}
