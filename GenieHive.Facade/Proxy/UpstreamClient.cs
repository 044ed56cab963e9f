using System.Net;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// The one long-lived connection pool to model servers. Deliberately not an <see cref="IHttpClientFactory"/> client:
/// the standard resilience handler's timeouts and retries would cut or repeat generations. No decompression, no
/// redirects, no cookies, no proxy: the facade forwards bytes.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    internal const int PooledConnectionIdleSeconds = 15;

    public UpstreamClient(IOptions<ProxyOptions> options)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
            // Short, because idle connections cost both ends: each holds about 10 KB of buffers here (after a burst of
            // 256 clients, the 258 left open were 3 MB of the facade's heap half a minute later, bench/run.sh), and a
            // model server that serves each connection on its own thread keeps a worker waiting on it.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(PooledConnectionIdleSeconds),
            // Re-resolve host names now and then: model servers move between machines.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
