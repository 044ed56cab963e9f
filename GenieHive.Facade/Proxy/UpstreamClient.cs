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
    public UpstreamClient(IOptions<ProxyOptions> options)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Re-resolve host names now and then: model servers move between machines.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
