using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Cluster;
using GenieHive.Facade.Console;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Memory;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Routing;
using GenieHive.Facade.Transcriptions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Refit;

namespace GenieHive.Facade;

/// <summary>Registration of everything the facade runs.</summary>
public static class FacadeServices
{
    /// <summary>Control's service name: <c>services:control:http:0</c> holds its URL (Aspire writes it).</summary>
    public const string ControlServiceUri = "http://control";

    /// <summary>
    /// Adds the facade's options (validated at start), client auth, the routing-table watcher, the upstream proxy,
    /// measurements and their reporter, telemetry, and the Refit <see cref="IClusterApi"/> client to Control.
    /// </summary>
    public static TBuilder AddFacadeServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        // A blank key (an environment variable set to nothing) is refused, not skipped: skipping it could leave the
        // facade open when the operator meant to close it. Control refuses the same.
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .Validate(
                static options => options.ClientApiKeys.All(static key => !string.IsNullOrWhiteSpace(key)),
                AuthOptions.SectionName + ":ClientApiKeys has an empty entry; remove it or set a key (an empty list turns auth off).")
            .Validate(
                static options => options.ClientApiKeys.All(static key => key is null || key.Trim().Length <= ClientKeys.MaxKeyChars),
                AuthOptions.SectionName + ":ClientApiKeys has a key longer than " + ClientKeys.MaxKeyChars + " characters; no client could present it.")
            .ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CooldownOptions>().BindConfiguration(CooldownOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ObservationsOptions>().BindConfiguration(ObservationsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingletonTimeProvider();
        services.AddSingleton<ClientKeys>();
        services.AddHostedService<OpenFacadeWarning>();

        services.AddSingleton<RoutingState>();
        services.AddHostedService<RoutingTableWatcher>();

        services.AddSingleton<FacadeTelemetry>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<ServiceLoadTracker>();
        services.AddSingleton<ProxyForwarder>();
        services.AddSingleton<RecentRequests>();
        services.AddSingleton<TranscriptionForwarder>();
        services.AddHostedService<ObservationReporter>();

        services.AddSingleton<RequestActivity>();
        services.AddSingleton<IdleMemoryTrimmer>();
        services.AddHostedService(static provider => provider.GetRequiredService<IdleMemoryTrimmer>());

        services.AddTransient<ControlKeyHandler>();
        var control = services.AddRefitGeneratedClient<IClusterApi>(GenieHiveJsonContext.CreateRefitSettings())
            .ConfigureHttpClient(client => client.BaseAddress = new Uri(ControlServiceUri))
            .AddHttpMessageHandler<ControlKeyHandler>();

        // The defaults' 10 s attempt timeout is too short for the routing-table long poll, and their slow retries
        // would delay noticing that Control came back (the watcher has its own backoff). Experimental API, pinned by
        // the central package version: the supported way to replace the default handler on one client.
#pragma warning disable EXTEXP0001
        control.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        control.AddStandardResilienceHandler(options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        });

        // The facade enforces its own body limits per endpoint, with OpenAI-shaped answers.
        services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);
        return builder;
    }

    /// <summary>Adds the facade's edge middleware: <c>X-Request-Id</c> on every response and OpenAI-shaped errors for anything unexpected.</summary>
    public static WebApplication UseFacadeEdge(this WebApplication app)
    {
        app.UseMiddleware<FacadeEdgeMiddleware>();
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
