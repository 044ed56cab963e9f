using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Models;

/// <summary>
/// Ollama's model listings, so that what is loaded can be read the way an Ollama host reports it: <c>GET /api/tags</c>
/// (every chat model, as on disk) and <c>GET /api/ps</c> (the chat models in memory now).
/// </summary>
public static class OllamaApi
{
    // A model here stays until evicted, which Ollama shows as a keep-alive that never runs out.
    private static readonly string NeverExpires = DateTimeOffset.MaxValue.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static readonly OllamaModelDetails Details = new(
        ParentModel: string.Empty,
        Format: "gguf",
        Family: "llama",
        Families: ["llama"],
        ParameterSize: "8.0B",
        QuantizationLevel: "Q4_K_M");

    /// <summary>Maps <c>/api/tags</c> and <c>/api/ps</c>.</summary>
    public static RouteGroupBuilder MapOllamaApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api");
        group.MapGet("/tags", GetTags).WithName("OllamaTags");
        group.MapGet("/ps", GetRunning).WithName("OllamaRunning");
        return group;
    }

    private static IResult GetTags(ModelResidency residency, ModelCatalog catalog)
    {
        var modified = DateTimeOffset.FromUnixTimeSeconds(catalog.CreatedUnixSeconds).ToString("O", CultureInfo.InvariantCulture);
        var tags = catalog.Chat.Select(model => new OllamaTag(model.Id, model.Id, modified, residency.ModelSizeBytes, Digest(model), Details)).ToList();
        return TypedResults.Json(new OllamaTagList(tags), SimulatorJson.Context.OllamaTagList);
    }

    private static IResult GetRunning(ModelResidency residency, IOptions<SimulatorOptions> options)
    {
        var running = residency.Snapshot()
            .Where(entry => entry.Status == ModelStatus.Loaded)
            .Select(entry => new OllamaRunningModel(
                entry.Model.Id,
                entry.Model.Id,
                residency.ModelSizeBytes,
                Digest(entry.Model),
                Details,
                NeverExpires,
                residency.ModelSizeBytes,
                options.Value.ContextSize))
            .ToList();
        return TypedResults.Json(new OllamaRunningList(running), SimulatorJson.Context.OllamaRunningList);
    }

    // Ollama names a model's blob by its sha256; the simulator's stands in for it, stable per model id.
    private static string Digest(ServedModel model) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model.Id)));
}
