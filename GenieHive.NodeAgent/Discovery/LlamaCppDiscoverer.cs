using System.Text.Json;
using GenieHive.Contracts;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// llama.cpp's <c>llama-server</c>:
/// <list type="bullet">
/// <item><c>/v1/models</c>: <c>data[].id</c> (the alias, or the model path), <c>meta.n_ctx</c> and <c>meta.n_ctx_train</c>;
/// in router mode an entry may carry <c>status.value</c> other than <c>loaded</c>;</item>
/// <item><c>/props</c>: <c>default_generation_settings.n_ctx</c> (context per slot) and <c>total_slots</c>;</item>
/// <item><c>/slots</c>: one object per slot with <c>is_processing</c> (501 unless started with <c>--slots</c> on older builds);</item>
/// <item><c>/metrics</c>: <c>llamacpp:requests_processing</c> and <c>llamacpp:requests_deferred</c> (501 unless <c>--metrics</c>).</item>
/// </list>
/// Only <c>/v1/models</c> is required; the others fill in what they can. llama-server answers Anthropic's
/// <c>/v1/messages</c> and OpenAI's <c>/v1/responses</c> itself, so it claims both protocols.
/// </summary>
internal sealed class LlamaCppDiscoverer(EngineHttpClient http) : IEngineDiscoverer
{
    public const string PropsPath = "/props";
    public const string SlotsPath = "/slots";
    public const string MetricsPath = "/metrics";
    public const string ProcessingMetric = "llamacpp:requests_processing";
    public const string DeferredMetric = "llamacpp:requests_deferred";

    private static readonly string[] NativeProtocols = [ClientProtocols.AnthropicMessages, ClientProtocols.OpenAiResponses];

    public string Protocol => DiscoveryProtocols.LlamaCpp;

    public async Task<DiscoveryOutcome> DiscoverAsync(string endpoint, CancellationToken cancellationToken)
    {
        var (models, failure) = await OpenAiModelList.FetchAsync(http, endpoint, ReadModel, cancellationToken).ConfigureAwait(false);
        if (models is null)
        {
            return DiscoveryOutcome.Fail(failure!);
        }

        var (slotContext, totalSlots) = await ReadPropsAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var (processing, deferred) = await ReadMetricsAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var busySlots = processing is null ? await ReadBusySlotsAsync(endpoint, cancellationToken).ConfigureAwait(false) : null;

        // The context a request really gets is the slot's; the model list's figures are the fallback.
        var assets = slotContext is null
            ? models
            : [.. models.Select(m => m with { ContextSize = slotContext })];

        return DiscoveryOutcome.Success(new EngineReport
        {
            Engine = "llama.cpp",
            Assets = assets,
            ContextSize = slotContext ?? assets.Max(a => a.ContextSize),
            TotalSlots = totalSlots,
            InFlight = processing ?? busySlots,
            QueueDepth = deferred,
            LoadedModelCount = assets.Count(a => a.Loaded),
            Protocols = NativeProtocols,
        });
    }

    private static DiscoveredAsset ReadModel(JsonElement entry, string id)
    {
        var meta = EngineJson.GetObject(entry, "meta");
        var context = meta is { } m ? EngineJson.GetContext(m, "n_ctx") ?? EngineJson.GetContext(m, "n_ctx_train") : null;
        var status = EngineJson.GetObject(entry, "status") is { } s ? EngineJson.GetString(s, "value") : null;
        var loaded = status is null || string.Equals(status, "loaded", StringComparison.OrdinalIgnoreCase);
        return new DiscoveredAsset(id, loaded, context);
    }

    private async Task<(int? SlotContext, int? TotalSlots)> ReadPropsAsync(string endpoint, CancellationToken cancellationToken)
    {
        var props = await http.GetAsync(endpoint, PropsPath, cancellationToken).ConfigureAwait(false);
        if (!props.IsSuccess)
        {
            return (null, null);
        }

        using var document = EngineJson.TryParse(props.Body);
        if (document is null)
        {
            return (null, null);
        }

        var root = document.RootElement;
        var settings = EngineJson.GetObject(root, "default_generation_settings");
        var context = settings is { } s ? EngineJson.GetContext(s, "n_ctx") : null;
        var slots = EngineJson.GetInt32(root, "total_slots");
        return (context, slots is > 0 ? slots : null);
    }

    private async Task<(int? Processing, int? Deferred)> ReadMetricsAsync(string endpoint, CancellationToken cancellationToken)
    {
        var metrics = await http.GetAsync(endpoint, MetricsPath, cancellationToken).ConfigureAwait(false);
        if (!metrics.IsSuccess)
        {
            return (null, null);
        }

        var samples = PrometheusText.Parse(metrics.Body);
        return (PrometheusText.SumAsCount(samples, ProcessingMetric), PrometheusText.SumAsCount(samples, DeferredMetric));
    }

    private async Task<int?> ReadBusySlotsAsync(string endpoint, CancellationToken cancellationToken)
    {
        var slots = await http.GetAsync(endpoint, SlotsPath, cancellationToken).ConfigureAwait(false);
        if (!slots.IsSuccess)
        {
            return null;
        }

        using var document = EngineJson.TryParse(slots.Body);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return document.RootElement.EnumerateArray().Count(slot => EngineJson.GetBoolean(slot, "is_processing") == true);
    }
}
