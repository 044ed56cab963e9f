using System.Collections.Frozen;
using System.Net.Http.Headers;
using GenieHive.Contracts;
using Microsoft.Extensions.Primitives;

namespace GenieHive.Facade.Proxy;

/// <summary>Copies an upstream response's end-to-end headers to the client response (hop-by-hop ones stay behind).</summary>
internal static class ResponseHeaderCopier
{
    private static readonly FrozenSet<string> Skipped = new[]
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authenticate",
        "Proxy-Authorization", "Proxy-Connection", "Server", "Date", "Alt-Svc", "Content-Length",
        GenieHiveHeaders.RequestId, GenieHiveHeaders.ServiceId, GenieHiveHeaders.RouteType,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static void Copy(HttpResponseMessage upstream, HttpResponse response)
    {
        CopyFrom(upstream.Headers.NonValidated, response.Headers);
        CopyFrom(upstream.Content.Headers.NonValidated, response.Headers);
    }

    private static void CopyFrom(HttpHeadersNonValidated source, IHeaderDictionary target)
    {
        foreach (var header in source)
        {
            if (Skipped.Contains(header.Key))
            {
                continue;
            }

            var values = header.Value;
            if (values.Count == 1)
            {
                target[header.Key] = values.ToString();
                continue;
            }

            var array = new string[values.Count];
            var i = 0;
            foreach (var value in values)
            {
                array[i++] = value;
            }

            target[header.Key] = new StringValues(array);
        }
    }
}
