using System.Text;
using GenieHive.Bench.Soak.Fleet;

namespace GenieHive.Bench.Soak.Traffic;

/// <summary>What a client request is.</summary>
internal enum RequestKind
{
    ChatJson,
    ChatStream,
    Embeddings,
}

/// <summary>One request of the mix: its kind, the name it asks for (an asset id or a role) and its body.</summary>
internal sealed record RequestSpec(RequestKind Kind, string Model, byte[] Body)
{
    public string Label => Kind switch
    {
        RequestKind.ChatJson => "chat_json",
        RequestKind.ChatStream => "chat_stream",
        _ => "embeddings",
    };

    public string Path => Kind == RequestKind.Embeddings ? "/v1/embeddings" : "/v1/chat/completions";
}

/// <summary>
/// The client mix, in a fixed rotation of ten: half chat answered as JSON, three in ten streamed chat, two in ten
/// embeddings; half of each by model id (direct route), half by role (scored over the whole fleet).
/// </summary>
internal static class RequestMix
{
    private static readonly RequestSpec[] Rotation =
    [
        Chat(FleetPlan.ChatModel, stream: false),
        Chat(FleetPlan.ChatRole, stream: false),
        Chat(FleetPlan.ChatModel, stream: true),
        Chat(FleetPlan.ChatModel, stream: false),
        Embed(FleetPlan.EmbeddingModel),
        Chat(FleetPlan.ChatRole, stream: true),
        Chat(FleetPlan.ChatRole, stream: false),
        Chat(FleetPlan.ChatModel, stream: true),
        Embed(FleetPlan.EmbeddingRole),
        Chat(FleetPlan.ChatModel, stream: false),
    ];

    public static RequestSpec For(long sequence) => Rotation[sequence % Rotation.Length];

    private static RequestSpec Chat(string model, bool stream) => new(
        stream ? RequestKind.ChatStream : RequestKind.ChatJson,
        model,
        Encoding.UTF8.GetBytes(
            "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false")
            + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Say something short about soak tests.\"}]}"));

    private static RequestSpec Embed(string model) => new(
        RequestKind.Embeddings,
        model,
        Encoding.UTF8.GetBytes("{\"model\":\"" + model + "\",\"input\":\"the cat sat on the mat for five whole minutes\"}"));
}
