using System.Net;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.Facade.Observations;
using GenieHive.Simulator;
using GenieHive.Tests.Hosting;
using GenieHive.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Facade;

/// <summary>
/// The facade measures a chat service nobody has measured before a client reaches it (<see cref="SpeedProbe"/>):
/// one short streamed completion, whose first token and decode speed price the service from then on.
/// </summary>
public sealed class SpeedProbeTests
{
    private static readonly Dictionary<string, string?> ProbeOn = new() { ["GenieHive:RequestRouting:ProbeUnmeasuredServices"] = "true" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewClusterIsMeasuredBeforeItsFirstRequestSoThatRequestGoesToTheFasterEngine()
    {
        // The slow engine is listed first: without a measurement both are presumed as fast as the best, and rank decides.
        await using var slow = SimulatorHost.Start(ttftMs: 600, tokensPerSecond: 20);
        await using var fast = SimulatorHost.Start(ttftMs: 20, tokensPerSecond: 200);
        await using var control = await FakeControl.StartAsync(TestTables.Table(1,
        [
            TestTables.Service("slow-svc", slow.Url, ["sim-chat"]),
            TestTables.Service("fast-svc", fast.Url, ["sim-chat"]),
        ]));
        await using var facade = await FacadeHost.StartAsync(control, ProbeOn);
        var tracker = facade.Services.GetRequiredService<ServiceLoadTracker>();

        await Eventually.UntilAsync(
            () => double.IsFinite(tracker.Figures("slow-svc").DecodeTokensPerSec) && double.IsFinite(tracker.Figures("fast-svc").DecodeTokensPerSec),
            "both services measured by the probe", TimeSpan.FromSeconds(20), () => string.Join("\n", facade.Logs));

        var slowFigures = tracker.Figures("slow-svc");
        var fastFigures = tracker.Figures("fast-svc");
        Assert.InRange(slowFigures.TtftMs, 550, 3_000);
        Assert.True(fastFigures.TtftMs < slowFigures.TtftMs / 2, $"time to first token: fast {fastFigures.TtftMs}, slow {slowFigures.TtftMs}");
        Assert.True(fastFigures.DecodeTokensPerSec > 2 * slowFigures.DecodeTokensPerSec, $"decode: fast {fastFigures.DecodeTokensPerSec}, slow {slowFigures.DecodeTokensPerSec}");
        Assert.Equal(0, tracker.InFlight("slow-svc"));
        Assert.Equal(1, slow.ChatRequests);
        Assert.Equal(1, fast.ChatRequests);

        // The console shows what the facade measured.
        var speeds = JsonNode.Parse(await facade.Client.GetStringAsync("/v1/console/speeds", Ct))!["data"]!.AsArray();
        Assert.Equal(["fast-svc", "slow-svc"], speeds.Select(s => s!["service_id"]!.GetValue<string>()));
        Assert.All(speeds, s => Assert.True(s!["ttft_ms"]!.GetValue<double>() > 0 && s["decode_tokens_per_sec"]!.GetValue<double>() > 0));

        using var response = await facade.Client.PostAsync("/v1/chat/completions",
            Requests.JsonBody("""{"model":"sim-chat","messages":[{"role":"user","content":"hello"}],"max_tokens":4}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fast-svc", response.Headers.GetValues(GenieHiveHeaders.ServiceId).Single());
    }

    [Fact]
    public async Task AProbeIsOneShortStreamedCompletionOfTheLoadedModelAndItStaysOutOfWhatIsReportedToControl()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Sse([Upstreams.Chunk("one"), Upstreams.Chunk(" two"), Upstreams.Chunk(" three"), "data: [DONE]\n\n"]));
        var service = TestTables.Service("svc", upstream.Url, ["chat-model"]);
        service.Assets.Add(new() { AssetId = "other-model", Loaded = false });
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [service]));
        await using var facade = await FacadeHost.StartAsync(control, ProbeOn);
        var tracker = facade.Services.GetRequiredService<ServiceLoadTracker>();

        await Eventually.UntilAsync(() => double.IsFinite(tracker.Figures("svc").TtftMs), "the probe's first token measured", TimeSpan.FromSeconds(10), () => string.Join("\n", facade.Logs));

        // The connection is opened first with a request that costs the engine nothing.
        Assert.Equal(["/v1/models", "/v1/chat/completions"], upstream.Requests.Select(r => r.Path));
        var probe = upstream.Requests.Last();
        var body = JsonNode.Parse(probe.BodyText)!;
        Assert.Equal("chat-model", body["model"]!.GetValue<string>());
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.Equal(SpeedProbe.MaxTokens, body["max_tokens"]!.GetValue<int>());

        // Observations go to Control every 0.2 s here: none carries the probe.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.DoesNotContain(control.Reports, report => report.Services.Any(s => s.ServiceId == "svc" && s.Requests > 0));
        Assert.Equal(2, upstream.Requests.Count);
    }

    [Fact]
    public async Task NothingIsProbedWhenProbingIsOffOrWhenTheTableAlreadyKnowsTheSpeedsOrTheModelIsNotLoaded()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Sse([Upstreams.Chunk("x"), "data: [DONE]\n\n"]));
        var known = TestTables.Service("known", upstream.Url, ["chat-model"]) with { Observed = new ServiceObserved { TtftMs = 100, TokensPerSec = 30 } };
        var cold = TestTables.Service("cold", upstream.Url, ["chat-model"]);
        cold.Assets = [new() { AssetId = "chat-model", Loaded = false }];
        var embeddings = TestTables.Service("embed", upstream.Url, ["embed-model"], kind: ServiceKinds.Embeddings);
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [known, cold, embeddings]));
        await using var probing = await FacadeHost.StartAsync(control, ProbeOn);

        var unknown = TestTables.Service("unknown", upstream.Url, ["chat-model"]);
        await using var offControl = await FakeControl.StartAsync(TestTables.Table(1, [unknown]));
        await using var notProbing = await FacadeHost.StartAsync(offControl);

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task AFailedProbeIsLoggedAndNotRepeatedAtOnce()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json("""{"error":{"message":"busy"}}""", status: 503));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["chat-model"])]));
        await using var facade = await FacadeHost.StartAsync(control, ProbeOn);

        await Eventually.UntilAsync(() => facade.Logs.Any(l => l.Contains("Could not measure service svc", StringComparison.Ordinal)), "the failed probe logged",
            TimeSpan.FromSeconds(10), () => string.Join("\n", facade.Logs));

        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions");
        var tracker = facade.Services.GetRequiredService<ServiceLoadTracker>();
        Assert.True(double.IsNaN(tracker.Figures("svc").TtftMs));
        Assert.Null(tracker.CooldownUntil("svc"));
    }

    /// <summary>The repository's engine simulator on a real socket, at a given speed.</summary>
    private sealed class SimulatorHost : WebApplicationFactory<SimulatorMarker>
    {
        private readonly int _ttftMs;
        private readonly double _tokensPerSecond;
        private int _chatRequests;

        private SimulatorHost(int ttftMs, double tokensPerSecond)
        {
            _ttftMs = ttftMs;
            _tokensPerSecond = tokensPerSecond;
        }

        public string Url { get; private set; } = "";

        /// <summary>Chat completions the simulator has been sent.</summary>
        public int ChatRequests => Volatile.Read(ref _chatRequests);

        public static SimulatorHost Start(int ttftMs, double tokensPerSecond)
        {
            var host = KestrelStart.Start(() =>
            {
                var created = new SimulatorHost(ttftMs, tokensPerSecond);
                created.UseKestrel(0);
                return created;
            }, static host => host.StartServer());
            host.Url = KestrelStart.ListeningUrl(host.Services);
            return host;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Simulator:TimeToFirstTokenMs", _ttftMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Simulator:TokensPerSecond", _tokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CountingFilter(this)));
        }

        /// <summary>Counts chat completions ahead of the simulator's own endpoints.</summary>
        private sealed class CountingFilter(SimulatorHost host) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use(async (context, nextMiddleware) =>
                {
                    if (context.Request.Path == "/v1/chat/completions")
                    {
                        Interlocked.Increment(ref host._chatRequests);
                    }

                    await nextMiddleware(context);
                });
                next(app);
            };
        }
    }
}
