using System.Text.Json.Nodes;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

/// <summary>The client protocols a service speaks natively, as the agent registers them (<c>runtime.protocols</c>).</summary>
public sealed class ServiceProtocolsTests
{
    [Fact]
    public async Task LlamaCppDiscoveryClaimsMessagesAndResponsesAndConfiguredProtocolsAreKept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var settings = new Dictionary<string, string?>
        {
            ["services:control:http:0"] = control.Url,
            ["GenieHive:Node:HostId"] = "proto-host",
            ["GenieHive:Node:Services:0:ServiceId"] = "llama",
            ["GenieHive:Node:Services:0:Kind"] = "chat",
            ["GenieHive:Node:Services:0:Endpoint"] = engine.Url,
            ["GenieHive:Node:Services:0:Discover"] = "llamacpp",
            ["GenieHive:Node:Services:1:ServiceId"] = "declared",
            ["GenieHive:Node:Services:1:Kind"] = "chat",
            ["GenieHive:Node:Services:1:Endpoint"] = engine.Url,
            ["GenieHive:Node:Services:1:Protocols:0"] = " anthropic.messages ",
            ["GenieHive:Node:Services:1:Assets:0:AssetId"] = "declared-model",
            ["GenieHive:Node:Services:2:ServiceId"] = "plain",
            ["GenieHive:Node:Services:2:Kind"] = "chat",
            ["GenieHive:Node:Services:2:Endpoint"] = engine.Url,
            ["GenieHive:Node:Services:2:Assets:0:AssetId"] = "plain-model",
        };
        await using var factory = AgentHarness.CreateFactory(settings, new FakeTimeProvider());
        using var client = factory.CreateClient();

        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");
        var services = control.Registrations[0].Body["services"]!.AsArray();

        Assert.Equal(["anthropic.messages", "openai.responses"], Protocols(services, "llama"));
        Assert.Equal(["anthropic.messages"], Protocols(services, "declared"));
        Assert.Empty(Protocols(services, "plain"));
    }

    private static string[] Protocols(JsonArray services, string serviceId) =>
        services.Single(s => s!["service_id"]!.GetValue<string>() == serviceId)!["runtime"]?["protocols"]?.AsArray()
            .Select(p => p!.GetValue<string>()).ToArray() ?? [];
}
