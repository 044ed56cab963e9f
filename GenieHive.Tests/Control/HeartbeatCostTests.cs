using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenieHive.Control.Http;
using GenieHive.Control.Nodes;
using GenieHive.Control.Registry;
using Microsoft.Extensions.DependencyInjection;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>What one heartbeat costs Control, without HTTP: parse, validate, fingerprint, apply.</summary>
[Collection(ControlProcessCollection.Name)]
public sealed class HeartbeatCostTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    [Fact]
    public async Task AHeartbeatCostsWellUnderAMillisecond()
    {
        const int Hosts = 200;
        const int Beats = 10_000;
        for (var host = 0; host < Hosts; host++)
        {
            await control.Client.RegisterOkAsync(Host($"cost-{host:D3}", Service($"cost-{host:D3}-chat"), Service($"cost-{host:D3}-embed", "embeddings", "bge-small-en")));
        }

        var registrar = control.Factory.Services.GetRequiredService<NodeRegistrar>();
        var bodies = Enumerable.Range(0, Hosts)
            .Select(host => JsonSerializer.SerializeToUtf8Bytes(
                Heartbeat($"cost-{host:D3}", Service($"cost-{host:D3}-chat", queueDepth: host % 3), Service($"cost-{host:D3}-embed", "embeddings", "bge-small-en")),
                Json.NodeHeartbeat))
            .ToArray();

        var samples = new double[Beats];
        for (var i = 0; i < Beats; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var heartbeat = JsonBody.Deserialize(bodies[i % Hosts], Json.NodeHeartbeat).Value!;
            Assert.Null(RegistrationValidator.Validate(heartbeat));
            var outcome = await registrar.HeartbeatAsync(heartbeat, TestContext.Current.CancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.Equal(RegistryStatus.Ok, outcome.Status);
        }

        Array.Sort(samples);
        var p50 = samples[Beats / 2];
        var p99 = samples[(int)(Beats * 0.99)];
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"heartbeat handling (parse, validate, fingerprint, apply): p50 {p50 * 1000:F0} µs, p99 {p99 * 1000:F0} µs"));
        Assert.True(p50 < 1, $"p50 {p50:F3} ms");
    }
}
