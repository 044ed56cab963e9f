using CsCheck;
using GenieHive.Contracts;
using GenieHive.Tests.Compat;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Fuzz;

/// <summary>Which service of the <see cref="FuzzCluster"/> a family of endpoints belongs to.</summary>
internal enum FuzzService
{
    Facade,
    Control,
    NodeAgent,
    Simulator,
}

/// <summary>
/// One family of endpoints under fuzzing: where it lives, what requests it gets, the error shape its 4xx must have and
/// the 5xx it may answer (the facade's documented upstream ones). Adding an endpoint family is adding one entry to
/// <see cref="EndpointFamilies.All"/>.
/// </summary>
internal sealed record EndpointFamily(
    string Name,
    FuzzService Service,
    Gen<FuzzRequest> Requests,
    Func<int, byte[], string?> ErrorShape,
    int[] AllowedServerErrors)
{
    public override string ToString() => Name;
}

internal static class EndpointFamilies
{
    private static readonly int[] UpstreamErrors = [502, 503, 504];

    private static readonly Gen<string> Message = Gen.Select(
        Gen.OneOf("user", "system", "assistant", "tool", "developer", "").Select(JsonFragments.Quote),
        Gen.Frequency((4, JsonFragments.String), (1, JsonFragments.Value(2))),
        (role, content) => "{\"role\":" + role + ",\"content\":" + content + "}");

    private static readonly Gen<string> Messages = JsonFragments.Array(Message, 4);

    private static readonly FieldSpec[] ChatFields =
    [
        new("model", ClusterValues.Model, ClusterValues.Served(SimulatedCluster.ChatModel, SimulatedCluster.ChatRole)),
        new("messages", Messages, ClusterValues.CleanMessages),
        new("stream", Gen.OneOf("true", "false"), Gen.OneOf("true", "false")),
        new("max_tokens", ClusterValues.SmallCount, Gen.Int[1, 16].Select(FuzzRequests.Invariant)),
        new("temperature", JsonFragments.Number, null),
        new("stream_options", Gen.Const("{\"include_usage\":true}"), null),
    ];

    private static readonly FieldSpec[] CompletionFields =
    [
        new("model", ClusterValues.Model, ClusterValues.Served(SimulatedCluster.ChatModel, SimulatedCluster.ChatRole)),
        new("prompt", Gen.Frequency((3, JsonFragments.String), (1, JsonFragments.Array(JsonFragments.String, 3))), ClusterValues.CleanText),
        new("stream", Gen.OneOf("true", "false"), Gen.OneOf("true", "false")),
        new("max_tokens", ClusterValues.SmallCount, Gen.Int[1, 16].Select(FuzzRequests.Invariant)),
    ];

    private static readonly FieldSpec[] EmbeddingFields =
    [
        new("model", ClusterValues.Model, ClusterValues.Served(SimulatedCluster.EmbeddingModel, SimulatedCluster.EmbeddingRole)),
        new("input", Gen.Frequency(
            (3, JsonFragments.String),
            (1, JsonFragments.Array(JsonFragments.String, 4)),
            (1, JsonFragments.Array(JsonFragments.Number, 8))), ClusterValues.CleanText),
        new("encoding_format", Gen.OneOf("\"float\"", "\"base64\"", "\"other\""), null),
        new("dimensions", ClusterValues.SmallCount, null),
    ];

    private static readonly FieldSpec[] MatchFields =
    [
        new("task", JsonFragments.String, ClusterValues.CleanText),
        new("tasks", JsonFragments.Array(JsonFragments.String, 3), null),
        new("kind", Gen.OneOf("\"chat\"", "\"embeddings\"", "\"transcription\"", "\"nope\""), Gen.OneOf("\"chat\"", "\"embeddings\"")),
        new("include_direct_services", Gen.OneOf("true", "false"), null),
        new("limit", Gen.Frequency((4, Gen.Int[0, 50].Select(FuzzRequests.Invariant)), (1, JsonFragments.Number)), Gen.Int[1, 10].Select(FuzzRequests.Invariant)),
    ];

