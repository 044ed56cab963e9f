using System.Collections.Concurrent;
using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;

namespace GenieHive.Facade.Keys;

/// <summary>
/// A named key's limits on this facade: requests and tokens per minute (a window that opens at the key's first request
/// and lasts a minute), and the monthly token budget (what Control counted from every facade's reports, plus what this
/// facade used and has not reported yet). Per-minute limits are per facade; the budget is shared (docs/operations.md).
/// </summary>
public sealed class KeyLimiter(TimeProvider time)
{
    private static readonly long WindowTicks = TimeSpan.FromMinutes(1).Ticks;

    private readonly ConcurrentDictionary<string, Counters> _counters = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="identity"/> may send this request now (and counts it); otherwise why not.</summary>
    public KeyRefusal? Admit(ClientIdentity identity, string model)
    {
        if (!identity.Models.Allows(model))
        {
            return KeyRefusal.ModelNotAllowed(model);
        }

        if (identity.RequestsPerMinute is null && identity.TokensPerMinute is null && identity.MonthlyTokenLimit is null)
        {
            return null;
        }

        var counters = _counters.GetOrAdd(identity.Id, static _ => new Counters());
        var now = time.GetUtcNow();
        lock (counters)
        {
            if (identity.MonthlyTokenLimit is { } budget && identity.MonthlyTokensUsed + counters.Unreported >= budget)
            {
                return KeyRefusal.BudgetExceeded(SecondsUntilNextMonth(now));
            }

            var ticks = now.UtcTicks;
            if (ticks - counters.WindowStart >= WindowTicks)
            {
                counters.WindowStart = ticks;
                counters.Requests = 0;
                counters.Tokens = 0;
            }

            var retryAfter = (int)Math.Max(1, Math.Ceiling(TimeSpan.FromTicks(counters.WindowStart + WindowTicks - ticks).TotalSeconds));
            if (identity.RequestsPerMinute is { } rpm && counters.Requests >= rpm)
            {
                return KeyRefusal.RateLimited("requests", retryAfter);
            }

            if (identity.TokensPerMinute is { } tpm && counters.Tokens >= tpm)
            {
                return KeyRefusal.RateLimited("tokens", retryAfter);
            }

            counters.Requests++;
            return null;
        }
    }

    /// <summary>Counts the tokens a request used (prompt and completion) against the key's minute and month.</summary>
    public void OnUsage(ClientIdentity identity, long tokens)
    {
        if (tokens <= 0 || (identity.TokensPerMinute is null && identity.MonthlyTokenLimit is null))
        {
            return;
        }

        var counters = _counters.GetOrAdd(identity.Id, static _ => new Counters());
        lock (counters)
        {
            counters.Tokens += tokens;
            counters.Unreported += tokens;
        }
    }

    /// <summary>Control has stored <paramref name="tokens"/> of the key's usage: its next key table counts them.</summary>
    public void OnReported(string keyId, long tokens)
    {
        if (_counters.TryGetValue(keyId, out var counters))
        {
            lock (counters)
            {
                counters.Unreported = Math.Max(0, counters.Unreported - tokens);
            }
        }
    }

    private static int SecondsUntilNextMonth(DateTimeOffset now)
    {
        var next = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return (int)Math.Ceiling((next - now).TotalSeconds);
    }

    private sealed class Counters
    {
        public long WindowStart;
        public int Requests;
        public long Tokens;
        public long Unreported;
    }
}
