using System.Runtime.CompilerServices;
namespace GenieHive.Facade.Proxy;

/// <summary>
/// Relays a non-streamed JSON answer: buffers it (the upstream sends it in one piece anyway), strips reasoning keys
/// only when the bytes contain the marker, and writes it with its length. A failure while reading still fails over.
/// </summary>
internal sealed class JsonRelay : IResponseRelay
{
    private const int MaxBufferedBytes = 32 * 1024 * 1024;

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

                    var read = await stream.ReadAsync(buffer.GetMemory(8192), relay.Deadline.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    relay.Meter.OnBytes(relay.Time.GetTimestamp());
                    buffer.Advance(read);
                    if (buffer.Length > MaxBufferedBytes)
                    {
                        // Too big to hold for a rewrite: relay as it comes, unchanged.
                        relay.Commit(eventStream: false, contentLength: declared);
                        if (!await ClientOutput.WriteAsync(context, buffer.Memory))
                        {
                            return RelayResult.ClientGone;
                        }

                        return await StreamCopyRelay.CopyRemainingAsync(relay, stream);
                    }
                }
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: false);
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
