using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Benchmarks;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Http;
using GenieHive.Control.Keys;
using GenieHive.Control.Leadership;
using GenieHive.Control.Nodes;
using GenieHive.Control.Observations;
using GenieHive.Control.Registry;
using GenieHive.Control.Roles;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Hosting;

/// <summary>Registration of everything Control runs.</summary>
public static class ControlServices
{
    /// <summary>
    /// Adds Control's options (validated at start-up), storage, registry, role catalog, routing table
    /// publication, background loops, auth, JSON (snake_case, source-generated) and ProblemDetails.
    /// </summary>
    public static TBuilder AddControlServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;

        builder.AddControlStorage();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RolesOptions>().BindConfiguration(RolesOptions.SectionName).ValidateOnStart();
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddOptions<ControlApiOptions>().BindConfiguration(ControlApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ControlApiOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ControlTelemetry>();
        services.AddSingleton<KeyRegistry>();
        services.AddSingleton<ControlKeys>();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<RoutingChanges>();
        services.AddSingleton<ClusterRegistry>();
        services.AddSingleton<ObservationMerger>();
        services.AddSingleton<ObservationSync>();
        services.AddSingleton<BenchmarkSampleStore>();
        services.AddSingleton<RoleCatalog>();
        services.AddSingleton<ClusterViews>();
        services.AddSingleton<NodeRegistrar>();
        services.AddSingleton<RoutingTablePublisher>();
        services.AddSingleton<RegistryMaintenance>();
        services.AddSingleton<RegistrySync>();
        services.AddSingleton<LeaderElector>();

        // Start order matters: state first, then the loops that work on it.
        services.AddHostedService<ControlStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<LeaderElector>());
        services.AddHostedService<AuthStartupWarning>();
        services.AddHostedService<AuditRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<RoutingTablePublisher>());
        services.AddHostedService(provider => provider.GetRequiredService<RegistryMaintenance>());
        services.AddHostedService(provider => provider.GetRequiredService<ObservationSync>());
        services.AddHostedService(provider => provider.GetRequiredService<RegistrySync>());
        services.AddHostedService<KeySync>();
        services.AddBenchmarkServices();

        services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.TypeInfoResolverChain.Insert(0, GenieHiveJsonContext.Default);
            json.PropertyNamingPolicy = GenieHiveJsonContext.Default.Options.PropertyNamingPolicy;
            json.NumberHandling = GenieHiveJsonContext.Default.Options.NumberHandling;
            json.MaxDepth = GenieHiveJsonContext.Default.Options.MaxDepth;
        });
        services.AddJsonProblemDetails();
        services.AddExceptionHandler<StorageUnavailableHandler>();
        return builder;
    }

    /// <summary>
    /// ProblemDetails for every error: a failed database becomes a 503 (<see cref="StorageUnavailableHandler"/>), other
    /// unhandled exceptions a 500 without internals, and empty error responses (unknown routes, bad query binding) get
    /// a ProblemDetails body.
    /// </summary>
    public static WebApplication UseControlErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
