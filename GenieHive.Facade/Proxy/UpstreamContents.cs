using System.Net;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// The client's JSON body with <c>model</c> replaced, written as three slices straight from the request buffer
/// (no copy, no re-serialisation). The buffer must outlive the upstream request.
/// </summary>
internal sealed class SplicedJsonContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _before;
    private readonly byte[] _model;
    private readonly ReadOnlyMemory<byte> _after;

    public SplicedJsonContent(ReadOnlyMemory<byte> body, int modelStart, int modelEnd, string upstreamModel)
    {
        _before = body[..modelStart];
        _model = JsonStrings.QuotedUtf8(upstreamModel);
        _after = body[modelEnd..];
        Headers.TryAddWithoutValidation("Content-Type", "application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The HTTP/1.1 connection buffers small writes, so three slices still leave as one send.
        await stream.WriteAsync(_before, cancellationToken);
        await stream.WriteAsync(_model, cancellationToken);
        await stream.WriteAsync(_after, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _before.Length + _model.Length + _after.Length;
        return true;
    }
}

/// <summary>A body the facade rewrote (policy applied), owning its pooled buffer.</summary>
internal sealed class PooledBufferContent : HttpContent
{
    private readonly PooledBuffer _buffer;

    public PooledBufferContent(PooledBuffer buffer, string contentType)
    {
        _buffer = buffer;
        Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_buffer.Memory, cancellationToken).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _buffer.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
