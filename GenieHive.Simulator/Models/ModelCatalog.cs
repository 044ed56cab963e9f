using System.Text;
using System.Text.Json;
using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Models;

/// <summary>What a model is served for; a request naming a model of another kind is an unknown model.</summary>
public enum ModelKind
{
    Chat,
    Embedding,
    Transcription,
}

/// <summary>One configured model, with its id pre-encoded for the response writers.</summary>
public sealed class ServedModel(string id, ModelKind kind)
{
    public string Id { get; } = id;

    public ModelKind Kind { get; } = kind;

    /// <summary>The id as UTF-8, to compare with request bytes without allocating a string.</summary>
    public byte[] Utf8Id { get; } = Encoding.UTF8.GetBytes(id);

    /// <summary>The id JSON-escaped once, written into every response.</summary>
    public JsonEncodedText JsonId { get; } = JsonEncodedText.Encode(id, SimulatorJson.Encoder);
}

/// <summary>The models this simulator serves, by kind, fixed at start-up.</summary>
public sealed class ModelCatalog
{
    public ModelCatalog(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
    {
        var value = options.Value;
        Chat = [.. value.ChatModels.Select(id => new ServedModel(id, ModelKind.Chat))];
        Embedding = [.. value.EmbeddingModels.Select(id => new ServedModel(id, ModelKind.Embedding))];
        Transcription = [.. value.TranscriptionModels.Select(id => new ServedModel(id, ModelKind.Transcription))];
        CreatedUnixSeconds = timeProvider.GetUtcNow().ToUnixTimeSeconds();
    }

    public IReadOnlyList<ServedModel> Chat { get; }

    public IReadOnlyList<ServedModel> Embedding { get; }

    public IReadOnlyList<ServedModel> Transcription { get; }

    /// <summary>When the "model was loaded": the <c>created</c> of every <c>/v1/models</c> entry.</summary>
    public long CreatedUnixSeconds { get; }

    public IReadOnlyList<ServedModel> Of(ModelKind kind) => kind switch
    {
        ModelKind.Chat => Chat,
        ModelKind.Embedding => Embedding,
        _ => Transcription,
    };

    /// <summary>The model of this kind whose id is exactly <paramref name="name"/>, or null.</summary>
    public ServedModel? Find(ModelKind kind, string name)
    {
        var models = Of(kind);
        for (var i = 0; i < models.Count; i++)
        {
            if (string.Equals(models[i].Id, name, StringComparison.Ordinal))
            {
                return models[i];
            }
        }

        return null;
    }

    /// <summary>The model to use when a request names none: the first of its kind, or null when none is configured.</summary>
    public ServedModel? Default(ModelKind kind)
    {
        var models = Of(kind);
        return models.Count > 0 ? models[0] : null;
    }
}
