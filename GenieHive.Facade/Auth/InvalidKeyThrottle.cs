using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Auth;

/// <summary>
/// Slows down key guessing: an address that sent more than <see cref="AuthOptions.InvalidKeysPerMinute"/> invalid keys
/// in a minute is answered 429 (before any key is compared) until its minute is over. Other addresses are untouched,
/// and an address that never sends a bad key costs one dictionary probe.
/// </summary>
public sealed class InvalidKeyThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    // Bounded: past this many addresses, ones whose minute has ended are dropped.
    private const int MaxAddresses = 10_000;
    private static readonly long WindowTicks = TimeSpan.FromMinutes(1).Ticks;

    private readonly int _limit = options.Value.InvalidKeysPerMinute;
    private readonly ConcurrentDictionary<IPAddress, Strikes> _strikes = new();

    /// <summary>Seconds until <paramref name="address"/> may try again, or null when it is not held back.</summary>
    public int? RetryAfterSeconds(IPAddress? address)
    {
        if (_limit <= 0 || address is null || _strikes.IsEmpty || !_strikes.TryGetValue(address, out var strikes))
        {
            return null;
        }

        lock (strikes)
        {
            var now = time.GetUtcNow().UtcTicks;
            if (now - strikes.WindowStart >= WindowTicks || strikes.Count < _limit)
            {
                return null;
            }

            return (int)Math.Ceiling(TimeSpan.FromTicks(strikes.WindowStart + WindowTicks - now).TotalSeconds);
        }
    }

    /// <summary>Counts one invalid key from <paramref name="address"/>.</summary>
    public void OnInvalid(IPAddress? address)
    {
        if (_limit <= 0 || address is null)
        {
            return;
        }

        var now = time.GetUtcNow().UtcTicks;
        if (_strikes.Count >= MaxAddresses)
        {
            foreach (var (known, old) in _strikes)
            {
                if (now - old.WindowStart >= WindowTicks)
                {
                    _strikes.TryRemove(known, out _);
                }
            }
        }

        var strikes = _strikes.GetOrAdd(address, static (_, start) => new Strikes { WindowStart = start }, now);
        lock (strikes)
        {
            if (now - strikes.WindowStart >= WindowTicks)
            {
                strikes.WindowStart = now;
                strikes.Count = 0;
            }

            strikes.Count++;
        }
    }

    private sealed class Strikes
    {
        public long WindowStart;
        public int Count;
    }
}
