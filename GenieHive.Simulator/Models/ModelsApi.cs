using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Models;

/// <summary>
/// <c>GET /v1/models</c>: the served models, serialized once at start-up; when models load on demand, built per
/// request with each chat model's <c>status</c>, as llama-server's router mode lists its models.
/// </summary>
public static class ModelsApi
{
    /// <summary>Maps the model list.</summary>
    public static IEndpointConventionBuilder MapModelsApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var catalog = services.GetRequiredService<ModelCatalog>();
        var options = services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        var residency = services.GetRequiredService<ModelResidency>();
        if (residency.OnDemand)
        {
            return endpoints.MapGet("/v1/models", context => WriteAsync(context, Serialize(BuildList(catalog, options, residency))))
                .WithName("ListModels");
        }

        var body = Serialize(BuildList(catalog, options));
        return endpoints.MapGet("/v1/models", context => WriteAsync(context, body))
            .WithName("ListModels");
    }

    private static byte[] Serialize(ModelList list) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(list, SimulatorJson.Context.ModelList);

    private static async Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The list: chat models only (as llama-server lists the one model it serves) unless ListAllModels; with
    /// <paramref name="residency"/>, each chat model carries its status.
    /// </summary>
    public static ModelList BuildList(ModelCatalog catalog, SimulatorOptions options, ModelResidency? residency = null)
    {
        var statuses = residency?.Snapshot().ToDictionary(entry => entry.Model, entry => entry.Status);
        var models = new List<ServedModel>(catalog.Chat);
        if (options.ListAllModels)
        {
            models.AddRange(catalog.Embedding);
            models.AddRange(catalog.Transcription);
        }

        var summaries = new List<ModelSummary>(models.Count);
        var entries = new List<ModelEntry>(models.Count);
        foreach (var model in models)
        {
            var capability = model.Kind switch
            {
                ModelKind.Chat => "completion",
                ModelKind.Embedding => "embedding",
                _ => "transcription",
            };
            summaries.Add(new ModelSummary(model.Id, model.Id, "model", [capability]));
            entries.Add(new ModelEntry(
                model.Id,
                [model.Id],
                "model",
                catalog.CreatedUnixSeconds,
                "llamacpp",
                new ModelMeta(
                    VocabType: 2,
                    NVocab: 32000,
                    NCtx: options.ContextSize,
                    NCtxTrain: options.ContextSize,
                    NEmbd: options.EmbeddingDimensions,
                    NParams: 8_000_000_000,
                    Size: 4_900_000_000,
                    Ftype: "Q4_K - Medium"),
                statuses is not null && statuses.TryGetValue(model, out var status) ? new ModelEntryStatus(StatusName(status)) : null));
        }

        return new ModelList(summaries, "list", entries);
    }

    private static string StatusName(ModelStatus status) => status switch
    {
        ModelStatus.Loaded => "loaded",
        ModelStatus.Loading => "loading",
        _ => "unloaded",
    };
}
