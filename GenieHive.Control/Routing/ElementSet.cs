using System.Text.Json.Serialization.Metadata;

namespace GenieHive.Control.Routing;

/// <summary>
/// One collection of a routing-table version (services, hosts, roles or benchmarks), each element serialized once
/// and kept by its key: comparing bytes tells what changed since the previous version, and a delta is written from
/// these bytes without serializing anything again. An element equal to the previous version's (the same record, as the
/// registry keeps it between changes) takes that version's bytes instead of being serialized again, so a version
/// costs the serialization of what changed, not of the table.
/// </summary>
internal sealed class ElementSet
{
    public static ElementSet Empty { get; } = new(new Dictionary<string, Element>(StringComparer.Ordinal), 0);

    private readonly Dictionary<string, Element> _byKey;

    private ElementSet(Dictionary<string, Element> byKey, long totalBytes)
    {
        _byKey = byKey;
        TotalBytes = totalBytes;
    }

    /// <summary>The serialized size of every element together.</summary>
    public long TotalBytes { get; }

    public int Count => _byKey.Count;

    /// <summary>The set of <paramref name="items"/>, reusing the bytes of those equal to their element in <paramref name="previous"/>.</summary>
    public static ElementSet Of<T>(IReadOnlyList<T> items, Func<T, string> key, JsonTypeInfo<T> json, ElementSet? previous = null)
        where T : class
    {
        var byKey = new Dictionary<string, Element>(items.Count, StringComparer.Ordinal);
        long total = 0;
        foreach (var item in items)
        {
            var id = key(item);
            var bytes = previous is not null && previous._byKey.TryGetValue(id, out var before)
                && before.Item is T same && EqualityComparer<T>.Default.Equals(same, item)
                    ? before.Bytes
                    : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(item, json);
            byKey[id] = new Element(item, bytes);
            total += bytes.Length;
        }

        return new ElementSet(byKey, total);
    }

    /// <summary>What a holder of <paramref name="previous"/> must apply to hold this set.</summary>
    public ElementChange Since(ElementSet previous)
    {
        List<KeyValuePair<string, byte[]>>? upserted = null;
        foreach (var (key, (_, bytes)) in _byKey)
        {
            if (!previous._byKey.TryGetValue(key, out var before)
                || (!ReferenceEquals(before.Bytes, bytes) && !before.Bytes.AsSpan().SequenceEqual(bytes)))
            {
                (upserted ??= []).Add(new(key, bytes));
            }
        }

        List<string>? removed = null;
        foreach (var key in previous._byKey.Keys)
        {
            if (!_byKey.ContainsKey(key))
            {
                (removed ??= []).Add(key);
            }
        }

        return upserted is null && removed is null ? ElementChange.None : new ElementChange(upserted ?? [], removed ?? []);
    }

    /// <summary>An element and its serialized bytes.</summary>
    private readonly record struct Element(object Item, byte[] Bytes);
}

/// <summary>The elements of one collection added or changed (whole, serialized) and the keys removed.</summary>
internal sealed record ElementChange(IReadOnlyList<KeyValuePair<string, byte[]>> Upserted, IReadOnlyList<string> Removed)
{
    public static ElementChange None { get; } = new([], []);

    public long UpsertedBytes => Upserted.Sum(static pair => (long)pair.Value.Length);

    /// <summary>
    /// Consecutive changes as one: the last upsert of a key wins, an upsert after a removal replaces it, a removal
    /// after an upsert drops the upsert (a removal of a key the holder never had is harmless). Keys in ordinal order.
    /// </summary>
    public static ElementChange Compose(IEnumerable<ElementChange> steps)
    {
        var net = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            foreach (var key in step.Removed)
            {
                net[key] = null;
            }

            foreach (var (key, bytes) in step.Upserted)
            {
                net[key] = bytes;
            }
        }

        if (net.Count == 0)
        {
            return None;
        }

        var upserted = new List<KeyValuePair<string, byte[]>>();
        var removed = new List<string>();
        foreach (var (key, bytes) in net.OrderBy(static pair => pair.Key, StringComparer.Ordinal))
        {
            if (bytes is null)
            {
                removed.Add(key);
            }
            else
            {
                upserted.Add(new(key, bytes));
            }
        }

        return new ElementChange(upserted, removed);
    }
}
