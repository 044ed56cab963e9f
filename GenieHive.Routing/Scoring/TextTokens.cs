namespace GenieHive.Routing.Scoring;

/// <summary>
/// Word tokens for text overlap: lower-cased, split on every run of characters outside <c>[a-z0-9]</c>,
/// empty pieces dropped (so <c>qwen3.5-9b</c> gives <c>qwen3</c>, <c>5</c>, <c>9b</c>).
/// </summary>
public static class TextTokens
{
    /// <summary>The token set of all <paramref name="texts"/> (nulls and empties are skipped).</summary>
    public static HashSet<string> Of(params IEnumerable<string?> texts)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            AddTo(tokens, text);
        }

        return tokens;
    }

    /// <summary>Adds the tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    public static void AddTo(HashSet<string> tokens, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && IsWordChar(text[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                tokens.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
    }

    /// <summary>
    /// Query coverage: the share of the query's tokens found in the candidate's, |Q∩C|/|Q|; 0 when either is
    /// empty. (The seed calls it overlap; it is not Jaccard, as in the earlier implementation.)
    /// </summary>
    public static double Coverage(IReadOnlySet<string> query, IReadOnlySet<string> candidate)
    {
        if (query.Count == 0 || candidate.Count == 0)
        {
            return 0;
        }

        var shared = 0;
        foreach (var token in query)
        {
            if (candidate.Contains(token))
            {
                shared++;
            }
        }

        return Math.Min(1.0, (double)shared / query.Count);
    }

    /// <summary>Jaccard similarity |A∩B|/|A∪B|; 0 when both are empty.</summary>
    public static double Jaccard(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 0;
        }

        var shared = 0;
        foreach (var token in a)
        {
            if (b.Contains(token))
            {
                shared++;
            }
        }

        return (double)shared / (a.Count + b.Count - shared);
    }

    // ASCII letters of either case and digits; everything else (including non-ASCII) separates words.
    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c);
}
