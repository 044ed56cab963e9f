using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// Real model servers (llama.cpp's llama-server for chat and for embeddings, whisper.cpp's whisper-server) behind a
/// real Control and facade, started once for the tests that use them. Needs <c>GENIEHIVE_REAL_ENGINES_DIR</c>: a
/// directory prepared by <c>tools/real-engines/setup.sh</c> (<c>.ci/run</c> prepares and sets it); without it the
/// servers are not started and the tests skip. The models are random-weight models of the real formats: the
/// protocol is real, the text is nonsense.
/// </summary>
public sealed class RealEngines : IAsyncLifetime
{
    public const string Variable = "GENIEHIVE_REAL_ENGINES_DIR";

    public const string SkipReason = Variable + " is not set; prepare a directory with tools/real-engines/setup.sh DIR and set it to run the real-engine tests.";

    public const string ChatModel = "tiny";
    public const string EmbeddingModel = "tiny-embed";
    public const string TranscriptionModel = "whisper-synth";
    public const string ChatRole = "mentor";
    public const string TranscriptionRole = "transcriber";

    /// <summary>llama-server's context size as <c>start.sh</c> runs it (<c>-c 2048</c>).</summary>
    public const int ChatContextSize = 2048;

    private const string RolesYaml = """
        roles:
          - role_id: mentor
            display_name: Mentor
            operation: chat
            prompt_policy:
              system_prompt: You are a patient mentor.
          - role_id: transcriber
            operation: transcription
            modality: audio
        """;

    /// <summary>The prepared directory, or null when the real-engine tests skip.</summary>
    public static string? Directory => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } dir ? dir : null;

    public bool Available => Directory is not null;

    /// <summary>The spoken test file <c>setup.sh</c> made.</summary>
    public string SpeechWav => Path.Combine(Directory!, "sid", "work", "hello.wav");

    internal TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (Directory is null)
        {
            return;
        }

        try
        {
            Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with { RolesYaml = RolesYaml });
            var engines = await Task.WhenAll(
                Cluster.StartRealEngineAsync("chat", "chat", ChatModel),
                Cluster.StartRealEngineAsync("embed", "embed", EmbeddingModel),
                Cluster.StartRealEngineAsync("whisper", "whisper", null));

            // Registered as a node agent with Discover none would: the services, their models, loaded and healthy.
            await Cluster.RegisterAsync(Registrations.Host(
                "real-host",
                Registrations.Service("real-chat", ServiceKinds.Chat, engines[0].Url, ChatModel, ChatContextSize),
                Registrations.Service("real-embed", ServiceKinds.Embeddings, engines[1].Url, EmbeddingModel, ChatContextSize),
                Registrations.Service("real-whisper", ServiceKinds.Transcription, engines[2].Url, TranscriptionModel)));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
            Cluster = null!;
        }
    }
}
