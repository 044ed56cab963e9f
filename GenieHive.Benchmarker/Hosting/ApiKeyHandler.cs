using GenieHive.Contracts;
using Microsoft.Extensions.Options;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>Presents the benchmarker's key to Control on every call, so the key never appears at call sites or in logs.</summary>
internal sealed class ApiKeyHandler(IOptions<BenchmarkerOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Remove(GenieHiveHeaders.ApiKey);
            request.Headers.TryAddWithoutValidation(GenieHiveHeaders.ApiKey, key.Trim());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
