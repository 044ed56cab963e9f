using System.Buffers;
using System.Text.Json;

namespace GenieHive.Simulator.Wire;

/// <summary>
/// A JSON response body written into a pooled buffer, then sent in one write with its Content-Length (as
/// llama-server does). One instance per thread is kept, so a small answer allocates nothing.
/// </summary>
public sealed class PooledJsonResponse : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 4096;

    // Buffers that grew past this go back to the pool instead of staying cached on a thread.
    private const int MaxCachedSize = 256 * 1024;

    [ThreadStatic]
    private static PooledJsonResponse? t_cached;

    private byte[] _buffer;
    private int _written;

    private PooledJsonResponse()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        Writer = new Utf8JsonWriter(this, SimulatorJson.WriterOptions);
    }

    /// <summary>The JSON writer over this buffer; reset for every rent.</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>The bytes written so far (the JSON writer's pending bytes included once it is flushed).</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _written);

    /// <summary>Takes this thread's cached instance (or a new one), empty.</summary>
    public static PooledJsonResponse Rent()
    {
        var response = t_cached ?? new PooledJsonResponse();
        t_cached = null;
        response._written = 0;
        response.Writer.Reset(response);
        return response;
    }

    /// <summary>Writes raw bytes (pre-serialized fragments, SSE framing).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    /// <summary>Sends the buffer as the whole response body with its Content-Length and content type.</summary>
    public async Task SendAsync(HttpContext context, int statusCode, string contentType)
    {
        try
        {
            Writer.Flush();
            var response = context.Response;
            response.StatusCode = statusCode;
            response.ContentType = contentType;
            response.ContentLength = _written;
            await response.BodyWriter.WriteAsync(Written, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Returns the instance to the calling thread's cache.</summary>
    public void Dispose()
    {
        if (_buffer.Length > MaxCachedSize)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }

        _written = 0;
        t_cached = this;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
