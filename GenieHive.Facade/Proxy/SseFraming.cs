namespace GenieHive.Facade.Proxy;

/// <summary>
/// Finds where a server-sent event ends (at a blank line) in bytes read so far. Lines may end in LF, CRLF or CR;
/// a CR at the very end of the bytes is only decided once more bytes (or the end of the stream) arrive.
/// </summary>
public static class SseFraming
{
    /// <summary>
    /// The length of the first complete event in <paramref name="data"/>, its terminating blank line included;
    /// -1 when no event is complete yet. With <paramref name="final"/> a trailing CR counts as a line end.
    /// </summary>
    public static int FindEventEnd(ReadOnlySpan<byte> data, bool final)
    {
        var position = 0;
        var lineStart = 0;
        while (position < data.Length)
        {
            var found = data[position..].IndexOfAny((byte)'\r', (byte)'\n');
            if (found < 0)
            {
                return -1;
            }

            var terminator = position + found;
            int terminatorLength;
            if (data[terminator] == '\r')
            {
                if (terminator + 1 < data.Length)
                {
                    terminatorLength = data[terminator + 1] == '\n' ? 2 : 1;
                }
                else if (final)
                {
                    terminatorLength = 1;
                }
                else
                {
                    return -1;
                }
            }
            else
            {
                terminatorLength = 1;
            }

            if (terminator == lineStart)
            {
                return terminator + terminatorLength;
            }

            position = lineStart = terminator + terminatorLength;
        }

        return -1;
    }
}
