using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using Microsoft.Extensions.Http.Resilience;
using GenieHive.ServiceDefaults;
using Refit;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// The facade's one HTTP client to Control, shared by the operator-API relay, the routing-table watch and the
/// observation reports: Control's service-discovered address, the facade's client key, timeouts and a circuit
/// breaker, and no automatic retry: every caller has its own.
/// </summary>
public static class ControlClient
{
    /// <summary>The named <see cref="HttpClient"/> (<see cref="IHttpClientFactory.CreateClient(string)"/>).</summary>
    public const string Name = "control";

    /// <summary>The named client of <see cref="IKeyAdminApi"/> (key watch, audit reports).</summary>
    public const string KeysName = "control-keys";

    /// <summary>
    /// Control's service name: <c>services:control:http:0</c>, <c>:1</c>, ... hold its URLs (Aspire writes them);
    /// <see cref="ControlFailoverHandler"/> sends each call to the one in use.
    /// </summary>
    public const string ServiceUri = "http://control";

    /// <summary>
    /// Registers the client, <see cref="IClusterApi"/> over it, and the <see cref="ControlRelay"/>. Nothing is retried
    /// here: a retried POST could queue a benchmark run twice; a relayed call is the client's to retry, as it would
    /// retry Control; the observation reporter sends everything again next interval; and the routing-table watch
    /// must see every failure, because after one it asks for the whole table (a restarted Control may count versions
    /// anew), which a retry that succeeds behind its back would hide.
    /// </summary>
    public static IServiceCollection AddControlClient(this IServiceCollection services)
    {
        services.AddTransient<ControlKeyHandler>();
        // IClusterApi's source-generated Refit client over the named client the relay creates too.
        var control = services.AddRefitGeneratedClient<IClusterApi>(GenieHiveJsonContext.CreateRefitSettings(), Name)
            .ConfigureHttpClient(static client => client.BaseAddress = new Uri(ServiceUri))
            .AddHttpMessageHandler<ControlKeyHandler>()
            .AddControlFailover();

        // The long-poll timeouts every client that watches Control uses, but no retry at all (see the summary), per
        // Control URL. Moving to another URL is not a retry of this kind: a GET is sent to the next replica within the
        // call, and the watch takes that replica's table (another table_id) as a whole table.
        control.AddLongPollServiceResilience()
            .SelectPipelineByAuthority()
            .Configure(static options => options.Retry.ShouldHandle = static _ => ValueTask.FromResult(false));

        // The admin API (the key watch and the audit reports) on a client of its own, configured the same way.
        services.AddRefitGeneratedClient<IKeyAdminApi>(GenieHiveJsonContext.CreateRefitSettings(), KeysName)
            .ConfigureHttpClient(static client => client.BaseAddress = new Uri(ServiceUri))
            .AddHttpMessageHandler<ControlKeyHandler>()
            .AddControlFailover()
            .AddLongPollServiceResilience()
            .SelectPipelineByAuthority()
            .Configure(static options => options.Retry.ShouldHandle = static _ => ValueTask.FromResult(false));

        services.AddSingleton<ControlRelay>();
        return services;
    }
}
