using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Observations;
using GenieHive.Contracts.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Facade;

/// <summary>
/// A minimal Control on a real socket: serves the routing table with Control's long poll, records observation
/// reports, and answers the operator endpoints with canned bodies (recording the key it was called with).
/// </summary>
internal sealed class FakeControl : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private RoutingTable _table;
    private TaskCompletionSource _changed = NewSignal();
    private int _failPolls;
    private int _waitingPolls;

    private FakeControl(RoutingTable table)
    {
        _table = table;
    }

    public string Url { get; private set; } = "";

    public int Port { get; private set; }

    public ConcurrentQueue<ObservationReport> Reports { get; } = new();

    public ConcurrentQueue<string?> ApiKeysSeen { get; } = new();

    /// <summary>Every operator call other than the routing-table watch and observation reports, as it arrived.</summary>
    public ConcurrentQueue<OperatorCall> OperatorCalls { get; } = new();

    /// <summary>Routing-table long polls waiting for a newer version right now (a watcher settled into its poll).</summary>
    public int WaitingPolls => Volatile.Read(ref _waitingPolls);

    public RoutingTable Table
    {
        get
        {
            lock (_gate)
            {
                return _table;
            }
        }
    }

    /// <summary>A Control whose table holds one chat service, <c>svc</c>, serving <c>llama</c> at <paramref name="upstreamUrl"/>.</summary>
    public static Task<FakeControl> WithOneServiceAsync(string upstreamUrl) =>
        StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstreamUrl, ["llama"])]));

    public static async Task<FakeControl> StartAsync(RoutingTable table, int port = 0)
    {
        var control = new FakeControl(table);
        await control.StartAppAsync(port);
        return control;
    }

    /// <summary>Publishes a new table (its version must grow) and wakes the long polls.</summary>
    public void Publish(RoutingTable table)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _table = table;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Swaps the table without waking the long polls, and fails the next <paramref name="failedPolls"/> polls that
    /// name a version with 503: a Control that went away and came back counting versions anew.
    /// </summary>
    public void RestartWithoutNotice(RoutingTable table, int failedPolls)
    {
        lock (_gate)
        {
            _table = table;
            _failPolls = failedPolls;
        }
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(TestContext.Current.CancellationToken);
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Starts again on the same port (Control coming back after a restart).</summary>
    public Task RestartAsync() => StartAppAsync(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartAppAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseDeveloperExceptionPage();
        app.Use(async (context, next) =>
        {
            ApiKeysSeen.Enqueue(context.Request.Headers["X-Api-Key"].FirstOrDefault());
            var path = context.Request.Path.Value ?? "";
            if (path is not "/v1/cluster/routing-table" and not "/v1/cluster/observations")
            {
                OperatorCalls.Enqueue(new OperatorCall(
                    context.Request.Method,
                    path + context.Request.QueryString,
                    context.Request.Headers["X-Api-Key"].FirstOrDefault(),
                    context.Request.Headers.Authorization.FirstOrDefault()));
            }

            await next(context);
        });

        app.MapGet("/v1/cluster/routing-table", (Func<HttpContext, Task<IResult>>)RoutingTableAsync);
        app.MapPost("/v1/cluster/observations", async (HttpContext context) =>
        {
            var report = await JsonSerializer.DeserializeAsync(context.Request.Body, GenieHiveJsonContext.Default.ObservationReport);
            Reports.Enqueue(report!);
            return Results.Json(new StatusResponse("ok"), GenieHiveJsonContext.Default.StatusResponse);
        });
        app.MapGet("/v1/cluster/hosts", () => Results.Json(
            new ListResponse<HostView>([new HostView { HostId = "h1", Address = "127.0.0.1", Status = new HostStatus("online", 1, false) }]),
            GenieHiveJsonContext.Default.ListResponseHostView));
        app.MapGet("/v1/cluster/health", () => Results.Json(
            new ClusterHealth { HostCount = 1, OnlineHostCount = 1, RoutingVersion = Table.Version },
            GenieHiveJsonContext.Default.ClusterHealth));
        app.MapGet("/v1/cluster/routes/resolve", (HttpContext context) =>
            Results.Json(new { error = "no_route", model = context.Request.Query["model"].ToString() }, statusCode: 404));
        app.MapPost("/v1/cluster/routes/match", async (HttpContext context) =>
        {
            RouteMatchRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync(context.Request.Body, GenieHiveJsonContext.Default.RouteMatchRequest);
            }
            catch (JsonException)
            {
                // As Control answers a body it cannot read; the facade relays whatever Control says.
                return Results.Problem("The request body is not valid JSON.", statusCode: 400);
            }

            return Results.Json(new RouteMatchResponse { Tasks = [request!.Task ?? ""], TaskCount = 1, Kind = request.Kind }, GenieHiveJsonContext.Default.RouteMatchResponse);
        });

        // A Control that is failing: a POST it answers 503 must reach it once (a retry could queue a run twice).
        app.MapPost("/v1/cluster/benchmarks/runs", () => Results.Problem("The run queue is unavailable.", statusCode: 503));
        // A read that fails once, then succeeds: the facade relays the failure (the caller decides whether to retry).
        var flakyReads = 0;
        app.MapGet("/v1/cluster/flaky", () => Interlocked.Increment(ref flakyReads) == 1
            ? Results.Problem("Busy.", statusCode: 503)
            : Results.Json(new { calls = flakyReads }));
        // An endpoint the facade was never told about.
        app.MapGet("/v1/cluster/added-later/{id}", (string id, HttpContext context) =>
            Results.Json(new { id, query = context.Request.QueryString.Value }, statusCode: 201));
        app.MapPost("/v1/cluster/benchmarks", async (HttpContext context) =>
        {
            var bytes = 0L;
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                bytes += read;
            }

            return Results.Json(new { bytes, content_type = context.Request.ContentType });
        });

        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
        Url = app.Urls.First();
        Port = new Uri(Url).Port;
    }

    private async Task<IResult> RoutingTableAsync(HttpContext context)
    {
        long? after = long.TryParse(context.Request.Query["after"], out var a) ? a : null;
        var wait = int.TryParse(context.Request.Query["wait"], out var w) ? w : 0;
        RoutingTable table;
        Task changed;
        lock (_gate)
        {
            if (after is not null && _failPolls > 0)
            {
                _failPolls--;
                return Results.Problem("Control is starting.", statusCode: 503);
            }

            table = _table;
            changed = _changed.Task;
        }

        if (after is null || table.Version > after)
        {
            return Results.Json(table, GenieHiveJsonContext.Default.RoutingTable);
        }

        Interlocked.Increment(ref _waitingPolls);
        try
        {
            await changed.WaitAsync(TimeSpan.FromSeconds(wait), context.RequestAborted);
        }
        catch (TimeoutException)
        {
            return Results.NoContent();
        }
        finally
        {
            Interlocked.Decrement(ref _waitingPolls);
        }

        return Results.Json(Table, GenieHiveJsonContext.Default.RoutingTable);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>An operator call as the fake Control received it.</summary>
internal sealed record OperatorCall(string Method, string PathAndQuery, string? ApiKey, string? Authorization);
