using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Models;

/// <summary><c>GET /v1/models</c>: the served models, serialized once at start-up.</summary>
public static class ModelsApi
{
    /// <summary>Maps the model list.</summary>
    public static IEndpointConventionBuilder MapModelsApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var list = BuildList(services.GetRequiredService<ModelCatalog>(), services.GetRequiredService<IOptions<SimulatorOptions>>().Value);
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(list, SimulatorJson.Context.ModelList);
        return endpoints.MapGet("/v1/models", context => WriteAsync(context, body))
            .WithName("ListModels");
    }

    private static async Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The list: chat models only (as llama-server lists the one model it serves) unless ListAllModels.</summary>
    public static ModelList BuildList(ModelCatalog catalog, SimulatorOptions options)
    {
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
                    Ftype: "Q4_K - Medium")));
        }

        return new ModelList(summaries, "list", entries);
    }
}
