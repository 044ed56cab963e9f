using GenieHive.Contracts.Auth;

namespace GenieHive.Control.Keys;

/// <summary>A named key as Control keeps it: its secret only as the HMAC (<see cref="KeyHasher"/>), never raw.</summary>
public sealed record StoredKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required byte[] Hash { get; init; }

    public required KeyScope Scopes { get; init; }

    public required List<string> Models { get; init; }

    public int? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public long? MonthlyTokenLimit { get; init; }

    public required bool Enabled { get; init; }

    public required double CreatedAt { get; init; }

    public required double RotatedAt { get; init; }

    /// <summary>
    /// Whether <paramref name="other"/> holds the same key: record equality compares the hash and the models by
    /// reference, so they are compared by content and every other field as the record does.
    /// </summary>
    public bool SameAs(StoredKey other) =>
        this with { Hash = other.Hash, Models = other.Models } == other
        && Hash.AsSpan().SequenceEqual(other.Hash)
        && Models.SequenceEqual(other.Models, StringComparer.Ordinal);
}
