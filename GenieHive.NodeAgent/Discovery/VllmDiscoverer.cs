using GenieHive.Contracts;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// vLLM: <c>/v1/models</c> entries carry <c>max_model_len</c> (the context it serves); <c>/metrics</c> has the
/// scheduler gauges <c>vllm:num_requests_running</c> and <c>vllm:num_requests_waiting</c>, one line per
/// label set (<c>model_name</c>, <c>engine</c>), summed here.
/// </summary>
internal sealed class VllmDiscoverer(EngineHttpClient http) : IEngineDiscoverer
{
    public const string MetricsPath = "/metrics";
    public const string RunningMetric = "vllm:num_requests_running";
    public const string WaitingMetric = "vllm:num_requests_waiting";

    public string Protocol => DiscoveryProtocols.Vllm;

    public async Task<DiscoveryOutcome> DiscoverAsync(string endpoint, CancellationToken cancellationToken)
    {
        var (assets, failure) = await OpenAiModelList.FetchAsync(
            http,
            endpoint,
            static (entry, id) => new DiscoveredAsset(id, Loaded: true, EngineJson.GetContext(entry, "max_model_len")),
            cancellationToken).ConfigureAwait(false);
        if (assets is null)
        {
            return DiscoveryOutcome.Fail(failure!);
        }

        int? running = null;
        int? waiting = null;
        var metrics = await http.GetAsync(endpoint, MetricsPath, cancellationToken).ConfigureAwait(false);
        if (metrics.IsSuccess)
        {
            var samples = PrometheusText.Parse(metrics.Body);
            running = PrometheusText.SumAsCount(samples, RunningMetric);
            waiting = PrometheusText.SumAsCount(samples, WaitingMetric);
        }

        return DiscoveryOutcome.Success(new EngineReport
        {
            Engine = "vllm",
            Assets = assets,
            ContextSize = assets.Max(a => a.ContextSize),
            InFlight = running,
            QueueDepth = waiting,
            LoadedModelCount = assets.Count,
        });
    }
}
