using System.Buffers;
using System.Runtime.CompilerServices;

namespace GenieHive.Facade.Proxy;

/// <summary>Turns one upstream JSON answer into the client's API (a chat completion into an Anthropic message, ...).</summary>
internal interface IJsonAnswerTranslator
{
    /// <summary>Writes the client's answer; false when the upstream's bytes are not the answer expected.</summary>
    bool TryTranslate(ReadOnlySpan<byte> upstream, IBufferWriter<byte> output);
}

/// <summary>
/// Relays a non-streamed JSON answer of another API than the client's: buffers it whole, translates it and writes the
/// translation with its length. An answer that cannot be translated counts as the target's failure (before anything
/// reached the client), so the next target may still answer.
/// </summary>
internal sealed class TranslatedJsonRelay(IJsonAnswerTranslator translator) : IResponseRelay
{
    private const int MaxBufferedBytes = 32 * 1024 * 1024;

    public bool SendsEvents => false;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RelayResult> RelayAsync(RelayContext relay)
    {
        var buffer = new PooledBuffer(16 * 1024);
        var translated = new PooledBuffer(16 * 1024);
        try
        {
            try
            {
                var stream = await relay.Upstream.Content.ReadAsStreamAsync(relay.Deadline.Token);
                int read;
                while ((read = await stream.ReadAsync(buffer.GetMemory(8192), relay.Deadline.Token)) > 0)
                {
                    relay.Meter.OnBytes(relay.Time.GetTimestamp());
                    buffer.Advance(read);
                    relay.Deadline.ExtendForIdle();
                    if (buffer.Length > MaxBufferedBytes)
                    {
                        return new RelayResult(RelayStatus.FailedBeforeCommit);
                    }
                }
            }
            catch (Exception ex) when (RelayContext.IsUpstreamReadFailure(ex))
            {
                return relay.ReadFailure(ex, committed: false);
            }

            relay.Meter.OnBody(buffer.Span);
            if (!translator.TryTranslate(buffer.Span, translated))
            {
                return new RelayResult(RelayStatus.FailedBeforeCommit);
            }

            relay.Commit(eventStream: false, contentLength: translated.Length);
            relay.Client.Response.ContentType = "application/json";
            return await ClientOutput.WriteAsync(relay.Client, translated.Memory) ? RelayResult.Completed : RelayResult.ClientGone;
        }
        finally
        {
            buffer.Dispose();
            translated.Dispose();
        }
    }
}
