using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>
/// Issue 6, bad input: a table of malformed, mistyped, oversized and misdirected requests sent to every endpoint
/// of Control (node and operator API), the facade (OpenAI API and the re-exposed operator API) and a node agent.
/// Each must get its own 4xx in its own error shape: never a 500, never an exception's name or a stack trace.
/// </summary>
public sealed partial class BadInputSweepTests(ITestOutputHelper output)
{
    private const int Limit = 1024 * 1024;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(15);
    private static readonly string TwoMegabytes = new('x', 2 * 1024 * 1024);
    private static readonly string DeepNesting = new string('[', 10_000) + new string(']', 10_000);

    private enum Target
    {
        Control,
        Facade,
        Agent,
    }

    private enum Shape
    {
        /// <summary>A success, or nothing to check.</summary>
        None,

        /// <summary>RFC 9457 ProblemDetails (Control, node agent).</summary>
        Problem,

        /// <summary>OpenAI's <c>{"error":{...}}</c> (the facade's own answers).</summary>
        OpenAi,

        /// <summary>Either: the facade relays Control's ProblemDetails as they are, and answers its own checks in OpenAI's shape.</summary>
        Either,
    }

    private sealed record Case(string Label, Target Target, HttpMethod Method, string Path, Func<HttpContent>? Body, int Expected, Shape Shape)
    {
        public Dictionary<string, string> Headers { get; init; } = [];
    }

    /// <summary>A JSON POST endpoint and how to break its body.</summary>
    private sealed record Endpoint(Target Target, string Path, Shape Shape, JsonObject Valid, string StringField, string ArrayField)
    {
        /// <summary>The answer to <c>{}</c> (some endpoints have no required field).</summary>
        public int EmptyObject { get; init; } = 400;

        /// <summary>The answer to a 300,000-character value in <see cref="StringField"/>, under the body limit; 0 skips it.</summary>
        public int LongString { get; init; } = 400;

        /// <summary>The answer to a string in <see cref="ArrayField"/> (OpenAI takes a string or an array for <c>prompt</c> and <c>input</c>).</summary>
        public int StringForArray { get; init; } = 400;

        public Dictionary<string, string> Headers { get; init; } = [];
    }

