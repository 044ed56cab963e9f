using System.Collections.Concurrent;

namespace GenieHive.Routing.Prediction;

/// <summary>
/// Which candidate a conversation belongs to: rendezvous (highest-random-weight) hashing of the conversation's
/// prefix hash over the band's services, with bounded load as KubeAI's CHWBL does it. Every facade computes the
/// same weights from the same table, so they agree without talking; the load bound keeps a hash (chosen by a
/// client, or just unlucky) from steering more than its share onto one engine.
/// </summary>
public static class PrefixAffinity
{
    /// <summary>CHWBL's load factor: a candidate may carry up to 1.25 times the band's mean in flight.</summary>
    public const double LoadFactor = 1.25;

    /// <summary>The rendezvous weight of a service for a prefix (a 64-bit mix; the highest wins).</summary>
    public static ulong Weight(ulong prefixHash, ulong serviceHash) => Mix(prefixHash ^ serviceHash);

    /// <summary>
    /// True when a candidate with <paramref name="inFlight"/> may take one more request: its load after it stays
    /// within ceil(c × (total + 1) / n), where total is the band's in flight and n its size.
    /// </summary>
    public static bool WithinBound(int inFlight, int bandInFlight, int bandSize) =>
        inFlight + 1 <= Math.Ceiling(LoadFactor * (bandInFlight + 1) / Math.Max(1, bandSize));

    /// <summary>A stable 64-bit hash of a service id (FNV-1a, then mixed), the same in every process.</summary>
    public static ulong HashId(string serviceId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in serviceId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    // SplitMix64's finaliser: every input bit moves every output bit.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}

/// <summary>
/// Where this facade last sent each conversation prefix: the engine most likely to hold it in its prompt cache.
/// Bounded: when full it starts over (conversations then return to their rendezvous target, which is where a
/// fresh facade would send them too).
/// </summary>
public sealed class PrefixIndex(int capacity = PrefixIndex.DefaultCapacity)
{
    public const int DefaultCapacity = 16_384;

    private readonly ConcurrentDictionary<ulong, string> _holders = new();

    public string? Holder(ulong prefixHash) => _holders.TryGetValue(prefixHash, out var serviceId) ? serviceId : null;

    public void Remember(ulong prefixHash, string serviceId)
    {
        if (_holders.TryGetValue(prefixHash, out var known) && ReferenceEquals(known, serviceId))
        {
            return;
        }

        if (_holders.Count >= capacity)
        {
            _holders.Clear();
        }

        _holders[prefixHash] = serviceId;
    }
}
