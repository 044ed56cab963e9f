using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.NodeAgent.Fakes;

/// <summary>
/// What a fake engine answers, changeable while it runs. Bodies are the engines' real shapes as raw JSON or
/// Prometheus text; <see cref="Broken"/> makes every route answer 500, <see cref="NotAnEngine"/> 404.
/// </summary>
public sealed class FakeEngineState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Status, string Body, string ContentType)> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hits = new(StringComparer.Ordinal);

    public bool Broken { get; set; }

    public bool NotAnEngine { get; set; }

    public void Set(string path, string body, int status = 200, string contentType = "application/json")
    {
        lock (_gate)
        {
            _routes[path] = (status, body, contentType);
        }
    }

    public void Remove(string path)
    {
        lock (_gate)
        {
            _routes.Remove(path);
        }
    }

    public int Hits(string path)
    {
        lock (_gate)
        {
            return _hits.GetValueOrDefault(path);
        }
    }

    internal async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        (int Status, string Body, string ContentType) route;
        bool found;
        lock (_gate)
        {
            _hits[path] = _hits.GetValueOrDefault(path) + 1;
            found = _routes.TryGetValue(path, out route);
        }

        if (Broken)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("{\"error\":\"broken\"}");
            return;
        }

        if (NotAnEngine || !found)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("File Not Found");
            return;
        }

        context.Response.StatusCode = route.Status;
        context.Response.ContentType = route.ContentType;
        await context.Response.WriteAsync(route.Body);
    }
}

/// <summary>A running fake engine.</summary>
public sealed class FakeEngine(FakeServer server, FakeEngineState state) : IAsyncDisposable
{
    public string Url => server.Url;

    public FakeEngineState State => state;

    public static async Task<FakeEngine> StartAsync(FakeEngineState state, CancellationToken cancellationToken)
    {
        var server = await FakeServer.StartAsync(app => app.Run(state.HandleAsync), cancellationToken);
        return new FakeEngine(server, state);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}

/// <summary>The real shapes of the engines' answers (from their API documentation and a real llama-server).</summary>
public static class EngineShapes
{
    public static string OllamaTags(params string[] names) =>
        "{\"models\":[" + string.Join(",", names.Select(name => $$"""
            {"name":"{{name}}","model":"{{name}}","modified_at":"2025-10-03T23:34:03.409490317-07:00","size":3338801804,
             "digest":"a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
             "details":{"parent_model":"","format":"gguf","family":"gemma3","families":["gemma3"],"parameter_size":"4.3B","quantization_level":"Q4_K_M"} }
            """)) + "]}";

    public static string OllamaPs(params (string Name, long SizeVram, int ContextLength)[] models) =>
        "{\"models\":[" + string.Join(",", models.Select(m => $$"""
            {"name":"{{m.Name}}","model":"{{m.Name}}","size":6591830464,
             "digest":"a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
             "details":{"parent_model":"","format":"gguf","family":"gemma3","families":["gemma3"],"parameter_size":"4.3B","quantization_level":"Q4_K_M"},
             "expires_at":"2025-10-17T16:47:07.93355-07:00","size_vram":{{m.SizeVram}},"context_length":{{m.ContextLength}}}
            """)) + "]}";

    public static string VllmModels(params (string Id, int MaxModelLen)[] models) =>
        "{\"object\":\"list\",\"data\":[" + string.Join(",", models.Select(m => $$"""
            {"id":"{{m.Id}}","object":"model","created":1760000000,"owned_by":"vllm","root":"{{m.Id}}","parent":null,
             "max_model_len":{{m.MaxModelLen}},
             "permission":[{"id":"modelperm-1","object":"model_permission","created":1760000000,"allow_create_engine":false,
               "allow_sampling":true,"allow_logprobs":true,"allow_search_indices":false,"allow_view":true,"allow_fine_tuning":false,
               "organization":"*","group":null,"is_blocking":false}]}
            """)) + "]}";

    public static string VllmMetrics(params (string Model, double Running, double Waiting)[] models) =>
        "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
        + "# TYPE vllm:num_requests_running gauge\n"
        + string.Concat(models.Select(m => $"vllm:num_requests_running{{engine=\"0\",model_name=\"{m.Model}\"}} {m.Running:0.0}\n"))
        + "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
        + "# TYPE vllm:num_requests_waiting gauge\n"
        + string.Concat(models.Select(m => $"vllm:num_requests_waiting{{engine=\"0\",model_name=\"{m.Model}\"}} {m.Waiting:0.0}\n"))
        + "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n"
        + "# TYPE vllm:kv_cache_usage_perc gauge\n"
        + "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"x\"} 1.5e-02\n";

