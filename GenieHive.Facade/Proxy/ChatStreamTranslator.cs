using System.Buffers;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// What every translation of a chat completions stream into another API's events shares: one chunk at a time, the
/// first one starting the answer, <c>[DONE]</c> finishing it, an engine's error event ending it in the client's shape.
/// Events that are not JSON are dropped. One instance per request.
/// </summary>
internal abstract class ChatStreamTranslator : SseEventWriter
{
    private bool _started;
    private bool _finished;

    public sealed override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        if (_finished || MessagesWire.DataOf(sseEvent) is not { } data)
        {
            return;
        }

        if (data.Trim() == "[DONE]")
        {
            _finished = true;
            OnDone(output);
            return;
        }

        if (MessagesWire.DataObject(sseEvent) is not { } chunk)
        {
            return;
        }

        if (chunk["error"] is { } error)
        {
            _finished = true;
            OnError(MessagesWire.String(error, "message") ?? "The upstream failed.", output);
            return;
        }

        if (!_started)
        {
            _started = true;
            OnStart(chunk, output);
        }

        OnChunk(chunk, output);
    }

    /// <summary>The first chunk arrived (its id and model name the answer).</summary>
    protected abstract void OnStart(JsonObject chunk, IBufferWriter<byte> output);

    /// <summary>A chunk, the first one included.</summary>
    protected abstract void OnChunk(JsonObject chunk, IBufferWriter<byte> output);

    /// <summary><c>[DONE]</c>: close what is open and end the answer.</summary>
    protected abstract void OnDone(IBufferWriter<byte> output);

    /// <summary>The engine sent an error event instead of the rest of the answer.</summary>
    protected abstract void OnError(string message, IBufferWriter<byte> output);
}
