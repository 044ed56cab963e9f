using GenieHive.Contracts;
using GenieHive.NodeAgent.Inventory;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// The active health probe of a service, every pass. Engines differ in what they answer, so a path that
/// does not exist (404/405) falls through to the next: <c>/health</c> (llama.cpp, vLLM, whisper-server, the
/// simulator), then <c>/v1/models</c> (any OpenAI-compatible server), then <c>/</c>. Ollama answers <c>/</c>
/// ("Ollama is running"), then <c>/api/tags</c>.
/// </summary>
internal sealed class HealthProber(EngineHttpClient http)
{
    private static readonly string[] s_defaultPaths = ["/health", "/v1/models", "/"];
    private static readonly string[] s_ollamaPaths = ["/", "/api/tags"];

    public async Task<HealthOutcome> ProbeAsync(ServiceDefinition service, CancellationToken cancellationToken)
    {
        var paths = service.Discover == DiscoveryProtocols.Ollama ? s_ollamaPaths : s_defaultPaths;
        EngineResponse? last = null;
        foreach (var path in paths)
        {
            var response = await http.GetAsync(service.Endpoint, path, cancellationToken).ConfigureAwait(false);
            if (!response.Answered)
            {
                return new HealthOutcome(HealthVerdict.Unreachable, response.Failure);
            }

            if (response.StatusCode is 404 or 405)
            {
                last = response;
                continue;
            }

            return Judge(response, path);
        }

        return new HealthOutcome(HealthVerdict.Unhealthy, $"no health endpoint answered ({last?.Describe(paths[^1])})");
    }

    private static HealthOutcome Judge(EngineResponse response, string path)
    {
        if (response.StatusCode < 400)
        {
            return HealthOutcome.Healthy;
        }

        // llama.cpp answers 503 {"error":{"message":"Loading model",...}} until the model is in memory.
        if (response.StatusCode == 503 && response.Body.Contains("loading", StringComparison.OrdinalIgnoreCase))
        {
            return new HealthOutcome(HealthVerdict.Unhealthy, "loading");
        }

        return new HealthOutcome(HealthVerdict.Unhealthy, response.Describe(path));
    }
}
