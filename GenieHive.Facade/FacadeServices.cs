using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Cluster;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Memory;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Routing;
using GenieHive.Facade.Transcriptions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
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
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
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
        services.AddSingleton<TranscriptionForwarder>();
        services.AddHostedService<ObservationReporter>();

        services.AddSingleton<RequestActivity>();
        services.AddSingleton<IdleMemoryTrimmer>();
        services.AddHostedService(static provider => provider.GetRequiredService<IdleMemoryTrimmer>());

        services.AddTransient<ControlKeyHandler>();
        var control = services.AddRefitGeneratedClient<IClusterApi>(GenieHiveJsonContext.CreateRefitSettings())
            .ConfigureHttpClient(client => client.BaseAddress = new Uri(ControlServiceUri))
            .AddHttpMessageHandler<ControlKeyHandler>();

        // The routing-table long poll needs a longer attempt timeout than the defaults'; POSTs are never retried.
        control.AddLongPollServiceResilience();

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