    private static readonly Gen<string> FuzzId = Gen.String[Gen.Char.AlphaNumeric, 1, 10].Select(id => JsonFragments.Quote("fz-" + id));

    private static readonly Gen<string> RegisteredService = Gen.Select(
        FuzzId,
        Gen.OneOf("\"chat\"", "\"embeddings\"", "\"transcription\"", "\"rerank\"", "\"\""),
        Gen.OneOf("\"http://127.0.0.1:9/\"", "\"not a url\"", "\"\"", "\"http://[::1\"", "\"ftp://x\""),
        Gen.Frequency((3, Gen.Int[0, 131072].Select(FuzzRequests.Invariant)), (1, JsonFragments.Number)),
        Gen.OneOf("\"healthy\"", "\"degraded\"", "\"down\"", "\"\"", "null"),
        (id, kind, endpoint, context, health) =>
            "{\"service_id\":" + id + ",\"kind\":" + kind + ",\"protocol\":\"openai\",\"endpoint\":" + endpoint
            + ",\"assets\":[{\"asset_id\":" + id + ",\"loaded\":true,\"context_size\":" + context + "}]"
            + ",\"state\":{\"health\":" + health + ",\"accept_requests\":true},\"observed\":{\"queue_depth\":" + context + "}}");

    private static readonly Gen<string> CleanService = Gen.Select(FuzzId, Gen.OneOf("\"chat\"", "\"embeddings\""), (id, kind) =>
        "{\"service_id\":" + id + ",\"kind\":" + kind + ",\"protocol\":\"openai\",\"endpoint\":\"http://127.0.0.1:9/\""
        + ",\"assets\":[{\"asset_id\":" + id + ",\"loaded\":true,\"context_size\":4096}],\"state\":{\"health\":\"healthy\",\"accept_requests\":true}}");

    private static readonly FieldSpec[] RegistrationFields =
    [
        new("host_id", FuzzId, FuzzId),
        new("display_name", JsonFragments.String, ClusterValues.CleanText),
        new("address", Gen.OneOf("\"127.0.0.1\"", "\"\"", "\"::1\"", "\"999.1.1.1\""), Gen.Const("\"127.0.0.1\"")),
        new("labels", Gen.Const("{\"zone\":\"fuzz\"}"), null),
        new("services", JsonFragments.Array(RegisteredService, 3), JsonFragments.Array(CleanService, 2)),
    ];

    private static readonly FieldSpec[] HeartbeatFields =
    [
        // A clean heartbeat is the agent's own (a host that exists), without services, so it never changes what routes.
        new("host_id", FuzzId, Gen.Const("\"fuzz-agent\"")),
        new("status", Gen.OneOf("{\"state\":\"online\"}", "{\"state\":\"draining\"}", "{}"), Gen.Const("{\"state\":\"online\"}")),
        new("metrics", Gen.OneOf("{\"queue_depth\":1}", "{}", "{\"x\":[1,2]}"), Gen.Const("{\"queue_depth\":1}")),
        new("services", JsonFragments.Array(RegisteredService, 2), null),
    ];

    private static readonly FieldSpec[] ObservationFields =
    [
        new("reporter_id", JsonFragments.String, ClusterValues.CleanText),
        new("services", Gen.Select(FuzzId, JsonFragments.Number, (id, n) => "[{\"service_id\":" + id + ",\"requests\":" + n + ",\"errors\":" + n + ",\"p50_latency_ms\":" + n + "}]"),
            Gen.Select(FuzzId, Gen.Int[0, 100], (id, n) => "[{\"service_id\":" + id + ",\"requests\":" + n + ",\"errors\":0,\"p50_latency_ms\":" + n + "}]")),
    ];

