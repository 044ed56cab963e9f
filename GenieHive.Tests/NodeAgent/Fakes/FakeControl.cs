using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.NodeAgent.Fakes;

/// <summary>
/// A fake Control that answers <c>POST /v1/nodes/register</c> and <c>/v1/nodes/heartbeat</c> as the real one does
/// (404 <c>unknown_host</c> for a host it does not know) and records every body and node key it receives.
/// <see cref="Down"/> aborts every connection, as a Control that is not there.
/// </summary>
public sealed class FakeControl : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedCall> _registrations = [];
    private readonly List<ReceivedCall> _heartbeats = [];
    private readonly HashSet<string> _knownHosts = new(StringComparer.Ordinal);
    private FakeServer? _server;

    public string Url => _server!.Url;

    /// <summary>When set, calls without this <c>X-GenieHive-Node-Key</c> get 401, as Control with node keys configured.</summary>
    public string? RequiredNodeKey { get; set; }

    /// <summary>When true, connections are aborted before any answer (Control unreachable).</summary>
    public bool Down { get; set; }

    public IReadOnlyList<ReceivedCall> Registrations
    {
        get
        {
            lock (_gate)
            {
                return [.. _registrations];
            }
        }
    }

    public IReadOnlyList<ReceivedCall> Heartbeats
    {
        get
        {
            lock (_gate)
            {
                return [.. _heartbeats];
            }
        }
    }

    /// <summary>Forgets every host, as a Control whose database was reset: the next heartbeat gets 404.</summary>
    public void ForgetHosts()
    {
        lock (_gate)
        {
            _knownHosts.Clear();
        }
    }

    public static async Task<FakeControl> StartAsync(CancellationToken cancellationToken)
    {
        var control = new FakeControl();
        control._server = await FakeServer.StartAsync(control.Map, cancellationToken);
        return control;
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (Down)
            {
                context.Abort();
                return;
            }

            if (RequiredNodeKey is { } key && context.Request.Headers["X-GenieHive-Node-Key"] != key)
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsJsonAsync(new JsonObject { ["title"] = "Unauthorized", ["status"] = 401, ["error"] = "invalid_node_key" });
                return;
            }

            await next(context);
        });
        app.MapPost("/v1/nodes/register", (Func<HttpContext, Task<IResult>>)RegisterAsync);
        app.MapPost("/v1/nodes/heartbeat", (Func<HttpContext, Task<IResult>>)HeartbeatAsync);
    }

    private async Task<IResult> RegisterAsync(HttpContext context)
    {
        var body = await ReadAsync(context);
        var hostId = body["host_id"]!.GetValue<string>();
        lock (_gate)
        {
            _registrations.Add(new ReceivedCall(body, context.Request.Headers["X-GenieHive-Node-Key"].ToString()));
            _knownHosts.Add(hostId);
        }

        return Results.Json(Ack(hostId, body["address"]?.GetValue<string>() ?? "127.0.0.1"));
    }

    private async Task<IResult> HeartbeatAsync(HttpContext context)
    {
        var body = await ReadAsync(context);
        var hostId = body["host_id"]!.GetValue<string>();
        bool known;
        lock (_gate)
        {
            _heartbeats.Add(new ReceivedCall(body, context.Request.Headers["X-GenieHive-Node-Key"].ToString()));
            known = _knownHosts.Contains(hostId);
        }

        if (!known)
        {
            return Results.Json(
                new JsonObject { ["type"] = "about:blank", ["title"] = "Unknown host", ["status"] = 404, ["error"] = "unknown_host", ["host_id"] = hostId },
                statusCode: 404,
                contentType: "application/problem+json");
        }

        return Results.Json(Ack(hostId, "127.0.0.1"));
    }

    private static JsonObject Ack(string hostId, string address) => new()
    {
        ["status"] = "ok",
        ["host"] = new JsonObject
        {
            ["host_id"] = hostId,
            ["address"] = address,
            ["labels"] = new JsonObject(),
            ["status"] = new JsonObject { ["state"] = "online", ["last_seen"] = 1.0, ["stale"] = false },
            ["service_count"] = 0,
        },
    };

    private static async Task<JsonObject> ReadAsync(HttpContext context) =>
        (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
}

/// <summary>A body Control received and the node key it came with.</summary>
public sealed record ReceivedCall(JsonObject Body, string NodeKey);
