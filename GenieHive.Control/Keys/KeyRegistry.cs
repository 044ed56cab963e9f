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
/// On a database Control replicas share, each key write and each usage write advances a revision in its transaction
/// (<see cref="KeysRevision"/>, <see cref="UsageRevision"/>), and <see cref="KeySync"/> calls <see cref="Refresh"/> to
/// merge what other replicas wrote, publishing it exactly as a change made here.
/// </summary>
public sealed class KeyRegistry(ControlDatabase database, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>The <c>control_state</c> counter audit record ids are reserved from, a batch's block at a time.</summary>
    public const string AuditIdKey = "audit_record_id";

    /// <summary>The <c>control_state</c> counter every key write (create, enable, disable, rotate, delete) advances.</summary>
    public const string KeysRevision = "keys_revision";

    /// <summary>The <c>control_state</c> counter every write of monthly usage advances.</summary>
    public const string UsageRevision = "key_usage_revision";

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

    // What memory holds of the keys and of this month's usage, against what every replica stored.
    private readonly SharedRevision _keysRevision = new(KeysRevision);
    private readonly SharedRevision _usageRevision = new(UsageRevision);

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
        {
            // The revisions first: a write that lands while the rows are read moves them, and is read again by the sync.
            _keysRevision.Matched(_keysRevision.Moved(connection) ?? 0);
            _usageRevision.Matched(_usageRevision.Moved(connection) ?? 0);
            return (KeyStore.LoadKeys(connection), KeyStore.LoadUsage(connection, month), KeyStore.LastAuditId(connection));
        });
        lock (_gate)
        {
            _hashSecret = secret;
            _hasher = new KeyHasher(Convert.FromBase64String(secret));
            _month = month;
            _usage = usage;
            _auditIdFloor = lastAuditId;
            foreach (var key in keys)
            {
                PutLocked(key);
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
        // Never null: the key is stored, so there is one.
        return (await WriteKeyAsync(id, _ => key, NamedKeyFormat.Compose(id, secret), cancellationToken))!;
    }

    /// <summary>Turns a key on or off; null when there is no such key.</summary>
    public Task<KeyView?> SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken) =>
        WriteKeyAsync(id, key => key is null ? null : key with { Enabled = enabled }, showKey: null, cancellationToken);

    /// <summary>Gives a key a new secret (the old one stops working on the next table); the new raw key is shown once.</summary>
    public Task<KeyView?> RotateAsync(string id, CancellationToken cancellationToken)
    {
        var secret = NamedKeyFormat.NewSecret();
        var now = time.UnixSeconds();
        return WriteKeyAsync(id, key => key is null ? null : key with { Hash = _hasher.Hash(secret), RotatedAt = now }, NamedKeyFormat.Compose(id, secret), cancellationToken);
    }

    /// <summary>Deletes a key; null when there is no such key.</summary>
    public Task<KeyView?> DeleteAsync(string id, CancellationToken cancellationToken) =>
        WriteKeyAsync(id, _ => null, showKey: null, cancellationToken);

    /// <summary>
    /// Stores a facade's audit batch (numbering its records) and adds its tokens to each key's monthly usage. A key with
    /// a monthly limit whose usage changed publishes a new table, so every facade sees the sum.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var usage = new Dictionary<(string Key, string Month), long>();
        lock (_gate)
        {
            foreach (var record in records)
            {
                var tokens = record.PromptTokens + record.CompletionTokens;
                if (tokens > 0 && _keys.ContainsKey(record.KeyId))
                {
                    var month = KeyStore.Month(record.At);
                    usage[(record.KeyId, month)] = usage.GetValueOrDefault((record.KeyId, month)) + tokens;
                }
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

            return usage.Count > 0 ? _usageRevision.Advance(connection, transaction) : (long?)null;
        }, revision => AddUsage(usage, revision), cancellationToken);
    }

    /// <summary>
    /// Reads again what other replicas wrote since this one last looked: every key when the keys revision moved, this
    /// month's usage when the usage revision moved or the month turned; publishes a new table when a facade must see
    /// it. Runs inside the database's read, which waits for this process's writes (and their telling memory), so no
    /// write of this replica lands between the read and the merge.
    /// </summary>
    public void Refresh() => database.Read(connection =>
    {
        var month = KeyStore.Month(time.UnixSeconds());
        var keysAt = _keysRevision.Moved(connection);
        var usageAt = _usageRevision.Moved(connection);
        var keys = keysAt is null ? null : KeyStore.LoadKeys(connection);
        var usage = usageAt is null && month == _month ? null : KeyStore.LoadUsage(connection, month);
        lock (_gate)
        {
            var changed = keys is not null && MergeKeysLocked(keys);
            changed |= usage is not null && ReplaceUsageLocked(month, usage);
            if (changed)
            {
                PublishLocked();
            }
        }

        if (keysAt is { } keysRevision)
        {
            _keysRevision.Matched(keysRevision);
        }

        if (usageAt is { } usageRevision)
        {
            _usageRevision.Matched(usageRevision);
        }

        return true;
    });

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

    /// <summary>
    /// One key write, the same for every change: in its transaction the keys revision is advanced first (on PostgreSQL
    /// that queues the key writes of every replica, so the row read next is the latest, whichever replica wrote it),
    /// then <paramref name="change"/> turns the stored key (null: none) into the one to store (null: none, deleted).
    /// Memory is told once it committed, under the database's writer lock: a restart never forgets a key in force, and
    /// the replica sync never reads the store written but memory not yet told. Null when there was no such key.
    /// </summary>
    private async Task<KeyView?> WriteKeyAsync(string id, Func<StoredKey?, StoredKey?> change, string? showKey, CancellationToken cancellationToken)
    {
        KeyView? view = null;
        await database.WriteAsync((connection, transaction) =>
        {
            var revision = _keysRevision.Advance(connection, transaction);
            var stored = KeyStore.LoadKeys(connection, transaction, id).SingleOrDefault();
            var next = change(stored);
            if (next is not null)
            {
                KeyStore.Upsert(connection, transaction, next);
            }
            else if (stored is not null)
            {
                KeyStore.Delete(connection, transaction, id);
            }

            return (Stored: stored, Next: next, Revision: revision);
        }, written =>
        {
            lock (_gate)
            {
                if (written.Next is { } key)
                {
                    PutLocked(key);
                    PublishLocked();
                    view = ViewLocked(key, showKey);
                }
                else if (written.Stored is { } deleted)
                {
                    RemoveLocked(id);
                    PublishLocked();
                    view = ViewLocked(deleted, null);
                }
            }

            _keysRevision.Committed(written.Revision);
        }, cancellationToken);
        return view;
    }

    /// <summary>
    /// Tells memory the usage a committed audit batch added (at <paramref name="revision"/> of the usage, null when it
    /// added none). A key with a monthly limit whose usage changed publishes a new table, so every facade sees the sum.
    /// </summary>
    private void AddUsage(Dictionary<(string Key, string Month), long> usage, long? revision)
    {
        lock (_gate)
        {
            var currentMonth = KeyStore.Month(time.UnixSeconds());
            var budgetChanged = false;
            if (currentMonth != _month)
            {
                // A new month, begun here with no usage, whatever other replicas already counted in it: read it again.
                budgetChanged = ReplaceUsageLocked(currentMonth, new Dictionary<string, long>(StringComparer.Ordinal));
                _usageRevision.Forget();
            }

            foreach (var ((id, month), tokens) in usage)
            {
                if (month == _month && _keys.TryGetValue(id, out var key))
                {
                    _usage[id] = _usage.GetValueOrDefault(id) + tokens;
                    RefreshLocked(key);
                    budgetChanged |= key.MonthlyTokenLimit is not null;
                }
            }

            if (budgetChanged)
            {
                PublishLocked();
            }
        }

        if (revision is { } written)
        {
            _usageRevision.Committed(written);
        }
    }

    /// <summary>Makes memory hold exactly <paramref name="stored"/> (every key); true when anything changed.</summary>
    private bool MergeKeysLocked(List<StoredKey> stored)
    {
        var changed = false;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in stored)
        {
            ids.Add(key.Id);
            if (!_keys.TryGetValue(key.Id, out var held) || !held.SameAs(key))
            {
                PutLocked(key);
                changed = true;
            }
        }

        foreach (var id in _keys.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            RemoveLocked(id);
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// Makes memory hold <paramref name="usage"/> as <paramref name="month"/>'s; true when the facades must hear of it:
    /// a new month (every budget starts again), or a changed usage of a key with a monthly limit.
    /// </summary>
    private bool ReplaceUsageLocked(string month, Dictionary<string, long> usage)
    {
        var newMonth = month != _month;
        var previous = _usage;
        _month = month;
        _usage = usage;
        var budgetChanged = newMonth;
        foreach (var key in _keys.Values)
        {
            if (newMonth || previous.GetValueOrDefault(key.Id) != usage.GetValueOrDefault(key.Id))
            {
                RefreshLocked(key);
                budgetChanged |= key.MonthlyTokenLimit is not null;
            }
        }

        return budgetChanged;
    }

    /// <summary>Holds <paramref name="key"/> as stored, with its entry in <see cref="_inForce"/> to match.</summary>
    private void PutLocked(StoredKey key)
    {
        _keys[key.Id] = key;
        RefreshLocked(key);
    }

    /// <summary>Forgets a key, and its entry in <see cref="_inForce"/> with it.</summary>
    private void RemoveLocked(string id)
    {
        _keys.Remove(id);
        _inForce.Remove(id);
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
