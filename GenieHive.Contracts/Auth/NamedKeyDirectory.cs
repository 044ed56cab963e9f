using GenieHive.Contracts.Keys;

namespace GenieHive.Contracts.Auth;

/// <summary>
/// The named keys one service accepts, built once per key table version and swapped whole: a presented key is parsed
/// (<see cref="NamedKeyFormat"/>), its id found with one dictionary probe over the span (no string made), and its
/// secret's HMAC compared in constant time. Control and the facade resolve keys with this one type.
/// </summary>
public sealed class NamedKeyDirectory
{
    public static readonly NamedKeyDirectory Empty = new(0, null, []);

    private readonly Dictionary<string, ClientIdentity>.AlternateLookup<ReadOnlySpan<char>> _byId;
    private readonly KeyHasher? _hasher;

    private NamedKeyDirectory(long version, KeyHasher? hasher, IEnumerable<ClientIdentity> keys)
    {
        Version = version;
        _hasher = hasher;
        var byId = keys.ToDictionary(key => key.Id, StringComparer.Ordinal);
        Count = byId.Count;
        _byId = byId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The key table version this was built from.</summary>
    public long Version { get; }

    public int Count { get; }

    /// <summary>A directory of <paramref name="table"/>'s keys; entries with a malformed hash are left out.</summary>
    public static NamedKeyDirectory Build(KeyTable table) =>
        Of(table.Version, new KeyHasher(Convert.FromBase64String(table.HashSecret)), table.Keys.Select(ClientIdentity.From).OfType<ClientIdentity>());

    /// <summary>A directory of identities already read (<see cref="ClientIdentity.From"/>), for a holder that keeps them between versions.</summary>
    public static NamedKeyDirectory Of(long version, KeyHasher hasher, IEnumerable<ClientIdentity> keys) => new(version, hasher, keys);

    /// <summary>The named key <paramref name="presented"/> is, or null (not in the format, unknown id, wrong secret).</summary>
    public ClientIdentity? Resolve(ReadOnlySpan<char> presented)
    {
        if (_hasher is null || !NamedKeyFormat.TryParse(presented, out var id, out var secret) || !_byId.TryGetValue(id, out var key))
        {
            return null;
        }

        return _hasher.Matches(secret, key.Hash) ? key : null;
    }

    /// <summary>The key with this id (for usage figures), or null.</summary>
    public ClientIdentity? Find(ReadOnlySpan<char> id) => _byId.TryGetValue(id, out var key) ? key : null;
}