    private static readonly FieldSpec[] BenchmarkIngestFields =
    [
        new("samples", Gen.Select(FuzzId, JsonFragments.Number, JsonFragments.String, (id, n, workload) =>
            "[{\"benchmark_id\":" + id + ",\"service_id\":" + id + ",\"workload\":" + workload + ",\"observed_at\":" + n + ",\"results\":{\"tokens_per_sec\":" + n + "}}]"),
            Gen.Select(FuzzId, Gen.Int[1, 100], (id, n) =>
                "[{\"benchmark_id\":" + id + ",\"service_id\":" + id + ",\"workload\":\"chat-short\",\"observed_at\":1700000000,\"results\":{\"tokens_per_sec\":" + n + "}}]")),
    ];

    private static readonly Gen<string> Document = Gen.Frequency(
        (4, JsonFragments.String),
        (1, JsonFragments.String.Select(t => "{\"text\":" + t + "}")),
        (1, JsonFragments.Value(2)));

    private static readonly FieldSpec[] RerankFields =
    [
        new("model", ClusterValues.RerankModel, ClusterValues.Served(FuzzCluster.RerankModel)),
        new("query", JsonFragments.String, ClusterValues.CleanText),
        new("documents", JsonFragments.Array(Document, 5), ClusterValues.CleanText.Array[1, 4].Select(a => "[" + string.Join(",", a) + "]")),
        new("top_n", ClusterValues.SmallCount, null),
        new("return_documents", Gen.OneOf("true", "false", "\"yes\""), null),
    ];

    private static readonly Gen<string> Scope = Gen.Frequency(
        (4, Gen.OneOf("inference", "operator.read", "operator.write", "admin", "Admin", "").Select(JsonFragments.Quote)),
        (1, JsonFragments.String));

    private static readonly FieldSpec[] KeyFields =
    [
        new("name", JsonFragments.String, ClusterValues.CleanText),
        new("scopes", JsonFragments.Array(Scope, 4), Gen.OneOf("[\"inference\"]", "[\"operator.read\",\"inference\"]")),
        new("models", JsonFragments.Array(Gen.Frequency((3, Gen.OneOf("\"sim-*\"", "\"*\"", "\"mentor\"", "\"?\"", "\"\"")), (1, JsonFragments.String)), 4), null),
        new("requests_per_minute", JsonFragments.Number, null),
        new("tokens_per_minute", JsonFragments.Number, null),
        new("monthly_token_limit", JsonFragments.Number, null),
    ];

    /// <summary>A key id: the right form (16 lowercase hex digits, none of them a key here), another form, or path garbage.</summary>
    private static readonly Gen<string> KeyId = Gen.Frequency(
        (3, Gen.String[Gen.Char["0123456789abcdef"], 16, 16]),
        (1, Gen.String[Gen.Char.AlphaNumeric, 1, 20]),
        (1, Gen.OneOf("%00", "%ff", "..", "a%2Fb", "0123456789ABCDEF", "%20", new string('k', 3000))));

    /// <summary>
    /// A key watch query that is answered at once (a version the table is past, no wait, or a refusal): a version ahead
    /// of the table would hold each case for the whole wait.
    /// </summary>
    private static readonly Gen<string> KeyWatchQuery = Gen.Select(
        Gen.OneOf("-1", "", "abc", "1e400", "99999999999999999999", "%00", "1.5"),
        Gen.OneOf("0", "-1", "x", "1.5", "2147483648", "NaN"),
        (after, wait) => "?after=" + after + "&wait=" + wait);

