using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.ServiceDefaults;

/// <summary>
/// Issue 19, quieter traces: with the defaults' tracing on, a background tick is exported only when it fails or
/// changes something, and nothing it calls is traced either; client requests are traced whole, console polls not.
/// </summary>
public sealed class BackgroundTraceTests : IAsyncLifetime
{
    private static readonly ActivitySource s_source = new("GenieHive.Tests.BackgroundTraces");
    private readonly ConcurrentQueue<Activity> _exported = new();
    private readonly ConcurrentQueue<string> _traceparents = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        // Nothing listens there: the OTLP exporter fails quietly; the collecting exporter below sees what it would send.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddProcessor(new SimpleActivityExportProcessor(new CollectingExporter(_exported))));

        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");
        _app.MapGet("/echo/{n}", (HttpContext context) =>
        {
            _traceparents.Enqueue(context.Request.Headers["traceparent"].ToString());
            return "ok";
        });
        await _app.StartAsync(Ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task ARoutineTickIsNotExportedNorIsAnythingItCalls()
    {
        ActivityTraceId trace;
        using (var tick = BackgroundTraces.StartTick(s_source, "test.routine_tick"))
        {
            Assert.NotNull(tick);
            trace = tick.TraceId;
            await _client.GetStringAsync("/echo/routine", Ct);
        }

        // The call carried a not-sampled context, so the called service records nothing of it either.
        Assert.EndsWith("-00", Assert.Single(_traceparents));
        await AssertSettledAsync();
        Assert.DoesNotContain(_exported, span => span.TraceId == trace);
    }

    [Fact]
    public async Task AKeptTickIsExportedAloneAndAFailedOneAsAnError()
    {
        ActivityTraceId kept;
        using (var tick = BackgroundTraces.StartTick(s_source, "test.changed_tick"))
        {
            kept = tick!.TraceId;
            await _client.GetStringAsync("/echo/kept", Ct);
            BackgroundTraces.Keep(tick);
        }

        ActivityTraceId failed;
        using (var tick = BackgroundTraces.StartTick(s_source, "test.failed_tick"))
        {
            failed = tick!.TraceId;
            BackgroundTraces.Fail(tick, "Control unreachable");
        }

        await AssertSettledAsync();
        var keptSpan = Assert.Single(_exported, span => span.TraceId == kept);
        Assert.Equal("test.changed_tick", keptSpan.OperationName);
        var failedSpan = Assert.Single(_exported, span => span.TraceId == failed);
        Assert.Equal(ActivityStatusCode.Error, failedSpan.Status);
        Assert.Equal("Control unreachable", failedSpan.StatusDescription);
    }

    [Fact]
    public async Task AClientRequestIsTracedWholeAndAConsolePollIsNot()
    {
        ActivityTraceId request;
        using (var work = s_source.StartActivity("test.client_request"))
        {
            request = work!.TraceId;
            await _client.GetStringAsync("/echo/client", Ct);
        }

        using var poll = new HttpRequestMessage(HttpMethod.Get, "/echo/poll");
        poll.Headers.Add(Extensions.PollHeader, "console");
        using var polled = await _client.SendAsync(poll, Ct);

        await AssertSettledAsync();
        var spans = _exported.Where(span => span.TraceId == request).ToList();
        Assert.Contains(spans, span => span.OperationName == "test.client_request");
        Assert.Contains(spans, span => span.Kind == ActivityKind.Client);
        Assert.Contains(spans, span => span.Kind == ActivityKind.Server && (string?)span.GetTagItem("url.path") == "/echo/client");
        Assert.DoesNotContain(_exported, span => span.Kind == ActivityKind.Server && (string?)span.GetTagItem("url.path") == "/echo/poll");
    }

    // A request traced as usual, last: once its server span is exported, the ones before it have ended too.
    private async Task AssertSettledAsync()
    {
        using (var marker = s_source.StartActivity("test.marker"))
        {
            await _client.GetStringAsync("/echo/marker", Ct);
        }

        await Eventually.UntilAsync(
            () => _exported.Any(span => span.Kind == ActivityKind.Server && (string?)span.GetTagItem("url.path") == "/echo/marker"),
            "the marker request's server span to be exported",
            TimeSpan.FromSeconds(10));
    }

    private sealed class CollectingExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }
}
