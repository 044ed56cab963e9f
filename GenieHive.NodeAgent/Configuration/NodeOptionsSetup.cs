using GenieHive.Contracts;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Configuration;

/// <summary>
/// Fills defaults that depend on the machine and normalizes spelling, so that
/// <c>GenieHive__Node__Services__0__Discover=LlamaCpp</c> and <c>llamacpp</c> mean the same.
/// </summary>
internal sealed class NodeOptionsSetup : IPostConfigureOptions<NodeOptions>
{
    /// <summary>The usual local ports of the engines, probed when nothing is configured.</summary>
    public static IReadOnlyList<AutoDiscoverEndpointOptions> DefaultAutoDiscoverEndpoints { get; } =
    [
        new() { Engine = DiscoveryProtocols.Ollama, Endpoint = "http://127.0.0.1:11434" },
        new() { Engine = DiscoveryProtocols.LlamaCpp, Endpoint = "http://127.0.0.1:8080" },
        new() { Engine = DiscoveryProtocols.Vllm, Endpoint = "http://127.0.0.1:8000" },
    ];

    public void PostConfigure(string? name, NodeOptions options)
    {
        options.HostId = string.IsNullOrWhiteSpace(options.HostId) ? Environment.MachineName : options.HostId.Trim();
        options.Address = string.IsNullOrWhiteSpace(options.Address) ? "127.0.0.1" : options.Address.Trim();

        // The binder appends to a pre-filled list, so the defaults are applied here, only when nothing was configured.
        if (options.AutoDiscoverEndpoints.Count == 0)
        {
            options.AutoDiscoverEndpoints = [.. DefaultAutoDiscoverEndpoints.Select(e => new AutoDiscoverEndpointOptions { Engine = e.Engine, Endpoint = e.Endpoint })];
        }

        foreach (var candidate in options.AutoDiscoverEndpoints)
        {
            candidate.Engine = Normalize(candidate.Engine);
            candidate.Endpoint = TrimEndpoint(candidate.Endpoint);
        }

        foreach (var service in options.Services)
        {
            service.ServiceId = service.ServiceId.Trim();
            service.Kind = Normalize(service.Kind);
            service.Protocol = string.IsNullOrWhiteSpace(service.Protocol) ? "openai" : Normalize(service.Protocol);
            service.Discover = string.IsNullOrWhiteSpace(service.Discover) ? DiscoveryProtocols.None : Normalize(service.Discover);
            service.Endpoint = TrimEndpoint(service.Endpoint);
        }
    }

    private static string Normalize(string value) => value.Trim().ToLowerInvariant();

    // Endpoints are server roots; paths are appended with a leading slash, so a trailing one would double.
    private static string TrimEndpoint(string endpoint) => endpoint.Trim().TrimEnd('/');
}
