using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.Compat;

/// <summary>An SDK pipeline policy that records the JSON bodies the SDK sends, to show what it asked for.</summary>
internal sealed class RequestCapture : PipelinePolicy
{
    public ConcurrentQueue<JsonNode?> Bodies { get; } = new();

    public JsonNode Last => Bodies.LastOrDefault() ?? throw new InvalidOperationException("The SDK sent no JSON body.");

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Capture(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Capture(message);
        await ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Capture(PipelineMessage message)
    {
        if (message.Request.Content is not { } content
            || message.Request.Headers.TryGetValue("Content-Type", out var type) && type?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return;
        }

        using var buffer = new MemoryStream();
        content.WriteTo(buffer);
        Bodies.Enqueue(JsonNode.Parse(buffer.ToArray()));
    }
}
