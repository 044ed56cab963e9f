using System.Net;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using GenieHive.NodeAgent.Configuration;
using GenieHive.NodeAgent.Discovery;
using GenieHive.NodeAgent.Heartbeat;
using GenieHive.NodeAgent.Inventory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Http.Resilience;
using Refit;

namespace GenieHive.NodeAgent;

/// <summary>Registration of everything the node agent runs.</summary>
public static class NodeAgentServices
{
    /// <summary>The base address of Control; <c>services:control:http:0</c>, <c>:1</c>, ... hold its URLs.</summary>
    public const string ControlBaseAddress = "http://control";

    /// <summary>
    /// Adds the node agent: <c>GenieHive:Node</c> options (validated at start), discovery and health probes of the
    /// configured model servers (or zero-configuration probing of the usual local ports), the Refit client to
    /// Control with the node key, the register/heartbeat loop, and snake_case JSON for the node API.
    /// </summary>
    public static TBuilder AddNodeAgentServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;

        services.AddOptions<NodeOptions>()
            .BindConfiguration(NodeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<NodeOptions>, NodeOptionsSetup>();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeAgentTelemetry>();

        services.AddSingleton(sp =>
        {
            var timeout = sp.GetRequiredService<IOptions<NodeOptions>>().Value.ProbeTimeout;
            return new EngineHttpClient(new HttpClient(CreateEngineHandler(timeout)) { Timeout = Timeout.InfiniteTimeSpan }, sp.GetRequiredService<TimeProvider>(), timeout);
        });
        services.AddSingleton<IEngineDiscoverer, OllamaDiscoverer>();
        services.AddSingleton<IEngineDiscoverer, OpenAiDiscoverer>();
        services.AddSingleton<IEngineDiscoverer, LlamaCppDiscoverer>();
        services.AddSingleton<IEngineDiscoverer, VllmDiscoverer>();
        services.AddSingleton<HealthProber>();
        services.AddSingleton<NodeInventory>();
        services.AddSingleton<AutoDiscovery>();
        services.AddSingleton<ServiceMonitor>();
        services.AddSingleton<RegistrationBuilder>();
        services.AddHostedService<ServiceMonitorLoop>();

        // Register and heartbeat are POSTs, which the service defaults' resilience handler never retries: the
        // heartbeat loop is the retry policy (a retry inside a call would only delay the next beat and send stale
        // state twice). Its timeouts and circuit breaker stay, one per Control URL; a register or heartbeat moves to the
        // next URL within the call only when it certainly reached no server (ControlFailoverHandler). A replica that does
        // not know the host answers the heartbeat 404, and the session registers again there.
        services.AddTransient<NodeKeyHandler>();
        services.AddRefitGeneratedClient<INodeRegistryApi>(GenieHiveJsonContext.CreateRefitSettings())
            .ConfigureHttpClient(client => client.BaseAddress = new Uri(ControlBaseAddress))
            .AddHttpMessageHandler<NodeKeyHandler>()
            .RedactLoggedHeaders([GenieHiveHeaders.NodeKey])
            .AddControlFailover()
            .AddServiceResilience()
            .SelectPipelineByAuthority();
        services.AddSingleton<ControlSession>();
        services.AddHostedService<HeartbeatLoop>();

        services.AddJsonProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, GenieHiveJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, NodeAgentJsonContext.Default);
        });

        return builder;
    }

    // One long-lived handler for every probe: local engines, no proxy, no redirects, connect bounded like the probe.
    private static SocketsHttpHandler CreateEngineHandler(TimeSpan timeout) => new()
    {
        ConnectTimeout = timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        UseProxy = false,
    };
}
