namespace GenieHive.Bench.Load.Http;

/// <summary>
/// Finds the first generated text in a chat stream fed in arbitrary pieces: the first <c>"content":"x</c> whose
/// string is not empty. The role chunk (<c>"content":null</c> or <c>""</c>) and <c>"reasoning_content"</c> (whose
/// key is preceded by an underscore, not a quote) do not count, so this is the time to first token a user sees.
/// </summary>
internal struct FirstContentDetector
{
    private static ReadOnlySpan<byte> Pattern => "\"content\":\""u8;

    private int _matched;

    /// <summary>Feeds the next bytes of the body; true once generated text has been seen.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_matched == Pattern.Length)
            {
                if (b != (byte)'"')
                {
                    return true;
                }

                // An empty string: keep looking. The closing quote cannot start the pattern.
                _matched = 0;
                continue;
            }

            if (b == Pattern[_matched])
            {
                _matched++;
            }
            else
            {
                // The pattern's only possible restart inside a failed match is its opening quote.
                _matched = b == Pattern[0] ? 1 : 0;
            }
        }

        return false;
    }
}
