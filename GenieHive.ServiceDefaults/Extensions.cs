using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using GenieHive.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// The Aspire convention: the defaults live in the hosting namespace so every service finds them without a using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.Hosting;
#pragma warning restore IDE0130

/// <summary>
/// The cross-cutting defaults every GenieHive service shares: OpenTelemetry over OTLP, health endpoints,
/// service discovery, and the standard resilience handler on service-to-service HTTP clients (no retried POSTs).
/// </summary>
public static class Extensions
{
    /// <summary>Path of the readiness endpoint (every health check must pass).</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Path of the liveness endpoint (only checks tagged "live").</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Marks a request as a client's periodic poll (the operator console's live updates): it is served as any other,
    /// but not traced, nor is anything it causes in the services it reaches.
    /// </summary>
    public const string PollHeader = "X-GenieHive-Poll";

    /// <summary>
    /// Adds OpenTelemetry, default health checks, service discovery and, for every client made by
    /// <see cref="IHttpClientFactory"/>, service discovery plus the standard resilience handler.
    /// The model-server proxy in the facade does not use the factory, so none of this wraps model calls.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddConnectionLimits();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddServiceResilience();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// ProblemDetails for the errors no endpoint writes (unknown paths, unmapped methods, unhandled exceptions), in JSON
    /// whatever the client's <c>Accept</c> (<see cref="AnyAcceptProblemDetailsWriter"/>).
    /// </summary>
    public static IServiceCollection AddJsonProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails();
        // After AddProblemDetails: its writer is asked first, this one only for what it declines.
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemDetailsWriter>();
        return services;
    }

    /// <summary>
    /// Sets Kestrel's connection and request-head limits from <see cref="ConnectionLimitsOptions"/> (one place for every
    /// service; validated at start-up). A service may still lower its own body size limit (Control does); an answer to a
    /// body over it says the connection closes (<see cref="UndrainableBodyStartupFilter"/>).
    /// </summary>
    public static IServiceCollection AddConnectionLimits(this IServiceCollection services)
    {
        services.AddOptions<ConnectionLimitsOptions>()
            .BindConfiguration(ConnectionLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ConnectionLimitsOptions>>((kestrel, options) =>
        {
            var limits = options.Value;
            var grace = TimeSpan.FromSeconds(limits.MinDataRateGraceSeconds);
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, grace);
            kestrel.Limits.MinResponseDataRate = new MinDataRate(limits.MinResponseBytesPerSecond, grace);
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, UndrainableBodyStartupFilter>());
        return services;
    }

    /// <summary>
    /// Makes a client of Control use every configured Control URL (<see cref="ControlUrlsOptions"/>), one at a time, moving
    /// on when one fails (<see cref="ControlFailoverHandler"/>). Removes the resilience handlers added so far: the caller
    /// adds its own after this call and keys it by authority (<c>SelectPipelineByAuthority()</c>), so that each URL has its
    /// own circuit and a dead replica's open circuit does not refuse calls to the live one.
    /// </summary>
    public static IHttpClientBuilder AddControlFailover(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<ControlUrlsOptions>().BindConfiguration(ControlUrlsOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(static sp => new ControlEndpoints(
            sp.GetRequiredService<IOptions<ControlUrlsOptions>>().Value.Endpoints,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ControlEndpoints>>()));
        builder.Services.TryAddTransient<ControlFailoverHandler>();
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder.AddHttpMessageHandler<ControlFailoverHandler>();
    }

    /// <summary>
    /// Replaces the defaults' handler on a client that long-polls Control (the routing-table watch, benchmark claims):
    /// a 30 s attempt timeout instead of 10 s, so a 25 s poll is not cut, a 60 s total, and quick retries of safe
    /// methods only (two, 200 ms apart), so that noticing Control came back is not delayed by the defaults' backoff.
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddLongPollServiceResilience(this IHttpClientBuilder builder)
    {
        // Experimental API, pinned by the central package version: the supported way to replace the default handler on one client.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder.AddServiceResilience(options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        });
    }

    /// <summary>
    /// The standard resilience handler for a service-to-service client (timeouts, circuit breaker, retries), with
    /// retries for safe methods only: a POST, PUT, PATCH or DELETE that timed out may have been applied, and sending it
    /// again would queue a second benchmark run, run a case twice or count an observation twice. Every client made by
    /// <see cref="IHttpClientFactory"/> gets it from <see cref="AddServiceDefaults"/>; a client that replaces the
    /// defaults (longer timeouts for a long poll) calls this with its own <paramref name="configure"/>.
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddServiceResilience(
        this IHttpClientBuilder builder, Action<HttpStandardResilienceOptions>? configure = null) =>
        builder.AddStandardResilienceHandler(options =>
        {
            configure?.Invoke(options);
            // After configure: it narrows whatever retry condition the client chose.
            options.Retry.DisableForUnsafeHttpMethods();
        });

    /// <summary>
    /// Logs, traces and metrics for ASP.NET Core, HttpClient, the runtime, and every GenieHive
    /// <c>ActivitySource</c> and <c>Meter</c> (named <c>GenieHive.*</c>), exported over OTLP. Collection is wired
    /// only when an OTLP endpoint is configured (Aspire sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> for every resource):
    /// spans and aggregated metrics that nothing reads would cost every request about 30 µs of CPU in the facade
    /// (bench/, "OTEL_SDK_DISABLED" runs) for no one's benefit.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (HasOtlpEndpoint(builder.Configuration))
        {
            AddOpenTelemetryExport(builder);
        }

        return builder;
    }

    // Its own method, never inlined: the JIT loads the OpenTelemetry assemblies when it compiles a method that uses
    // them, so a service without an OTLP endpoint does not map them at all.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetryExport(IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("GenieHive.*")
                    // Control on PostgreSQL: Npgsql's own meter (connections, commands).
                    .AddMeter("Npgsql");
            })
            .WithTracing(tracing =>
            {
                // Background loops' ticks reach the exporter only when they fail or change something (BackgroundTraces).
                tracing.SetSampler(new BackgroundTickSampler())
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource("GenieHive.*")
                    // Control on PostgreSQL: one span per command.
                    .AddSource("Npgsql")
                    .AddAspNetCoreInstrumentation(options =>
                        // Health probes every few seconds, and the console's polls, would drown the traces that matter.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                            && !context.Request.Headers.ContainsKey(PollHeader))
                    .AddHttpClientInstrumentation();
            })
            .UseOtlpExporter();
    }

    /// <summary>
    /// True when telemetry has somewhere to go: the general OTLP endpoint, or a signal-specific one
    /// (<c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> and friends), which the OTLP exporter also honours.
    /// </summary>
    private static bool HasOtlpEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"]);

    /// <summary>Adds a liveness check tagged "live" that answers as long as the process runs.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (live checks). Both are anonymous: node agents,
    /// Aspire and load balancers probe them without keys, and they reveal nothing but up or down.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteStatusAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live"),
            ResponseWriter = WriteStatusAsync,
        });

        return app;
    }

    // {"status":"ok"} like the earlier implementation, so existing probes keep working.
    private static Task WriteStatusAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var status = report.Status == HealthStatus.Healthy ? "ok" : report.Status.ToString().ToLowerInvariant();
        return context.Response.WriteAsync("{\"status\":\"" + status + "\"}");
    }
}
