using System.Buffers.Text;
using System.Text;

namespace GenieHive.Bench.Load.Http;

/// <summary>What the client needs from a response's status line and headers.</summary>
internal readonly record struct ResponseHead(int Status, long ContentLength, bool Chunked, bool KeepAlive)
{
    /// <summary>Parses the head (status line and header lines, without the blank line that ends it).</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];

        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8)
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("Malformed status line.");
        }

        var keepAlive = statusLine[7] == (byte)'1';
        var contentLength = -1L;
        var chunked = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out _))
                {
                    throw new InvalidDataException("Malformed Content-Length.");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                if (Ascii.EqualsIgnoreCase(value, "close"u8))
                {
                    keepAlive = false;
                }
                else if (Ascii.EqualsIgnoreCase(value, "keep-alive"u8))
                {
                    keepAlive = true;
                }
            }
        }

        // Bodiless answers.
        if (status is 204 or 304 || status < 200)
        {
            contentLength = 0;
            chunked = false;
        }

        return new ResponseHead(status, contentLength, chunked, keepAlive);
    }
}
