using System.Buffers;
using System.Runtime.CompilerServices;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Relays server-sent events event by event: each complete event goes through the <see cref="SseEventWriter"/> and
/// the batch one read produced is flushed at once. Nothing is written before the first complete event, so a failure
/// up to then still fails over.
/// </summary>
internal sealed class SseRelay(SseEventWriter events) : IResponseRelay
{
    private const int InitialBuffer = 16 * 1024;
    private const int MaxEventBytes = 16 * 1024 * 1024;

    /// <summary>Events passed unchanged.</summary>
    public static SseRelay Unchanged { get; } = new(SseEventWriter.Unchanged);

    /// <summary>Events with reasoning keys stripped.</summary>
    public static SseRelay StrippingReasoning { get; } = new(SseEventWriter.StrippingReasoning);

    /// <summary>Reasoning stripped, and the usage event the facade added dropped.</summary>
    public static SseRelay StrippingReasoningAndAddedUsage { get; } = new(SseEventWriter.StrippingReasoningAndAddedUsage);

    public bool SendsEvents => true;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RelayResult> RelayAsync(RelayContext relay)
    {
        var context = relay.Client;
        var writer = context.Response.BodyWriter;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        int start = 0, end = 0;
        var eof = false;
        var committed = false;
        relay.Meter.Streamed = true;
        try
        {
            Stream stream;
            try
            {
                stream = await relay.Upstream.Content.ReadAsStreamAsync(relay.Deadline.Token);
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: false);
            }

            while (true)
            {
                var wrote = false;
                while (start < end)
                {
                    var length = SseFraming.FindEventEnd(buffer.AsSpan(start, end - start), eof);
                    if (length < 0)
                    {
                        if (!eof)
                        {
                            break;
                        }

                        length = end - start;
                    }

                    if (!committed)
                    {
                        relay.Commit(eventStream: true, contentLength: null);
                        committed = true;
                    }

                    var sseEvent = buffer.AsSpan(start, length);
                    relay.Meter.OnSseEvent(sseEvent, relay.Time.GetTimestamp());
                    events.Write(sseEvent, writer);
                    start += length;
                    wrote = true;
                }

                if (wrote && !await ClientOutput.FlushAsync(context))
                {
                    return RelayResult.ClientGone;
                }

                if (eof)
                {
                    if (!committed)
                    {
                        relay.Commit(eventStream: true, contentLength: null);
                        if (!await ClientOutput.FlushAsync(context))
                        {
                            return RelayResult.ClientGone;
                        }
                    }

                    return RelayResult.Completed;
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else if (buffer.Length < MaxEventBytes)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    else
                    {
                        // An event this large (an endless line) is not SSE any client can frame: the engine has gone
                        // wrong, and holding more of it would only grow memory.
                        return RelayResult.Unusable("a server-sent event longer than " + (MaxEventBytes / (1024 * 1024)) + " MB", committed);
                    }
                }

                if (committed)
                {
                    relay.Deadline.ExtendForIdle();
                }

                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(end), relay.Deadline.Token);
                }
                catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
                {
                    // Whatever partial event was pending is dropped.
                    return relay.ReadFailure(ex, committed);
                }

                if (read == 0)
                {
                    eof = true;
                }
                else
                {
                    end += read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
