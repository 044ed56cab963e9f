using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GenieHive.Bench.Load.Http;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends pre-encoded requests and reads responses (content-length or
/// chunked) without allocating per request. Far leaner than <see cref="HttpClient"/>, so that on a 2-core machine
/// the client takes as little as possible from the processes it measures, like wrk does.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    // The exchange in progress (see SendAsync).
    private bool _watchFirstContent;
    private Action? _onFirstContent;
    private FirstContentDetector _detector;
    private long _firstContentAt;
    private long _bodyBytes;

    private HttpConnection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Opens a connection with Nagle off (requests are single writes).</summary>
    public static async Task<HttpConnection> OpenAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new HttpConnection(socket);
    }

    /// <summary>
    /// Sends one request and reads the whole response. With <paramref name="watchFirstContent"/> the body is scanned
    /// for the first server-sent event carrying generated text, and its arrival time is returned (and
    /// <paramref name="onFirstContent"/> called then, for streams held open while something else is measured).
    /// </summary>
    public async ValueTask<Exchange> SendAsync(ReadOnlyMemory<byte> request, bool watchFirstContent, CancellationToken cancellationToken, Action? onFirstContent = null)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAllAsync(request, cancellationToken);

        int headerEnd;
        while ((headerEnd = IndexOf(_buffer.AsSpan(_start, _end - _start), "\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var head = ResponseHead.Parse(_buffer.AsSpan(_start, headerEnd));
        var headersAt = Stopwatch.GetTimestamp();
        _start += headerEnd + 4;

        // One exchange at a time per connection, so the body's bookkeeping lives in fields that Consume updates.
        _watchFirstContent = watchFirstContent;
        _onFirstContent = onFirstContent;
        _detector = default;
        _firstContentAt = 0;
        _bodyBytes = 0;
        if (head.Chunked)
        {
            while (true)
            {
                int lineEnd;
                while ((lineEnd = IndexOf(_buffer.AsSpan(_start, _end - _start), "\r\n"u8)) < 0)
                {
                    await FillAsync(cancellationToken);
                }

                var size = ParseChunkSize(_buffer.AsSpan(_start, lineEnd));
                _start += lineEnd + 2;
                if (size == 0)
                {
                    await SkipTrailersAsync(cancellationToken);
                    break;
                }

                await ReadBodyAsync(size, cancellationToken);
                while (_end - _start < 2)
                {
                    await FillAsync(cancellationToken);
                }

                _start += 2;
            }
        }
        else if (head.ContentLength >= 0)
        {
            await ReadBodyAsync(head.ContentLength, cancellationToken);
        }
        else
        {
            // No length: the body runs to the end of the connection.
            while (_start < _end || await TryFillAsync(cancellationToken))
            {
                Consume(_end - _start);
            }

            return new Exchange(head.Status, started, headersAt, _firstContentAt, Stopwatch.GetTimestamp(), _bodyBytes, KeepAlive: false);
        }

        return new Exchange(head.Status, started, headersAt, _firstContentAt, Stopwatch.GetTimestamp(), _bodyBytes, head.KeepAlive);
    }

    /// <summary>Reads and consumes exactly <paramref name="length"/> body bytes.</summary>
    private async ValueTask ReadBodyAsync(long length, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var n = (int)Math.Min(length, _end - _start);
            Consume(n);
            length -= n;
        }
    }

    /// <summary>Consumes buffered body bytes, watching them for the first generated text when asked to.</summary>
    private void Consume(int count)
    {
        if (_watchFirstContent && _firstContentAt == 0 && _detector.Feed(_buffer.AsSpan(_start, count)))
        {
            _firstContentAt = Stopwatch.GetTimestamp();
            _onFirstContent?.Invoke();
        }

        _start += count;
        _bodyBytes += count;
    }

    public void Dispose() => _socket.Dispose();

    internal static int IndexOf(ReadOnlySpan<byte> span, ReadOnlySpan<byte> value) => span.IndexOf(value);

    internal static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        if (semicolon >= 0)
        {
            line = line[..semicolon];
        }

        if (!Utf8Parser.TryParse(line.Trim((byte)' '), out long size, out var consumed, 'x') || consumed != line.Trim((byte)' ').Length)
        {
            throw new InvalidDataException("Malformed chunk size line.");
        }

        return size;
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            request = request[sent..];
        }
    }

    private async ValueTask SkipTrailersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(_buffer.AsSpan(_start, _end - _start), "\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            _start += lineEnd + 2;
            if (lineEnd == 0)
            {
                return;
            }
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (!await TryFillAsync(cancellationToken))
        {
            throw new IOException("The server closed the connection in the middle of a response.");
        }
    }

    private async ValueTask<bool> TryFillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("Response headers or a chunk line exceed the client's buffer.");
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += read;
        return read > 0;
    }
}
