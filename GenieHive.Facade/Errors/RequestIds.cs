using Microsoft.Extensions.Primitives;

namespace GenieHive.Facade.Errors;

/// <summary>The <c>X-Request-Id</c> of a request: the client's when it sent a sane one, else <c>req_</c> + 32 hex.</summary>
public static class RequestIds
{
    private const int MaxClientIdLength = 200;

    public static string Resolve(StringValues clientValue)
    {
        if (clientValue.Count == 1 && clientValue[0] is { Length: > 0 and <= MaxClientIdLength } id && IsSafe(id))
        {
            return id;
        }

        return Generate();
    }

    // Unique without a random number per request: a random 64-bit prefix per process (so facades and restarts do
    // not collide) and a counter. Guid.NewGuid asks the kernel for randomness on every call, a visible share of the
    // facade's CPU per request (bench/run.sh, profile phase); a request id only has to be unique, not unguessable.
    // Random.Shared is seeded from the operating system's randomness; RandomNumberGenerator would load and initialize
    // OpenSSL for these 8 bytes (about 4 MB resident, bench/README.md "facade's idle memory"), when nothing else on
    // a plain-HTTP facade needs it.
    private static readonly ulong ProcessPrefix = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
    private static long _sequence;

    public static string Generate() =>
        string.Create(36, (ulong)Interlocked.Increment(ref _sequence), static (span, sequence) =>
        {
            "req_".CopyTo(span);
            ProcessPrefix.TryFormat(span[4..20], out _, "x16");
            sequence.TryFormat(span[20..], out _, "x16");
        });

    // Echoing a header value must not let a client inject control characters into our response headers.
    private static bool IsSafe(string id)
    {
        foreach (var c in id)
        {
            if (c is < (char)0x21 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
