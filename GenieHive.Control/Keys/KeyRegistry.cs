using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Auth;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Keys;

/// <summary>
/// The named keys and this month's usage, in memory (served from there) and in the store. Every change publishes a
/// new key table version: Control's own auth swaps its <see cref="NamedKeyDirectory"/>, and the facades' key watch
/// (<see cref="WaitForNewerAsync"/>) hears of it at once. Each key's table entry and identity are built when that key
/// changes, and a version's table and directory only when first asked for: creating many keys in a row costs a copy
/// of references per key, not a rebuild of every key's entry per key.
/// </summary>
public sealed class KeyRegistry(ControlDatabase database, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>The <c>control_state</c> counter audit record ids are reserved from, a batch's block at a time.</summary>
    public const string AuditIdKey = "audit_record_id";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredKey> _keys = new(StringComparer.Ordinal);

    // The enabled keys as the next version will hold them, kept up to date key by key.
    private readonly Dictionary<string, PublishedKey> _inForce = new(StringComparer.Ordinal);
    private Dictionary<string, long> _usage = new(StringComparer.Ordinal);
    private string _month = "";
    private string _hashSecret = "";
    private KeyHasher _hasher = null!;
    private long _version;
    // The largest audit record id at start-up: where the shared id counter starts on a database written before it.
    private long _auditIdFloor;
    private volatile KeyPublication _published = KeyPublication.Empty;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Control's own lookup of named keys (swapped whole on every change).</summary>
    public NamedKeyDirectory Directory => _published.Directory;

    /// <summary>Reads keys, usage and the hash secret (configured, else stored, else generated and stored). Called once at start-up.</summary>
    public void Load()
    {
        var configured = options.Value.KeyHashSecret;
        var secret = configured is { Length: > 0 }
            ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(configured))
            : GenerateOrReadStored();
        var month = KeyStore.Month(time.UnixSeconds());
        var (keys, usage, lastAuditId) = database.Read(connection =>
            (KeyStore.LoadKeys(connection), KeyStore.LoadUsage(connection, month), KeyStore.LastAuditId(connection)));
        lock (_gate)
        {
            _hashSecret = secret;
            _hasher = new KeyHasher(Convert.FromBase64String(secret));
            _month = month;
            _usage = usage;
            _auditIdFloor = lastAuditId;
            foreach (var key in keys)
            {
                _keys[key.Id] = key;
                RefreshLocked(key);
            }

            // Versions start from the clock, so a restarted Control never republishes an old number with new content.
            _version = time.GetUtcNow().ToUnixTimeMilliseconds();
            PublishLocked();
        }
    }

    private string GenerateOrReadStored()
    {
        string stored = "";
        database.Write((connection, transaction) => stored = KeyStore.HashSecret(connection, transaction, KeyStore.NewHashSecret()));
        return stored;
    }

    /// <summary>The current key table (what the facades hold).</summary>
    public KeyTable Table => _published.Table;

    public List<KeyView> List()
    {
        lock (_gate)
        {
            return [.. _keys.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).Select(k => ViewLocked(k, null))];
        }
    }

    public KeyView? Get(string id)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(id, out var key) ? ViewLocked(key, null) : null;
        }
    }

    /// <summary>Stores a new key and returns it with its raw key, the only time that is shown.</summary>
    public async Task<KeyView> CreateAsync(ValidKeyRequest request, CancellationToken cancellationToken)
    {
        var id = NamedKeyFormat.NewId();
        var secret = NamedKeyFormat.NewSecret();
        var now = time.UnixSeconds();
        var key = new StoredKey
        {
            Id = id,
            Name = request.Name,
            Hash = _hasher.Hash(secret),
            Scopes = request.Scopes,
            Models = request.Models,
            RequestsPerMinute = request.RequestsPerMinute,
            TokensPerMinute = request.TokensPerMinute,
            MonthlyTokenLimit = request.MonthlyTokenLimit,
            Enabled = true,
            CreatedAt = now,
            RotatedAt = now,
        };
        return await SaveAsync(key, NamedKeyFormat.Compose(id, secret), cancellationToken);
    }

    /// <summary>Turns a key on or off; null when there is no such key.</summary>
    public Task<KeyView?> SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken) =>
        ChangeAsync(id, key => key with { Enabled = enabled }, showKey: null, cancellationToken);

    /// <summary>Gives a key a new secret (the old one stops working on the next table); the new raw key is shown once.</summary>
    public Task<KeyView?> RotateAsync(string id, CancellationToken cancellationToken)
    {
        var secret = NamedKeyFormat.NewSecret();
        var now = time.UnixSeconds();
        return ChangeAsync(id, key => key with { Hash = _hasher.Hash(secret), RotatedAt = now }, NamedKeyFormat.Compose(id, secret), cancellationToken);
    }

    public async Task<KeyView?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        KeyView view;
        lock (_gate)
        {
            if (!_keys.Remove(id, out var key))
            {
                return null;
            }

            _inForce.Remove(id);
            view = ViewLocked(key, null);
            PublishLocked();
        }

        await database.WriteAsync((connection, transaction) => KeyStore.Delete(connection, transaction, id), cancellationToken);
        return view;
    }

    /// <summary>
    /// Stores a facade's audit batch (numbering its records) and adds its tokens to each key's monthly usage. A key with
    /// a monthly limit whose usage changed publishes a new table, so every facade sees the sum.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var usage = new Dictionary<(string Key, string Month), long>();
        lock (_gate)
        {
            var currentMonth = KeyStore.Month(time.UnixSeconds());
            var budgetChanged = false;
            if (currentMonth != _month)
            {
                // A new month: every budget starts again, and the facades must hear of it.
                _month = currentMonth;
                _usage = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var key in _keys.Values)
                {
                    RefreshLocked(key);
                }

                budgetChanged = true;
            }

            foreach (var record in records)
            {
                var tokens = record.PromptTokens + record.CompletionTokens;
                if (tokens <= 0 || !_keys.TryGetValue(record.KeyId, out var key))
                {
                    continue;
                }

                var month = KeyStore.Month(record.At);
                usage[(key.Id, month)] = usage.GetValueOrDefault((key.Id, month)) + tokens;
                if (month == _month)
                {
                    _usage[key.Id] = _usage.GetValueOrDefault(key.Id) + tokens;
                    RefreshLocked(key);
                    budgetChanged |= key.MonthlyTokenLimit is not null;
                }
            }

            if (budgetChanged)
            {
                PublishLocked();
            }
        }

        await database.WriteAsync((connection, transaction) =>
        {
            // Ids from a counter in the database, not this Control's memory: replicas on one database number disjointly.
            var first = ControlState.Reserve(connection, transaction, AuditIdKey, records.Count, _auditIdFloor);
            KeyStore.InsertAudits(connection, transaction, [.. records.Select((record, i) => record with { Id = first + i })]);

            foreach (var ((key, month), tokens) in usage)
            {
                KeyStore.AddUsage(connection, transaction, key, month, tokens);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The key table when its version differs from <paramref name="after"/>; otherwise the next one within
    /// <paramref name="wait"/>, or null when none came.
    /// </summary>
    public async Task<KeyTable?> WaitForNewerAsync(long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_published.Version != after)
            {
                return _published.Table;
            }

            changed = _changed.Task;
        }

        try
        {
            await changed.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return Table;
    }

    private async Task<KeyView?> ChangeAsync(string id, Func<StoredKey, StoredKey> change, string? showKey, CancellationToken cancellationToken)
    {
        StoredKey changed;
        lock (_gate)
        {
            if (!_keys.TryGetValue(id, out var key))
            {
                return null;
            }

            changed = change(key);
        }

        return await SaveAsync(changed, showKey, cancellationToken);
    }

    private async Task<KeyView> SaveAsync(StoredKey key, string? showKey, CancellationToken cancellationToken)
    {
        // Stored first: a key is never in force that a restart would forget.
        await database.WriteAsync((connection, transaction) => KeyStore.Upsert(connection, transaction, key), cancellationToken);
        lock (_gate)
        {
            _keys[key.Id] = key;
            RefreshLocked(key);
            PublishLocked();
            return ViewLocked(key, showKey);
        }
    }

    /// <summary>Brings <paramref name="key"/>'s entry in <see cref="_inForce"/> up to date (its fields, its usage this month).</summary>
    private void RefreshLocked(StoredKey key)
    {
        if (!key.Enabled)
        {
            _inForce.Remove(key.Id);
            return;
        }

        var entry = new KeyTableEntry
        {
            Id = key.Id,
            Name = key.Name,
            Hash = Convert.ToBase64String(key.Hash),
            Scopes = KeyScopes.ToNames(key.Scopes),
            Models = key.Models,
            RequestsPerMinute = key.RequestsPerMinute,
            TokensPerMinute = key.TokensPerMinute,
            MonthlyTokenLimit = key.MonthlyTokenLimit,
            MonthlyTokensUsed = _usage.GetValueOrDefault(key.Id),
        };

        // The identity is read from the entry, as a facade reads it from the table: one reading of a key for both.
        _inForce[key.Id] = new PublishedKey(entry, ClientIdentity.From(entry)!);
    }

    private void PublishLocked()
    {
        _version++;
        _published = new KeyPublication(_version, _hashSecret, _hasher, [.. _inForce.Values]);
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private KeyView ViewLocked(StoredKey key, string? rawKey) => new()
    {
        Id = key.Id,
        Key = rawKey,
        Name = key.Name,
        Scopes = KeyScopes.ToNames(key.Scopes),
        Models = key.Models,
        RequestsPerMinute = key.RequestsPerMinute,
        TokensPerMinute = key.TokensPerMinute,
        MonthlyTokenLimit = key.MonthlyTokenLimit,
        Enabled = key.Enabled,
        MonthlyTokensUsed = _usage.GetValueOrDefault(key.Id),
        CreatedAt = key.CreatedAt,
        RotatedAt = key.RotatedAt,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One enabled key as published: its table entry and the identity read from it.</summary>
    private sealed record PublishedKey(KeyTableEntry Entry, ClientIdentity Identity);

    /// <summary>
    /// One key table version. Its table (for the watch) and its directory (for Control's auth) are built from the keys
    /// on first use and kept: a burst of changes publishes many versions, and only those someone reads are built.
    /// </summary>
    private sealed class KeyPublication
    {
        public static readonly KeyPublication Empty = new(0, "", null, []);

        private readonly Lazy<KeyTable> _table;
        private readonly Lazy<NamedKeyDirectory> _directory;

        public KeyPublication(long version, string hashSecret, KeyHasher? hasher, PublishedKey[] keys)
        {
            Version = version;
            _table = new(() => new KeyTable(version, hashSecret, [.. keys.Select(k => k.Entry)]));
            _directory = new(() => hasher is null ? NamedKeyDirectory.Empty : NamedKeyDirectory.Of(version, hasher, keys.Select(k => k.Identity)));
        }

        public long Version { get; }

        public KeyTable Table => _table.Value;

        public NamedKeyDirectory Directory => _directory.Value;
    }
}

/// <summary>A create request that passed validation (<see cref="KeyRequestValidator"/>).</summary>
public sealed record ValidKeyRequest(string Name, KeyScope Scopes, List<string> Models, int? RequestsPerMinute, long? TokensPerMinute, long? MonthlyTokenLimit);