    /// <summary>Every family, by service.</summary>
    public static readonly EndpointFamily[] All =
    [
        Json("facade.chat", FuzzService.Facade, "/v1/chat/completions", ChatFields, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Json("facade.completions", FuzzService.Facade, "/v1/completions", CompletionFields, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Json("facade.embeddings", FuzzService.Facade, "/v1/embeddings", EmbeddingFields, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Upload("facade.transcriptions", FuzzService.Facade, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Gets("facade.models", FuzzService.Facade, FacadeKey, ErrorShapes.OpenAi, ["/v1/models", "/v1/models/sim-chat", "/v1/models/%ff", "/v1/models/a/b/c", "/v1/models/" + new string('m', 3000)], "id"),
        Gets("facade.cluster", FuzzService.Facade, FacadeKey, ErrorShapes.Relayed,
            ["/v1/cluster/routes/resolve", "/v1/cluster/hosts", "/v1/cluster/services", "/v1/cluster/health"],
            "model", "kind", "after", "limit"),
        Json("facade.cluster.match", FuzzService.Facade, "/v1/cluster/routes/match", MatchFields, FacadeKey, ErrorShapes.Relayed, []),
        Gets("control.operator", FuzzService.Control, ControlKey, ErrorShapes.ProblemDetails,
            ["/v1/cluster/routes/resolve", "/v1/cluster/hosts", "/v1/cluster/services", "/v1/cluster/roles", "/v1/cluster/benchmarks",
             "/v1/cluster/health", "/v1/cluster/benchmarks/runs", "/v1/cluster/benchmarks/runs/nope", "/v1/cluster/benchmarks/workloads",
             "/v1/cluster/benchmarks/schedule"],
            "model", "kind", "limit", "service_id"),
        Json("control.operator.match", FuzzService.Control, "/v1/cluster/routes/match", MatchFields, ControlKey, ErrorShapes.ProblemDetails, []),
        Json("control.operator.observations", FuzzService.Control, "/v1/cluster/observations", ObservationFields, ControlKey, ErrorShapes.ProblemDetails, []),
        Json("control.operator.benchmarks", FuzzService.Control, "/v1/cluster/benchmarks", BenchmarkIngestFields, ControlKey, ErrorShapes.ProblemDetails, []),
        Json("control.nodes.register", FuzzService.Control, "/v1/nodes/register", RegistrationFields, NodeKey, ErrorShapes.ProblemDetails, []),
        Json("control.nodes.heartbeat", FuzzService.Control, "/v1/nodes/heartbeat", HeartbeatFields, NodeKey, ErrorShapes.ProblemDetails, []),
        Gets("agent.node", FuzzService.NodeAgent, NoKey, ErrorShapes.ProblemDetails,
            ["/v1/node/inventory", "/v1/node/registration", "/v1/node/status"], "x"),
        Json("simulator.chat", FuzzService.Simulator, "/v1/chat/completions", ChatFields, NoKey, ErrorShapes.OpenAi, []),
        Json("simulator.completions", FuzzService.Simulator, "/v1/completions", CompletionFields, NoKey, ErrorShapes.OpenAi, []),
        Json("simulator.embeddings", FuzzService.Simulator, "/v1/embeddings", EmbeddingFields, NoKey, ErrorShapes.OpenAi, []),
        Upload("simulator.transcriptions", FuzzService.Simulator, NoKey, ErrorShapes.OpenAi, []),
        Json("simulator.rerank", FuzzService.Simulator, "/v1/rerank", RerankFields, NoKey, ErrorShapes.OpenAi, []),
        Gets("control.admin.audit", FuzzService.Control, ControlKey, ErrorShapes.ProblemDetails, ["/v1/admin/audit"],
            "since", "before", "limit", "status", "key_id", "model", "until", "cursor"),
        Json("facade.messages", FuzzService.Facade, "/v1/messages", TranslatedApiFields.Messages, AnthropicKey, ErrorShapes.Anthropic, UpstreamErrors),
        Json("facade.responses", FuzzService.Facade, "/v1/responses", TranslatedApiFields.Responses, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Json("facade.rerank", FuzzService.Facade, "/v1/rerank", RerankFields, FacadeKey, ErrorShapes.OpenAi, UpstreamErrors),
        Gets("facade.console", FuzzService.Facade, FacadeKey, ErrorShapes.OpenAi, ["/v1/console/requests", "/v1/console/scoring", "/v1/console/speeds"], "after", "limit"),
        Json("facade.admin.keys", FuzzService.Facade, "/v1/admin/keys", KeyFields, FacadeKey, ErrorShapes.Relayed, []),
        Json("control.admin.keys", FuzzService.Control, "/v1/admin/keys", KeyFields, ControlKey, ErrorShapes.ProblemDetails, []),
        KeyActions("control.admin.keys.actions", FuzzService.Control, ControlKey, ErrorShapes.ProblemDetails),
        Gets("simulator.engine", FuzzService.Simulator, NoKey, ErrorShapes.OpenAi, ["/slots", "/metrics", "/props", "/v1/models", "/api/tags", "/api/ps", "/health"], "model", "fail_on_no_slot"),
    ];

    private static (string, string)? FacadeKey => ("Authorization", "Bearer " + TestCluster.ClientKey);

    /// <summary>The key as Anthropic's SDKs send it.</summary>
    private static (string, string)? AnthropicKey => ("x-api-key", TestCluster.ClientKey);

    private static (string, string)? ControlKey => (GenieHiveHeaders.ApiKey, TestCluster.ClientKey);

    private static (string, string)? NodeKey => (GenieHiveHeaders.NodeKey, TestCluster.NodeKey);

    private static (string, string)? NoKey => null;

    /// <summary>The key as hostile requests send it: mostly right, sometimes missing, wrong or oversized.</summary>
    private static Gen<(string, string)[]> Keys((string Header, string Value)? key) =>
        key is { } k ? FuzzRequests.Key(k.Header, k.Value) : Gen.Const(Array.Empty<(string, string)>());

    private static (string, string)[] Right((string, string)? key) => key is { } k ? [k] : [];

    /// <summary>A JSON POST endpoint: one request in four as a well-behaved client sends it, the rest hostile.</summary>
    private static EndpointFamily Json(string name, FuzzService service, string path, FieldSpec[] fields, (string, string)? key, Func<int, byte[], string?> shape, int[] allowed)
    {
        var hostile = Gen.Select(FuzzBodies.For(fields), FuzzRequests.JsonContentType, Keys(key), FuzzRequests.Headers, FuzzRequests.Query("x"),
            (body, contentType, auth, headers, query) => new FuzzRequest("POST", path + query, contentType, body, [.. auth, .. headers]));
        var clean = FuzzBodies.Clean(fields).Select(body => new FuzzRequest("POST", path, "application/json", JsonFragments.Utf8(body), Right(key)));
        return new(name, service, Gen.Frequency((1, clean), (3, hostile)), shape, allowed);
    }

    private static EndpointFamily Upload(string name, FuzzService service, (string, string)? key, Func<int, byte[], string?> shape, int[] allowed) =>
        new(name, service, Gen.Select(FuzzRequests.Multipart(ClusterValues.Model.Select(m => m.Trim('"'))), Keys(key), FuzzRequests.Headers,
            (upload, auth, headers) => new FuzzRequest("POST", "/v1/audio/transcriptions", upload.ContentType, upload.Body, [.. auth, .. headers])), shape, allowed);

    /// <summary>The key admin's other requests: the list, the watch, and disable, enable, rotate and delete of a key id.</summary>
    private static EndpointFamily KeyActions(string name, FuzzService service, (string, string)? key, Func<int, byte[], string?> shape)
    {
        var requests = Gen.Frequency(
            (2, FuzzRequests.Query("x").Select(query => ("GET", "/v1/admin/keys" + query))),
            (2, KeyWatchQuery.Select(query => ("GET", "/v1/admin/keys/watch" + query))),
            (3, Gen.Select(Gen.OneOf("disable", "enable", "rotate", "nope"), KeyId, (action, id) => ("POST", "/v1/admin/keys/" + id + "/" + action))),
            (1, KeyId.Select(id => ("DELETE", "/v1/admin/keys/" + id))));
        return new(name, service, Gen.Select(requests, Keys(key), FuzzRequests.Headers,
            (request, auth, headers) => new FuzzRequest(request.Item1, request.Item2, null, null, [.. auth, .. headers])), shape, []);
    }

    private static EndpointFamily Gets(string name, FuzzService service, (string, string)? key, Func<int, byte[], string?> shape, string[] paths, params string[] parameters) =>
        new(name, service, Gen.Select(Gen.OneOf(paths), FuzzRequests.Query(parameters), Keys(key), FuzzRequests.Headers,
            (path, query, auth, headers) => new FuzzRequest("GET", path + query, null, null, [.. auth, .. headers])), shape, []);
}
