namespace GenieHive.Contracts.Auth;

/// <summary>
/// Which models a key may ask for: globs (<c>*</c> any run of characters, <c>?</c> one) over the model name exactly as
/// the client sends it (an asset, a service or a role name), compared ordinally. An empty list allows every model.
/// </summary>
public sealed class ModelAllowlist
{
    /// <summary>The longest glob accepted (characters), and the most globs one key may hold.</summary>
    public const int MaxGlobChars = 256;
    public const int MaxGlobs = 64;

    public static readonly ModelAllowlist Everything = new([]);

    private readonly string[] _globs;

    public ModelAllowlist(IReadOnlyList<string> globs)
    {
        _globs = [.. globs];
    }

    public IReadOnlyList<string> Globs => _globs;

    /// <summary>True when <paramref name="model"/> matches one of the globs (always, for an empty list).</summary>
    public bool Allows(ReadOnlySpan<char> model)
    {
        if (_globs.Length == 0)
        {
            return true;
        }

        foreach (var glob in _globs)
        {
            if (Matches(glob, model))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What is wrong with a glob list, for the admin API's 400; null when it is fine.</summary>
    public static string? Problem(IReadOnlyList<string>? globs)
    {
        if (globs is null)
        {
            return null;
        }

        if (globs.Count > MaxGlobs)
        {
            return $"models holds at most {MaxGlobs} globs.";
        }

        foreach (var glob in globs)
        {
            if (string.IsNullOrWhiteSpace(glob) || glob.Length > MaxGlobChars)
            {
                return $"Every entry of models must be a glob of 1 to {MaxGlobChars} characters.";
            }
        }

        return null;
    }

    /// <summary>Glob match with backtracking over the last <c>*</c> only: linear in practice, no regex, no allocation.</summary>
    public static bool Matches(ReadOnlySpan<char> glob, ReadOnlySpan<char> text)
    {
        int g = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (g < glob.Length && (glob[g] == '?' || glob[g] == text[t]))
            {
                g++;
                t++;
            }
            else if (g < glob.Length && glob[g] == '*')
            {
                star = g++;
                mark = t;
            }
            else if (star >= 0)
            {
                g = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (g < glob.Length && glob[g] == '*')
        {
            g++;
        }

        return g == glob.Length;
    }
}
