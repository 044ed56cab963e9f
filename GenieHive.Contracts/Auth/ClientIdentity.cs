using GenieHive.Contracts.Keys;

namespace GenieHive.Contracts.Auth;

/// <summary>Who a request's key says the caller is, and what it may do: a named key, a configured key, or nobody (auth off).</summary>
public sealed class ClientIdentity
{
    /// <summary>Any configured key (<c>GenieHive:Auth:ClientApiKeys</c>): every scope, no limits.</summary>
    public static readonly ClientIdentity Configured = new("configured", "configured", KeyScope.All, ModelAllowlist.Everything, null, null, null, 0, hash: []);

    /// <summary>The caller when no key of any kind is configured (auth off): every scope, no limits.</summary>
    public static readonly ClientIdentity Open = new("open", "open", KeyScope.All, ModelAllowlist.Everything, null, null, null, 0, hash: []);

    private ClientIdentity(
        string id, string name, KeyScope scopes, ModelAllowlist models, int? requestsPerMinute, long? tokensPerMinute,
        long? monthlyTokenLimit, long monthlyTokensUsed, byte[] hash)
    {
        Id = id;
        Name = name;
        Scopes = scopes;
        Models = models;
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
        MonthlyTokenLimit = monthlyTokenLimit;
        MonthlyTokensUsed = monthlyTokensUsed;
        Hash = hash;
    }

    public string Id { get; }

    public string Name { get; }

    public KeyScope Scopes { get; }

    public ModelAllowlist Models { get; }

    public int? RequestsPerMinute { get; }

    public long? TokensPerMinute { get; }

    public long? MonthlyTokenLimit { get; }

    /// <summary>Tokens this month as Control counted them when this table was published.</summary>
    public long MonthlyTokensUsed { get; }

    /// <summary>True for a named key (limits and the audit apply per key).</summary>
    public bool IsNamed => Hash.Length > 0;

    internal byte[] Hash { get; }

    public bool Has(KeyScope scope) => (Scopes & scope) == scope;

    /// <summary>The identity of one key table entry; null when its hash is not valid base64 of the right length.</summary>
    public static ClientIdentity? From(KeyTableEntry entry)
    {
        var hash = new byte[KeyHasher.HashBytes];
        if (!Convert.TryFromBase64String(entry.Hash, hash, out var written) || written != KeyHasher.HashBytes)
        {
            return null;
        }

        var scopes = entry.Scopes.Aggregate(KeyScope.None, (all, name) => all | KeyScopes.Parse(name));
        return new ClientIdentity(entry.Id, entry.Name, scopes, new ModelAllowlist(entry.Models), entry.RequestsPerMinute,
            entry.TokensPerMinute, entry.MonthlyTokenLimit, entry.MonthlyTokensUsed, hash);
    }
}
