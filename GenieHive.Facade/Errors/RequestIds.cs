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

    public static string Generate() =>
        string.Create(36, Guid.NewGuid(), static (span, guid) =>
        {
            "req_".CopyTo(span);
            guid.TryFormat(span[4..], out _, "N");
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
