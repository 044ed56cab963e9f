using GenieHive.Contracts.Json;
using System.Runtime.CompilerServices;
namespace GenieHive.Facade.Proxy;

/// <summary>
/// Relays a non-streamed JSON answer: buffers it (the upstream sends it in one piece anyway, up to 32 MB), checks it is
/// JSON text, strips reasoning keys only when the bytes contain the marker, and writes it with its length. A failure
/// while reading, or an unusable answer, still fails over.
/// </summary>
internal sealed class JsonRelay : IResponseRelay
{
    private const int MaxBufferedBytes = 32 * 1024 * 1024;
    private const int MaxAnswerDepth = 256;

    private JsonRelay()
    {
    }

    public static JsonRelay StrippingReasoning { get; } = new();

    public bool SendsEvents => false;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RelayResult> RelayAsync(RelayContext relay)
    {
        var context = relay.Client;
        var declared = relay.Upstream.Content.Headers.ContentLength;
        var buffer = new PooledBuffer(declared is > 0 and < MaxBufferedBytes ? (int)declared.Value + 1 : 16 * 1024);
        PooledBuffer? stripped = null;
        try
        {
            try
            {
                var stream = await relay.Upstream.Content.ReadAsStreamAsync(relay.Deadline.Token);
                while (true)
                {
                    if (buffer.Length > 0)
                    {
                        relay.Deadline.ExtendForIdle();
                    }

                    // Never past the cap: the buffer must not double beyond it for the last read.
                    var read = await stream.ReadAsync(buffer.GetMemory(Math.Min(8192, MaxBufferedBytes - buffer.Length)), relay.Deadline.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    relay.Meter.OnBytes(relay.Time.GetTimestamp());
                    buffer.Advance(read);
                    if (buffer.Length >= MaxBufferedBytes)
                    {
                        // No chat answer is this large: an engine gone wrong (or hostile) is not relayed, and not held longer.
                        return RelayResult.Unusable("an answer of " + (MaxBufferedBytes / (1024 * 1024)) + " MB or more", committed: false);
                    }
                }
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: false);
            }

            // Engines are not trusted: an answer labelled JSON that is not JSON text (cut short, invalid UTF-8, a lone
            // surrogate escape) fails this attempt here, where another target may still answer, not in a client's parser.
            if (JsonUnicode.DocumentProblem(buffer.Span, MaxAnswerDepth) is { } problem)
            {
                return RelayResult.Unusable("a JSON answer that is not JSON text (" + problem + ")", committed: false);
            }

            relay.Meter.OnBody(buffer.Span);
            var payload = buffer.Memory;
            if (ReasoningStripper.MayContain(buffer.Span))
            {
                stripped = new PooledBuffer(buffer.Length);
                if (ReasoningStripper.TryStrip(buffer.Span, stripped))
                {
                    payload = stripped.Memory;
                }
            }

            relay.Commit(eventStream: false, contentLength: payload.Length);
            return await ClientOutput.WriteAsync(context, payload) ? RelayResult.Completed : RelayResult.ClientGone;
        }
        finally
        {
            buffer.Dispose();
            stripped?.Dispose();
        }
    }
}
