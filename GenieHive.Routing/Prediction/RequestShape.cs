namespace GenieHive.Routing.Prediction;

/// <summary>
/// What the selector knows about one request's prompt, from the bytes the facade already scanned: a hash of the
/// conversation's opening (system and first user message, bounded) and token estimates of that opening and of
/// the whole prompt. <see cref="None"/> (no prefix) routes without affinity, as explanations and listings do.
/// </summary>
/// <param name="PrefixHash">Hash of the conversation's opening; 0 when there is none.</param>
/// <param name="PrefixTokens">Estimated tokens of the opening (what an engine holding it does not recompute).</param>
/// <param name="PromptTokens">Estimated tokens of the whole prompt.</param>
public readonly record struct RequestShape(ulong PrefixHash, int PrefixTokens, int PromptTokens)
{
    /// <summary>Bytes per token for the estimates: about four for English text in the common BPE vocabularies.</summary>
    public const int BytesPerToken = 4;

    public static RequestShape None => default;

    public bool HasPrefix => PrefixHash != 0;

    /// <summary>A shape from byte counts of the opening and of the whole prompt.</summary>
    public static RequestShape FromBytes(ulong prefixHash, int prefixBytes, int promptBytes) =>
        new(prefixHash, prefixBytes / BytesPerToken, Math.Max(prefixBytes, promptBytes) / BytesPerToken);
}