    // As llama-server b11669 answers with --alias tiny -c 2048.
    public static string LlamaCppModels(string alias = "tiny", int nCtx = 2048, int nCtxTrain = 4096) => $$"""
        {"models":[{"name":"{{alias}}","model":"{{alias}}","modified_at":"","size":"","digest":"","type":"model","description":"","tags":[""],
          "capabilities":["completion"],"parameters":"","details":{"parent_model":"","format":"gguf","family":"","families":[""],"parameter_size":"","quantization_level":""} }],
         "object":"list",
         "data":[{"id":"{{alias}}","aliases":["{{alias}}"],"tags":[],"object":"model","architecture":{"input_modalities":["text"],"output_modalities":["text"]},
          "created":1795773726,"owned_by":"llamacpp",
          "meta":{"vocab_type":1,"n_vocab":1291,"n_ctx":{{nCtx}},"n_ctx_train":{{nCtxTrain}},"n_embd":128,"n_params":757120,"size":3028480,"ftype":"all F32"} }]}
        """;

    public static string LlamaCppProps(int nCtx, int totalSlots, string alias = "tiny") => $$"""
        {"default_generation_settings":{"params":{"seed":4294967295,"temperature":0.800000011920929,"top_k":40,"n_predict":-1,"samplers":["top_k","temperature"]},"n_ctx":{{nCtx}}},
         "total_slots":{{totalSlots}},"model_alias":"{{alias}}","model_path":"/work/tiny.gguf","modalities":{"vision":false,"audio":false},
         "endpoint_slots":true,"endpoint_props":false,"endpoint_metrics":true,"build_info":"b11669-Debian","is_sleeping":false}
        """;

    public static string LlamaCppSlots(int nCtx, params bool[] processing) =>
        "[" + string.Join(",", processing.Select((busy, i) => $$"""{"id":{{i}},"n_ctx":{{nCtx}},"speculative":false,"is_processing":{{(busy ? "true" : "false")}}}""")) + "]";

    public static string LlamaCppMetrics(int processing, int deferred) => $"""
        # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed, excluding cached tokens
        # TYPE llamacpp:prompt_tokens_total counter
        llamacpp:prompt_tokens_total 1.2e+03
        # HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s
        # TYPE llamacpp:predicted_tokens_seconds gauge
        llamacpp:predicted_tokens_seconds 41.5
        # HELP llamacpp:requests_processing Number of requests processing
        # TYPE llamacpp:requests_processing gauge
        llamacpp:requests_processing {processing}
        # HELP llamacpp:requests_deferred Number of requests deferred
        # TYPE llamacpp:requests_deferred gauge
        llamacpp:requests_deferred {deferred}

        """;

    public const string LlamaCppNotSupported501Slots =
        "{\"error\":{\"code\":501,\"message\":\"This server does not support slots endpoint. Start it with `--slots`\",\"type\":\"not_supported_error\"}}";

    public const string LlamaCppNotSupported501Metrics =
        "{\"error\":{\"code\":501,\"message\":\"This server does not support metrics endpoint. Start it with `--metrics`\",\"type\":\"not_supported_error\"}}";

    public const string LlamaCppLoading503 = "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}";

    public const string HealthOk = "{\"status\":\"ok\"}";

    /// <summary>A llama.cpp engine state with every endpoint answering.</summary>
    public static FakeEngineState LlamaCpp(int processing = 0, int deferred = 0)
    {
        var state = new FakeEngineState();
        state.Set("/health", HealthOk);
        state.Set("/v1/models", LlamaCppModels());
        state.Set("/props", LlamaCppProps(nCtx: 2048, totalSlots: 4));
        state.Set("/slots", LlamaCppSlots(2048, false, false, false, false));
        state.Set("/metrics", LlamaCppMetrics(processing, deferred), contentType: "text/plain; version=0.0.4");
        return state;
    }

    public static FakeEngineState Ollama((string[] Tags, (string Name, long SizeVram, int ContextLength)[] Ps) models)
    {
        var state = new FakeEngineState();
        state.Set("/", "Ollama is running", contentType: "text/plain");
        state.Set("/api/tags", OllamaTags(models.Tags));
        state.Set("/api/ps", OllamaPs(models.Ps));
        return state;
    }

    public static FakeEngineState Vllm()
    {
        var state = new FakeEngineState();
        state.Set("/health", "", contentType: "text/plain");
        state.Set("/v1/models", VllmModels(("Qwen/Qwen3-0.6B", 40960)));
        state.Set("/metrics", VllmMetrics(("Qwen/Qwen3-0.6B", 3, 2)), contentType: "text/plain; version=0.0.4");
        return state;
    }
}