    [Fact]
    public async Task EveryEndpointAnswersBadInputWithItsOwn4xxInItsOwnShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            FacadeSettings = new Dictionary<string, string?>
            {
                ["GenieHive:Limits:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GenieHive:Limits:MaxTranscriptionBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });
        var engine = cluster.StartSimulator("a", "hive-chat", ("EmbeddingModels:0", "hive-embed"));
        var agent = await cluster.StartAgentAsync("host-a",
            new ServiceSpec("chat-a", engine.BaseAddress, "hive-chat"),
            new ServiceSpec("embed-a", engine.BaseAddress, "hive-embed") { Kind = "embeddings" });
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a");

        var cases = Cases();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var slowest = (Took: TimeSpan.Zero, Case: "");
        using var control = cluster.Control.App.NewClient();
        using var facade = cluster.Facade.App.NewClient();
        using var node = agent.App.NewClient();
        foreach (var item in cases)
        {
            using var request = new HttpRequestMessage(item.Method, item.Path) { Content = item.Body?.Invoke() };
            var headers = item.Target switch
            {
                Target.Control when item.Path.StartsWith("/v1/nodes", StringComparison.Ordinal) => new Dictionary<string, string> { ["X-GenieHive-Node-Key"] = TestCluster.NodeKey },
                Target.Agent => [],
                _ => new Dictionary<string, string> { ["X-Api-Key"] = TestCluster.ClientKey },
            };
            foreach (var (name, value) in headers.Concat(item.Headers))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            // A server may answer a large body with 413 before reading it, and close: the client asks first, as curl does.
            request.Headers.ExpectContinue = request.Content?.Headers.ContentLength > 64 * 1024;
            var client = item.Target switch { Target.Control => control, Target.Facade => facade, _ => node };
            HttpResponseMessage response;
            string body;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(PerRequest);
            try
            {
                response = await client.SendAsync(request, bound.Token);
                body = await response.Content.ReadAsStringAsync(bound.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                failures.Add($"{item.Target} {item.Method} {item.Path} [{item.Label}]: no answer within {PerRequest.TotalSeconds:F0} s ({ex.GetType().Name}: {ex.Message})");
                continue;
            }

            using var _ = response;
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            slowest = took > slowest.Took ? (took, $"{item.Target} {item.Method} {item.Path} [{item.Label}]") : slowest;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (Check(item, status, response.Content.Headers.ContentType?.MediaType, body) is { } problem)
            {
                failures.Add($"{item.Target} {item.Method} {item.Path} [{item.Label}]: {problem}; body: {Shorten(body)}");
            }
        }

        output.WriteLine($"Bad-input sweep: {cases.Count} inputs tried over {cases.Select(c => (c.Target, c.Path.Split('?')[0])).Distinct().Count()} endpoints; "
            + "answers " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))
            + $"; slowest {slowest.Took.TotalMilliseconds:F0} ms ({slowest.Case}).");
        foreach (var failure in failures)
        {
            output.WriteLine("FAIL " + failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} inputs were answered wrongly:\n" + string.Join('\n', failures));
    }

    private static List<Case> Cases()
    {
        var cases = new List<Case>();
        Endpoint[] endpoints =
        [
            new(Target.Control, "/v1/nodes/register", Shape.Problem,
                Obj("""{"host_id":"sweep-host","address":"127.0.0.1","services":[{"service_id":"sweep-chat","kind":"chat","endpoint":"http://127.0.0.1:9"}]}"""),
                "host_id", "services"),
            new(Target.Control, "/v1/nodes/heartbeat", Shape.Problem, Obj("""{"host_id":"host-a","services":[]}"""), "host_id", "services"),
            new(Target.Control, "/v1/cluster/routes/match", Shape.Problem, Obj("""{"task":"write code","tasks":["review"],"limit":5}"""), "task", "tasks")
            {
                EmptyObject = 200,
                LongString = 0,
            },
            new(Target.Control, "/v1/cluster/benchmarks", Shape.Problem,
                Obj("""{"samples":[{"benchmark_id":"b1","service_id":"chat-a","workload":"coding","observed_at":1,"results":{"pass_rate":0.5}}]}"""),
                "samples.0.benchmark_id", "samples"),
            new(Target.Control, "/v1/cluster/observations", Shape.Problem, Obj("""{"reporter_id":"sweep-facade","services":[]}"""), "reporter_id", "services"),
            new(Target.Facade, "/v1/chat/completions", Shape.OpenAi, Obj("""{"model":"hive-chat","messages":[{"role":"user","content":"hi"}]}"""), "model", "messages")
            {
                LongString = 404,
            },
            // prompt and input take a string as well as an array; any other type is refused by the facade itself.
            new(Target.Facade, "/v1/completions", Shape.OpenAi, Obj("""{"model":"hive-chat","prompt":["hi"],"max_tokens":4}"""), "model", "prompt")
            {
                LongString = 404,
                StringForArray = 200,
            },
            new(Target.Facade, "/v1/embeddings", Shape.OpenAi, Obj("""{"model":"hive-embed","input":["hi"]}"""), "model", "input")
            {
                LongString = 404,
                StringForArray = 200,
            },
            new(Target.Facade, "/v1/cluster/routes/match", Shape.Either, Obj("""{"task":"write code","tasks":["review"],"limit":5}"""), "task", "tasks")
            {
                EmptyObject = 200,
                LongString = 0,
            },
            new(Target.Facade, "/v1/cluster/benchmarks", Shape.Either,
                Obj("""{"samples":[{"benchmark_id":"b1","service_id":"chat-a","workload":"coding","observed_at":1,"results":{"pass_rate":0.5}}]}"""),
                "samples.0.benchmark_id", "samples"),
        ];

        foreach (var e in endpoints)
        {
            var valid = e.Valid.ToJsonString();
            void Add(string label, Func<HttpContent> body, int expected) =>
                cases.Add(new Case(label, e.Target, HttpMethod.Post, e.Path, body, expected, expected < 300 ? Shape.None : e.Shape) { Headers = e.Headers });

            Add("malformed JSON", () => Json("""{"model": , }"""), 400);
            Add("truncated JSON", () => Json(valid[..(valid.Length / 2)]), 400);
            Add("number for a string", () => Json(With(e.Valid, e.StringField, 42)), 400);
            Add("object for an array", () => Json(With(e.Valid, e.ArrayField, new JsonObject())), 400);
            Add("string for an array", () => Json(With(e.Valid, e.ArrayField, "nope")), e.StringForArray);
            Add("2 MB string value", () => Json(With(e.Valid, e.StringField, TwoMegabytes)), 413);
            if (e.LongString != 0)
            {
                Add("300,000-character string under the limit", () => Json(With(e.Valid, e.StringField, new string('y', 300_000))), e.LongString);
            }

            Add("10,000 nested arrays", () => Json(With(e.Valid, e.ArrayField, "__DEEP__").Replace("\"__DEEP__\"", DeepNesting, StringComparison.Ordinal)), 400);
            Add("oversized body (valid JSON padded to 2 MB)", () => Json(valid + new string(' ', 2 * 1024 * 1024)), 413);
            Add("text/plain", () => Json(valid, "text/plain"), 415);
            Add("no content type", () => new ByteArrayContent(Encoding.UTF8.GetBytes(valid)), 415);
            Add("form content type", () => Json("a=b", "application/x-www-form-urlencoded"), 415);
            Add("empty body", () => Json(""), 400);
            Add("JSON null", () => Json("null"), 400);
            Add("JSON array", () => Json("[]"), 400);
            Add("JSON string", () => Json("\"hello\""), 400);
            Add("JSON number", () => Json("12"), 400);
            Add("empty object", () => Json("{}"), e.EmptyObject);
            Add("trailing garbage", () => Json(valid + " garbage"), 400);
            Add("two objects", () => Json(valid + valid), 400);
            Add("invalid UTF-8", () => Bytes(Encoding.UTF8.GetBytes(With(e.Valid, e.StringField, "__BAD__")), "__BAD__"u8.ToArray(), [0xC3, 0x28]), 400);
            Add("unterminated string", () => Json("{\"" + e.StringField.Split('.')[0] + "\":\"abc"), 400);
            Add("single quotes", () => Json(valid.Replace('"', '\'')), 400);
            Add("comment", () => Json("/* hi */" + valid), 400);
            Add("NaN literal", () => Json(With(e.Valid, e.StringField, "__NAN__").Replace("\"__NAN__\"", "NaN", StringComparison.Ordinal)), 400);
        }

        // Control, specific outcomes.
        cases.Add(Post(Target.Control, "/v1/nodes/heartbeat", """{"host_id":"never-registered"}""", 404, Shape.Problem, "heartbeat for an unknown host"));
        cases.Add(Post(Target.Control, "/v1/nodes/register",
            """{"host_id":"sweep-thief","address":"127.0.0.1","services":[{"service_id":"chat-a","kind":"chat","endpoint":"http://127.0.0.1:9"}]}""",
            409, Shape.Problem, "a service id another live host owns"));
        cases.Add(Post(Target.Control, "/v1/nodes/register",
            """{"host_id":"sweep-twins","address":"127.0.0.1","services":[{"service_id":"twin","kind":"chat","endpoint":"http://127.0.0.1:9"},{"service_id":"twin","kind":"chat","endpoint":"http://127.0.0.1:9"}]}""",
            400, Shape.Problem, "the same service id twice"));
        cases.Add(Post(Target.Control, "/v1/nodes/register",
            """{"host_id":"sweep-kind","address":"127.0.0.1","services":[{"service_id":"k","kind":"painting","endpoint":"http://127.0.0.1:9"}]}""",
            400, Shape.Problem, "an unknown kind"));
        cases.Add(Post(Target.Control, "/v1/nodes/register",
            """{"host_id":"sweep-url","address":"127.0.0.1","services":[{"service_id":"u","kind":"chat","endpoint":"not a url"}]}""",
            400, Shape.Problem, "an endpoint that is not a URL"));
        cases.Add(Post(Target.Control, "/v1/nodes/register", """{"host_id":"","address":"127.0.0.1"}""", 400, Shape.Problem, "an empty host id"));
        cases.Add(Post(Target.Control, "/v1/nodes/register", """{"address":"127.0.0.1"}""", 400, Shape.Problem, "a missing host id"));
        cases.Add(Post(Target.Control, "/v1/nodes/register", """{"host_id":"x","address":"127.0.0.1","services":[null]}""", 400, Shape.Problem, "a null service"));
        cases.Add(Post(Target.Control, "/v1/nodes/heartbeat", """{"host_id":"host-a","status":{"state":42}}""", 400, Shape.Problem, "a number for status.state"));
        cases.Add(Post(Target.Control, "/v1/cluster/routes/match", """{"limit":0}""", 400, Shape.Problem, "limit 0"));
        cases.Add(Post(Target.Control, "/v1/cluster/routes/match", """{"limit":101}""", 400, Shape.Problem, "limit 101"));
        cases.Add(Post(Target.Control, "/v1/cluster/routes/match", """{"limit":1e40}""", 400, Shape.Problem, "limit out of int range"));
        cases.Add(Post(Target.Control, "/v1/cluster/routes/match", """{"kind":"painting"}""", 400, Shape.Problem, "an unknown kind"));
        cases.Add(Post(Target.Control, "/v1/cluster/routes/match", """{"tasks":[null]}""", 400, Shape.Problem, "a null task"));
        cases.Add(Post(Target.Control, "/v1/cluster/benchmarks", """{"samples":[{"benchmark_id":"b","service_id":"s","workload":"w","observed_at":1}]}""", 200, Shape.None, "results left out"));
        cases.Add(Post(Target.Control, "/v1/cluster/benchmarks", """{"samples":[null]}""", 400, Shape.Problem, "a null sample"));
        cases.Add(Post(Target.Control, "/v1/cluster/observations", """{"reporter_id":"f","services":[{"service_id":"chat-a","requests":-1}]}""", 400, Shape.Problem, "negative requests"));
        cases.Add(Get(Target.Control, "/v1/cluster/routes/resolve", 400, Shape.Problem, "resolve without model"));
        cases.Add(Get(Target.Control, "/v1/cluster/routes/resolve?model=", 400, Shape.Problem, "resolve with an empty model"));
        cases.Add(Get(Target.Control, "/v1/cluster/routes/resolve?model=hive-chat&kind=painting", 400, Shape.Problem, "resolve with an unknown kind"));
        cases.Add(Get(Target.Control, "/v1/cluster/routes/resolve?model=no-such-model", 404, Shape.Problem, "resolve an unknown model"));
        cases.Add(Get(Target.Control, "/v1/cluster/routing-table?after=abc", 400, Shape.Problem, "a non-numeric version"));
        cases.Add(Get(Target.Control, "/v1/cluster/routing-table?after=1&wait=-1", 400, Shape.Problem, "a negative wait"));
        cases.Add(Get(Target.Control, "/v1/cluster/routing-table?after=99999999999999999999", 400, Shape.Problem, "a version out of range"));
        cases.Add(Get(Target.Control, "/v1/cluster/benchmarks?service_id=" + new string('s', 4000), 200, Shape.None, "a long filter"));
        cases.Add(Get(Target.Control, "/v1/cluster/no-such-thing", 404, Shape.Problem, "an unknown operator path"));
        cases.Add(Get(Target.Control, "/v1/nodes/register", 405, Shape.Problem, "GET on a POST endpoint"));
        cases.Add(new Case("DELETE on a GET endpoint", Target.Control, HttpMethod.Delete, "/v1/cluster/hosts", null, 405, Shape.Problem));
        foreach (var path in new[] { "/v1/cluster/hosts", "/v1/cluster/services", "/v1/cluster/roles", "/v1/cluster/health", "/v1/cluster/benchmarks", "/v1/cluster/routing-table" })
        {
            cases.Add(Get(Target.Control, path + "?unexpected=%ZZ&x=" + new string('q', 2000), 200, Shape.None, "junk query"));
        }

        // The facade, specific outcomes.
        cases.Add(Post(Target.Facade, "/v1/chat/completions", """{"model":"no-such-model","messages":[]}""", 404, Shape.OpenAi, "an unknown model"));
        cases.Add(Post(Target.Facade, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""", 400, Shape.OpenAi, "model missing"));
        cases.Add(Post(Target.Facade, "/v1/chat/completions", """{"model":null,"messages":[]}""", 400, Shape.OpenAi, "model null"));
        cases.Add(Post(Target.Facade, "/v1/chat/completions", """{"model":"hive-chat","model":"hive-chat","messages":[]}""", 400, Shape.OpenAi, "model twice"));
        cases.Add(Post(Target.Facade, "/v1/chat/completions", """{"model":"hive-chat"}""", 400, Shape.OpenAi, "messages missing"));
        cases.Add(Post(Target.Facade, "/v1/completions", """{"model":"hive-chat"}""", 400, Shape.OpenAi, "prompt missing"));
        cases.Add(Post(Target.Facade, "/v1/embeddings", """{"model":"hive-embed"}""", 400, Shape.OpenAi, "input missing"));
        cases.Add(Post(Target.Facade, "/v1/embeddings", """{"model":"hive-chat","input":"hi"}""", 404, Shape.OpenAi, "a chat model for embeddings"));
        cases.Add(new Case("JSON to the upload endpoint", Target.Facade, HttpMethod.Post, "/v1/audio/transcriptions", () => Json("""{"model":"whisper"}"""), 415, Shape.OpenAi));
        cases.Add(new Case("upload without a file", Target.Facade, HttpMethod.Post, "/v1/audio/transcriptions", () => Form(("model", "whisper")), 400, Shape.OpenAi));
        cases.Add(new Case("upload without a model", Target.Facade, HttpMethod.Post, "/v1/audio/transcriptions", () => Form(("language", "en")), 400, Shape.OpenAi));
        cases.Add(new Case("upload over the limit", Target.Facade, HttpMethod.Post, "/v1/audio/transcriptions",
            () => Form(("model", "whisper"), ("file", TwoMegabytes)), 413, Shape.OpenAi));
        cases.Add(new Case("truncated multipart", Target.Facade, HttpMethod.Post, "/v1/audio/transcriptions",
            () => Bytes("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhis"u8.ToArray(), "multipart/form-data; boundary=b"), 400, Shape.OpenAi));
        cases.Add(Get(Target.Facade, "/v1/models/no-such-model", 404, Shape.OpenAi, "an unknown model id"));
        cases.Add(Get(Target.Facade, "/v1/no-such-endpoint", 404, Shape.OpenAi, "an unknown endpoint"));
        cases.Add(Get(Target.Facade, "/v1/chat/completions", 404, Shape.OpenAi, "GET on the chat endpoint"));
        cases.Add(Get(Target.Facade, "/v1/cluster/routes/resolve", 400, Shape.Either, "resolve without model"));
        cases.Add(Get(Target.Facade, "/v1/cluster/routes/resolve?model=hive-chat&kind=painting", 400, Shape.Either, "resolve with an unknown kind"));
        cases.Add(Get(Target.Facade, "/v1/cluster/routes/resolve?model=no-such-model", 404, Shape.Either, "resolve an unknown model"));
        cases.Add(Post(Target.Facade, "/v1/cluster/routes/match", """{"limit":0}""", 400, Shape.Either, "limit 0"));
        cases.Add(Post(Target.Facade, "/v1/cluster/routes/match", """{"limit":101}""", 400, Shape.Either, "limit 101"));
        cases.Add(Post(Target.Facade, "/v1/nodes/register", """{"host_id":"x","address":"y"}""", 404, Shape.OpenAi, "the node API is not on the facade"));
        foreach (var path in new[] { "/v1/models", "/v1/cluster/hosts", "/v1/cluster/services", "/v1/cluster/roles", "/v1/cluster/health", "/v1/cluster/benchmarks" })
        {
            cases.Add(Get(Target.Facade, path + "?unexpected=%ZZ&x=" + new string('q', 2000), 200, Shape.None, "junk query"));
        }

        // The node agent: read-only.
        foreach (var path in new[] { "/v1/node/inventory", "/v1/node/registration", "/v1/node/status" })
        {
            cases.Add(Get(Target.Agent, path + "?unexpected=%ZZ&x=" + new string('q', 2000), 200, Shape.None, "junk query"));
            cases.Add(Post(Target.Agent, path, """{"host_id":"x"}""", 405, Shape.Problem, "POST on a read-only endpoint"));
            cases.Add(Post(Target.Agent, path, "{", 405, Shape.Problem, "malformed JSON to a read-only endpoint"));
            cases.Add(new Case("DELETE", Target.Agent, HttpMethod.Delete, path, null, 405, Shape.Problem));
        }

        cases.Add(Get(Target.Agent, "/v1/node/no-such-thing", 404, Shape.Problem, "an unknown path"));
        cases.Add(Get(Target.Agent, "/v1/nodes/register", 404, Shape.Problem, "Control's node API is not on the agent"));
        return cases;
    }

    private static string? Check(Case item, int status, string? mediaType, string body)
    {
        if (status >= 500)
        {
            return $"answered {status}";
        }

        if (StackTraceOrType().Match(body) is { Success: true } leak)
        {
            return $"the body shows internals ('{leak.Value}')";
        }

        if (status != item.Expected)
        {
            return $"expected {item.Expected}, got {status}";
        }

        if (item.Shape == Shape.None)
        {
            return null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"the error body is not JSON ({mediaType})";
        }

        var problem = mediaType == "application/problem+json" && IsProblem(root, status);
        var openAi = mediaType == "application/json" && IsOpenAiError(root);
        return item.Shape switch
        {
            Shape.Problem when !problem => $"expected ProblemDetails (application/problem+json with status {status} and a title), got {mediaType}",
            Shape.OpenAi when !openAi => $"expected OpenAI's error shape, got {mediaType}",
            Shape.Either when !problem && !openAi => $"expected ProblemDetails or OpenAI's error shape, got {mediaType}",
            _ => null,
        };
    }

    private static bool IsProblem(JsonElement root, int status) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("status", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == status
        && root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String;

    private static bool IsOpenAiError(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
        && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _);

    private static Case Post(Target target, string path, string json, int expected, Shape shape, string label) =>
        new(label, target, HttpMethod.Post, path, () => Json(json), expected, shape);

    private static Case Get(Target target, string path, int expected, Shape shape, string label) =>
        new(label, target, HttpMethod.Get, path, null, expected, shape);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The valid body with the field at a dotted path (<c>samples.0.benchmark_id</c>) replaced.</summary>
    private static string With(JsonObject valid, string path, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        JsonNode node = copy;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            node = int.TryParse(parts[i], out var index) ? node[index]! : node[parts[i]]!;
        }

        var last = parts[^1];
        if (int.TryParse(last, out var at))
        {
            node[at] = value;
        }
        else
        {
            node[last] = value;
        }

        return copy.ToJsonString();
    }

    private static ByteArrayContent Json(string text, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    private static ByteArrayContent Bytes(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    // The UTF-8 of `text` with one marker replaced by raw bytes (to build invalid UTF-8 inside a JSON string).
    private static ByteArrayContent Bytes(byte[] text, byte[] marker, byte[] replacement)
    {
        var at = text.AsSpan().IndexOf(marker);
        byte[] bytes = [.. text.AsSpan(0, at), .. replacement, .. text.AsSpan(at + marker.Length)];
        return Bytes(bytes, "application/json");
    }

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent("sweep-boundary");
        foreach (var (name, value) in fields)
        {
            if (name == "file")
            {
                form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(value)), name, "audio.wav");
            }
            else
            {
                form.Add(new StringContent(value), name);
            }
        }

        return form;
    }

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    // A .NET stack frame, an exception type, or a namespace-qualified type name in an answer (GenieHive.NodeAgent alone
    // is the agent's name in its resources, GenieHive.Contracts.Nodes.X is a type). Quantifiers are bounded:
    // the answers echo 300,000-character names, and an unbounded \w+ before a literal backtracks quadratically on them.
    [GeneratedRegex(@"\bat [A-Z][\w.`]{0,200}\.[\w<>`]{1,100}\(|\b\w{0,100}Exception\b|\bSystem\.[A-Z]|\bMicrosoft\.[A-Z]|\bGenieHive\.[A-Z]\w{0,60}\.[A-Z]")]
    private static partial Regex StackTraceOrType();
}
