using GenieHive.Facade.Auth;
using GenieHive.Facade.Chat;
using GenieHive.Facade.Cluster;
using GenieHive.Facade.Embeddings;
using GenieHive.Facade.Keys;
using GenieHive.Facade.Console;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Memory;
using GenieHive.Facade.Messages;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Rerank;
using GenieHive.Facade.Responses;
using GenieHive.Facade.Routing;
using GenieHive.Facade.Transcriptions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

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
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
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
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClientKeys>();
        services.AddSingleton<InvalidKeyThrottle>();
        services.AddSingleton<ClientKeyGate>();
        services.AddSingleton<KeyLimiter>();
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<KeyAccounting>();
        services.AddHostedService<KeyTableWatcher>();
        services.AddHostedService<AuditReporter>();
        services.AddHostedService<OpenFacadeWarning>();

        services.AddSingleton<RoutingState>();
        services.AddSingleton<RoutingWatchClient>();
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
        services.AddSingleton<MessagesEndpoint>();
        services.AddSingleton<ResponsesEndpoint>();
        services.AddSingleton<RerankEndpoint>();
        services.AddSingleton<RecentRequests>();
        services.AddHostedService<ObservationReporter>();
        services.AddHostedService<SpeedProbe>();

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
