using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using Microsoft.Extensions.Http.Resilience;
using Refit;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// The facade's one HTTP client to Control, shared by the operator-API relay, the routing-table watch and the
/// observation reports: Control's service-discovered address, the facade's client key, and no automatic retry of a
/// call that is not safe to repeat.
/// </summary>
public static class ControlClient
{
    /// <summary>The named <see cref="HttpClient"/> (<see cref="IHttpClientFactory.CreateClient(string)"/>).</summary>
    public const string Name = "control";

    /// <summary>Control's service name: <c>services:control:http:0</c> holds its URL (Aspire writes it).</summary>
    public const string ServiceUri = "http://control";

    /// <summary>
    /// Registers the client, <see cref="IClusterApi"/> over it, and the <see cref="ControlRelay"/>. Retries (two, 200 ms
    /// apart) only for safe methods: a retried POST could queue a benchmark run twice, and the callers that post on
    /// their own (observation reports) send again next interval anyway.
    /// </summary>
    public static IServiceCollection AddControlClient(this IServiceCollection services)
    {
        services.AddTransient<ControlKeyHandler>();
        // IClusterApi's source-generated Refit client over the named client the relay creates too.
        var control = services.AddRefitGeneratedClient<IClusterApi>(GenieHiveJsonContext.CreateRefitSettings(), Name)
            .ConfigureHttpClient(static client => client.BaseAddress = new Uri(ServiceUri))
            .AddHttpMessageHandler<ControlKeyHandler>();

        // The defaults' 10 s attempt timeout is too short for the routing-table long poll (up to 25 s), and their slow
        // retries would delay noticing that Control came back (the watcher has its own backoff). Experimental API,
        // pinned by the central package version: the supported way to replace the default handler on one client.
#pragma warning disable EXTEXP0001
        control.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        control.AddStandardResilienceHandler(static options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.DisableForUnsafeHttpMethods();
        });

        services.AddSingleton<ControlRelay>();
        return services;
    }
}
