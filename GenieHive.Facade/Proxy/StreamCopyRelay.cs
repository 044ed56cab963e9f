using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Streams a body through unchanged (embeddings, transcripts, anything not rewritten), optionally under another
/// content type than the upstream's (an endpoint whose clients expect a different label gives the rule).
/// </summary>
internal sealed class StreamCopyRelay(Func<MediaTypeHeaderValue?, string?>? relabel = null) : IResponseRelay
{
    private const int Chunk = 16 * 1024;

    /// <summary>The body and its content type as the upstream sent them.</summary>
    public static StreamCopyRelay Unchanged { get; } = new();

    public bool SendsEvents => false;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RelayResult> RelayAsync(RelayContext relay)
    {
        var context = relay.Client;
        var content = relay.Upstream.Content;
        var first = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            Stream stream;
            int read;
            try
            {
                stream = await content.ReadAsStreamAsync(relay.Deadline.Token);
                read = await stream.ReadAsync(first, relay.Deadline.Token);
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: false);
            }

            relay.Meter.OnBytes(relay.Time.GetTimestamp());
            relay.Commit(eventStream: false, contentLength: content.Headers.ContentLength);
            if (relabel?.Invoke(content.Headers.ContentType) is { } label)
            {
                context.Response.ContentType = label;
            }

            if (read == 0)
            {
                return await ClientOutput.FlushAsync(context) ? RelayResult.Completed : RelayResult.ClientGone;
            }

            if (!await ClientOutput.WriteAsync(context, first.AsMemory(0, read)))
            {
                return RelayResult.ClientGone;
            }

            return await CopyRemainingAsync(relay, stream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
        }
    }

    /// <summary>Copies the rest of an upstream body that is already committed to the client.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal static async ValueTask<RelayResult> CopyRemainingAsync(RelayContext relay, Stream stream)
    {
        var context = relay.Client;
        var writer = context.Response.BodyWriter;
        while (true)
        {
            relay.Deadline.ExtendForIdle();
            int read;
            try
            {
                read = await stream.ReadAsync(writer.GetMemory(Chunk), relay.Deadline.Token);
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: true);
            }

            if (read == 0)
            {
                return RelayResult.Completed;
            }

            writer.Advance(read);
            if (!await ClientOutput.FlushAsync(context))
            {
                return RelayResult.ClientGone;
            }
        }
    }
}
