using GenieHive.Facade.Auth;
using GenieHive.Facade.Chat;
using GenieHive.Facade.Cluster;
using GenieHive.Facade.Embeddings;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Memory;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Routing;
using GenieHive.Facade.Transcriptions;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GenieHive.Facade;

/// <summary>Registration of everything the facade runs.</summary>
public static class FacadeServices
{
    /// <summary>
    /// Adds the facade's options (validated at start), client auth, the routing-table watcher, the proxied endpoints
    /// and their request path, measurements and their reporter, telemetry, and the client to Control.
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
        services.AddOptions<RequestRoutingOptions>().BindConfiguration(RequestRoutingOptions.SectionName).ValidateDataAnnotations()
            .Validate<IConfiguration>(
                static (_, configuration) => !RequestRoutingOptions.MovedKeys.Any(key => configuration["GenieHive:Routing:" + key] is not null),
                "GenieHive:Routing is Control's section; the facade's " + string.Join(" and ", RequestRoutingOptions.MovedKeys)
                    + " belong in " + RequestRoutingOptions.SectionName + ".")
            .ValidateOnStart();
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
        services.AddSingleton<UpstreamAttempt>();
        services.AddSingleton<PassiveHealth>();
        services.AddSingleton<TrafficMeter>();
        services.AddSingleton<FailoverForwarder>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<TranscriptionsEndpoint>();
        services.AddHostedService<ObservationReporter>();

        services.AddSingleton<RequestActivity>();
        services.AddSingleton<IdleMemoryTrimmer>();
        services.AddHostedService(static provider => provider.GetRequiredService<IdleMemoryTrimmer>());

        services.AddControlClient();

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
