using System.Globalization;
using System.Text;
using GenieHive.Simulator.Generation;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>llama-server's monitoring endpoints: <c>GET /slots</c>, <c>GET /metrics</c> (Prometheus) and <c>GET /props</c>.</summary>
public static class EngineApi
{
    private const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{'<|im_start|>assistant\\n'}}{% endif %}";

    private static readonly string[] Samplers = ["penalties", "dry", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"];

    /// <summary>Maps <c>/slots</c>, <c>/metrics</c> and <c>/props</c>.</summary>
    public static RouteGroupBuilder MapEngineApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet("/slots", GetSlots).WithName("Slots");
        group.MapGet("/metrics", GetMetrics).WithName("Metrics");
        group.MapGet("/props", GetProps).WithName("Props");
        return group;
    }

    private static IResult GetSlots(SlotPool slots, IOptions<SimulatorOptions> options)
    {
        var contextSize = options.Value.ContextSize;
        var states = slots.Snapshot();
        var infos = new SlotInfo[states.Length];
        for (var i = 0; i < states.Length; i++)
        {
            var state = states[i];
            var remaining = state.IsProcessing ? Math.Max(0, state.TokensToPredict - state.Decoded) : -1;
            infos[i] = new SlotInfo(
                state.Id,
                contextSize,
                Speculative: false,
                state.IsProcessing,
                state.TaskId,
                state.IsProcessing ? state.PromptTokens : 0,
                state.IsProcessing ? state.PromptTokens - state.ReusedTokens : 0,
                NPromptTokensCache: state.IsProcessing ? state.ReusedTokens : 0,
                Params(state.TokensToPredict, state.Stream, state.Work),
                [new SlotNextToken(state.IsProcessing && remaining > 0, false, remaining, state.IsProcessing ? state.Decoded : 0)]);
        }

        return TypedResults.Json(infos, SimulatorJson.Context.SlotInfoArray);
    }

    private static IResult GetMetrics(SlotPool slots, ModelResidency residency, EngineCounters counters)
    {
        var promptTokens = counters.PromptTokens;
        var promptSeconds = counters.PromptSeconds;
        var predictedTokens = counters.PredictedTokens;
        var predictedSeconds = counters.PredictedSeconds;
        var decodes = counters.DecodeCalls;
        var text = new StringBuilder(2048);
        Metric(text, "prompt_tokens_total", "counter", "Number of prompt tokens processed, excluding cached tokens", promptTokens);
        Metric(text, "prompt_tokens_cached_total", "counter", "Number of prompt tokens reused from the cache", counters.CachedTokens);
        Metric(text, "prompt_seconds_total", "counter", "Total time spent processing prompts", promptSeconds);
        Metric(text, "tokens_predicted_total", "counter", "Number of generation tokens processed", predictedTokens);
        Metric(text, "tokens_predicted_seconds_total", "counter", "Total time spent generating tokens", predictedSeconds);
        Metric(text, "n_decode_total", "counter", "Total number of llama_decode() calls, excluding speculative decoding and multimodal decoding", decodes);
        Metric(text, "n_tokens_max", "counter", "Largest observed sequence length (prompt + generation)", counters.LargestSequence);
        Metric(text, "prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s", promptSeconds > 0 ? promptTokens / promptSeconds : 0);
        Metric(text, "predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s", predictedSeconds > 0 ? predictedTokens / predictedSeconds : 0);
        Metric(text, "requests_processing", "gauge", "Number of requests processing", slots.Processing);
        Metric(text, "requests_deferred", "gauge", "Number of requests deferred", slots.Deferred + residency.Waiting);
        Metric(text, "n_busy_slots_per_decode", "gauge", "Average number of busy slots per llama_decode() call", decodes > 0 ? 1 : 0);
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4", Encoding.UTF8);
    }

    private static IResult GetProps(ModelCatalog catalog, IOptions<SimulatorOptions> options)
    {
        var value = options.Value;
        var model = catalog.Default(ModelKind.Chat)?.Id ?? "simulator";
        var props = new PropsInfo(
            new DefaultGenerationSettings(Params(-1, false, SlotWork.Completion), value.ContextSize),
            value.Slots,
            model,
            $"/models/{model}.gguf",
            new PropsModalities(Vision: false, Audio: false),
            EndpointSlots: true,
            EndpointProps: false,
            EndpointMetrics: true,
            ChatTemplate,
            "<s>",
            "</s>",
            SseWriter.Fingerprint,
            IsSleeping: false);
        return TypedResults.Json(props, SimulatorJson.Context.PropsInfo);
    }

    private static SlotParams Params(int tokensToPredict, bool stream, SlotWork work) => new(
        Seed: 4294967295,
        Temperature: 0.8,
        TopK: 40,
        TopP: 0.95,
        MinP: 0.05,
        MaxTokens: tokensToPredict,
        NPredict: tokensToPredict,
        NKeep: 0,
        stream,
        work switch
        {
            SlotWork.Embedding => "embedding",
            SlotWork.Transcription => "transcription",
            _ => "Content-only",
        },
        Samplers);

    private static void Metric(StringBuilder text, string name, string type, string help, double value)
    {
        text.Append("# HELP llamacpp:").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE llamacpp:").Append(name).Append(' ').Append(type).Append('\n');
        text.Append("llamacpp:").Append(name).Append(' ').Append(value.ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
    }
}
