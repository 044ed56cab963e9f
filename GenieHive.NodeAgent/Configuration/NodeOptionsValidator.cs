using GenieHive.Contracts;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Configuration;

/// <summary>Checks what data annotations cannot: the service list, its kinds, endpoints, availability and discovery protocols.</summary>
internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    private static readonly string[] s_discoveryProtocols =
        [DiscoveryProtocols.None, DiscoveryProtocols.OpenAi, DiscoveryProtocols.Ollama, DiscoveryProtocols.LlamaCpp, DiscoveryProtocols.Vllm];

    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HostId))
        {
            failures.Add("GenieHive:Node:HostId must not be empty.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Services.Count; i++)
        {
            var service = options.Services[i];
            var path = $"GenieHive:Node:Services:{i}";
            if (string.IsNullOrWhiteSpace(service.ServiceId))
            {
                failures.Add($"{path}:ServiceId is required.");
            }
            else if (!seen.Add(service.ServiceId))
            {
                failures.Add($"{path}:ServiceId '{service.ServiceId}' is used by another service.");
            }

            if (!ServiceKinds.IsKnown(service.Kind))
            {
                failures.Add($"{path}:Kind must be {ServiceKinds.Expected} (was '{service.Kind}').");
            }

            if (!IsHttpUrl(service.Endpoint))
            {
                failures.Add($"{path}:Endpoint must be an absolute http(s) URL (was '{service.Endpoint}').");
            }

            if (!s_discoveryProtocols.Contains(service.Discover, StringComparer.Ordinal))
            {
                failures.Add($"{path}:Discover must be one of {string.Join(", ", s_discoveryProtocols)} (was '{service.Discover}').");
            }

            // Control refuses an unknown availability at registration; the agent says so at start instead.
            if (!string.IsNullOrWhiteSpace(service.State?.Availability) && Availability.Canonical(service.State.Availability) is null)
            {
                failures.Add($"{path}:State:Availability must be one of {string.Join(", ", Availability.All)} (was '{service.State.Availability}').");
            }

            for (var j = 0; j < service.Assets.Count; j++)
            {
                if (string.IsNullOrWhiteSpace(service.Assets[j].AssetId))
                {
                    failures.Add($"{path}:Assets:{j}:AssetId is required.");
                }
            }
        }

        for (var i = 0; i < options.AutoDiscoverEndpoints.Count; i++)
        {
            var candidate = options.AutoDiscoverEndpoints[i];
            if (candidate.Engine is DiscoveryProtocols.None || !s_discoveryProtocols.Contains(candidate.Engine, StringComparer.Ordinal))
            {
                failures.Add($"GenieHive:Node:AutoDiscoverEndpoints:{i}:Engine must be openai, ollama, llamacpp or vllm (was '{candidate.Engine}').");
            }

            if (!IsHttpUrl(candidate.Endpoint))
            {
                failures.Add($"GenieHive:Node:AutoDiscoverEndpoints:{i}:Endpoint must be an absolute http(s) URL (was '{candidate.Endpoint}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
