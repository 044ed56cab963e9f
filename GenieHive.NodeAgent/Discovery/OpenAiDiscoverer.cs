using GenieHive.Contracts;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>Any OpenAI-compatible server (llamafile, LM Studio, ...): what <c>/v1/models</c> lists is loaded.</summary>
internal sealed class OpenAiDiscoverer(EngineHttpClient http) : IEngineDiscoverer
{
    public string Protocol => DiscoveryProtocols.OpenAi;

    public async Task<DiscoveryOutcome> DiscoverAsync(string endpoint, CancellationToken cancellationToken)
    {
        var (assets, failure) = await OpenAiModelList.FetchAsync(
            http, endpoint, static (_, id) => new DiscoveredAsset(id, Loaded: true), cancellationToken).ConfigureAwait(false);
        return assets is null
            ? DiscoveryOutcome.Fail(failure!)
            : DiscoveryOutcome.Success(new EngineReport { Engine = "openai", Assets = assets });
    }
}
