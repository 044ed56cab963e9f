using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// A real Control and facade with one chat engine behind an <see cref="EngineTap"/>, reached through the role
/// <see cref="Role"/> (whose system prompt must reach the engine) or its model, and a dead service for error tests.
/// <see cref="TranslatedProtocolCluster"/> has the simulator registered chat-only, so Anthropic and Responses requests
/// are translated; <see cref="NativeProtocolCluster"/> has a real llama-server that claims both protocols.
/// </summary>
public abstract class ProtocolCluster : IAsyncLifetime
{
    public const string Role = "mentor";
    public const string SystemPrompt = "You are a patient mentor.";
    public const string DeadModel = "dead-model";

    private const string RolesYaml = """
        roles:
          - role_id: mentor
            operation: chat
            prompt_policy:
              system_prompt: You are a patient mentor.
            routing_policy:
              min_context: 1024
        """;

    /// <summary>False when this cluster's engine cannot run here (then <see cref="SkipReason"/> says why).</summary>
    public virtual bool Available => true;

    public virtual string SkipReason => "";

    /// <summary>True when the engine is registered as speaking Anthropic Messages and OpenAI Responses itself.</summary>
    public abstract bool Native { get; }

    /// <summary>The engine's model id (its asset).</summary>
    public abstract string Model { get; }

    internal TestCluster Cluster { get; private set; } = null!;

    internal EngineTap Tap { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with { RolesYaml = RolesYaml });
        Tap = await EngineTap.StartAsync(await StartEngineAsync(Cluster));
        var service = Registrations.Service("engine-svc", ServiceKinds.Chat, Tap.Url, Model, contextSize: 2048);
        if (Native)
        {
            service = service with
            {
                Runtime = service.Runtime! with { Protocols = [ClientProtocols.AnthropicMessages, ClientProtocols.OpenAiResponses] },
            };
        }

        await Cluster.RegisterAsync(Registrations.Host(
            "protocol-host",
            service,
            Registrations.Service("dead-svc", ServiceKinds.Chat, "http://127.0.0.1:" + SimulatedCluster.ClosedPort(), DeadModel, contextSize: 512)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Tap is not null)
        {
            await Tap.DisposeAsync();
        }
    }

    /// <summary>Starts the engine as a part of <paramref name="cluster"/>; returns its root URL.</summary>
    protected abstract Task<string> StartEngineAsync(TestCluster cluster);
}

/// <summary>The simulator as a chat-only engine: every Messages and Responses request is translated.</summary>
public sealed class TranslatedProtocolCluster : ProtocolCluster
{
    public override bool Native => false;

    public override string Model => "sim-chat";

    /// <summary>The simulator, for faults.</summary>
    internal SimulatorNode Engine { get; private set; } = null!;

    protected override Task<string> StartEngineAsync(TestCluster cluster)
    {
        Engine = cluster.StartSimulator("engine", ("ContextSize", 2048));
        return Task.FromResult(Engine.Url);
    }
}

/// <summary>A real llama-server, which answers <c>/v1/messages</c> and <c>/v1/responses</c> itself: passed through.</summary>
public sealed class NativeProtocolCluster : ProtocolCluster
{
    public override bool Available => RealEngines.Directory is not null;

    public override string SkipReason => RealEngines.SkipReason;

    public override bool Native => true;

    public override string Model => RealEngines.ChatModel;

    protected override async Task<string> StartEngineAsync(TestCluster cluster) =>
        (await cluster.StartRealEngineAsync("engine", "chat", RealEngines.ChatModel)).Url;
}
