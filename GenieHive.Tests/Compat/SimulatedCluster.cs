using System.Net;
using System.Net.Sockets;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// The cluster the simulator-backed compatibility tests share: real Control and facade, one simulated engine
/// serving chat, embeddings and transcriptions (registered as three services of one host, as a node agent would),
/// and a chat service whose engine is gone. Tests only read from it, so they can share one instance.
/// </summary>
public sealed class SimulatedCluster : IAsyncLifetime
{
    /// <summary>Chat model served by the simulator (also routable through the role <see cref="ChatRole"/>).</summary>
    public const string ChatModel = "sim-chat";
    public const string EmbeddingModel = "sim-embed";
    public const string TranscriptionModel = "sim-whisper";

    /// <summary>A chat role whose context requirement only the simulator's chat service meets.</summary>
    public const string ChatRole = "mentor";
    public const string EmbeddingRole = "embedder";
    public const string TranscriptionRole = "transcriber";

    /// <summary>A chat role that nothing registered can serve (503).</summary>
    public const string UnservableRole = "archivist";

    /// <summary>A model whose only service points at a port nobody listens on (502).</summary>
    public const string DeadModel = "dead-model";

    /// <summary>A Hugging Face style model id (with a slash), as vLLM serves them; listed, never called.</summary>
    public const string SlashedModel = "acme/Sim-Chat-8B";

    /// <summary>The simulator's context size: small, so that a long prompt gets llama.cpp's 400.</summary>
    public const int EngineContextSize = 512;

    /// <summary>The facade's transcription upload limit here: small, so that 413 costs little to provoke.</summary>
    public const int MaxTranscriptionBytes = 256 * 1024;

    public const string RolesYaml = """
        roles:
          - role_id: mentor
            display_name: Mentor
            description: Guides without taking over.
            operation: chat
            modality: text
            prompt_policy:
              system_prompt: You are a patient mentor.
              request_policy:
                body_defaults: { temperature: 0.2 }
            routing_policy:
              min_context: 8192
          - role_id: embedder
            operation: embeddings
          - role_id: transcriber
            operation: transcription
            modality: audio
          - role_id: archivist
            display_name: Archivist
            description: Needs a context no service here has.
            operation: chat
            routing_policy:
              min_context: 100000000
        """;

    internal TestCluster Cluster { get; private set; } = null!;

    internal SimulatorNode Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with
        {
            RolesYaml = RolesYaml,
            FacadeSettings = new Dictionary<string, string?>
            {
                ["GenieHive:Limits:MaxTranscriptionBytes"] = MaxTranscriptionBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });
        Engine = Cluster.StartSimulator("sim", ("ContextSize", EngineContextSize));
        await Cluster.RegisterAsync(Registrations.Host(
            "sim-host",
            // Registered with a larger context than the engine really has: the routing metadata is the operator's claim,
            // the engine's own 400 is what the client must see when the claim is wrong.
            Registrations.Service("sim-chat-svc", ServiceKinds.Chat, Engine.Url, ChatModel, contextSize: 16384),
            Registrations.Service("sim-embed-svc", ServiceKinds.Embeddings, Engine.Url, EmbeddingModel),
            Registrations.Service("sim-whisper-svc", ServiceKinds.Transcription, Engine.Url, TranscriptionModel),
            Registrations.Service("hf-svc", ServiceKinds.Chat, Engine.Url, SlashedModel, contextSize: 2048),
            Registrations.Service("dead-svc", ServiceKinds.Chat, "http://127.0.0.1:" + ClosedPort(), DeadModel, contextSize: 2048)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>A loopback port that was free a moment ago and has no listener now.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The test classes that share one <see cref="SimulatedCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SimulatedClusterCollection : ICollectionFixture<SimulatedCluster>
{
    public const string Name = "Compat: simulated cluster";
}
