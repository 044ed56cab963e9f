namespace GenieHive.Simulator.Models;

/// <summary>
/// <c>GET /v1/models</c> as llama-server answers it: OpenAI's list in <c>data</c> (with llama.cpp's <c>meta</c>)
/// and the Ollama-style <c>models</c> list it adds.
/// </summary>
public sealed record ModelList(IReadOnlyList<ModelSummary> Models, string Object, IReadOnlyList<ModelEntry> Data);

/// <summary>An entry of llama-server's Ollama-style <c>models</c> list.</summary>
public sealed record ModelSummary(string Name, string Model, string Type, IReadOnlyList<string> Capabilities);

/// <summary>
/// An OpenAI model entry, with llama.cpp's <c>aliases</c> and <c>meta</c>, and (when models load on demand) the
/// <c>status</c> llama-server's router mode gives each model.
/// </summary>
public sealed record ModelEntry(
    string Id,
    IReadOnlyList<string> Aliases,
    string Object,
    long Created,
    string OwnedBy,
    ModelMeta Meta,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ModelEntryStatus? Status = null);

/// <summary>llama-server router mode's model status: <c>loaded</c>, <c>loading</c> or <c>unloaded</c>.</summary>
public sealed record ModelEntryStatus(string Value);

/// <summary>Ollama's <c>GET /api/tags</c>: the models on disk.</summary>
public sealed record OllamaTagList(IReadOnlyList<OllamaTag> Models);

/// <summary>One model of <c>/api/tags</c>.</summary>
public sealed record OllamaTag(string Name, string Model, string ModifiedAt, long Size, string Digest, OllamaModelDetails Details);

/// <summary>Ollama's <c>GET /api/ps</c>: the models in memory.</summary>
public sealed record OllamaRunningList(IReadOnlyList<OllamaRunningModel> Models);

/// <summary>One model of <c>/api/ps</c>; <c>expires_at</c> is far off, as a model here stays until evicted.</summary>
public sealed record OllamaRunningModel(
    string Name,
    string Model,
    long Size,
    string Digest,
    OllamaModelDetails Details,
    string ExpiresAt,
    long SizeVram,
    int ContextLength);

/// <summary>Ollama's model details (the simulator describes every model alike).</summary>
public sealed record OllamaModelDetails(
    string ParentModel,
    string Format,
    string Family,
    IReadOnlyList<string> Families,
    string ParameterSize,
    string QuantizationLevel);

/// <summary>llama.cpp's model metadata; <c>n_ctx</c> and <c>n_ctx_train</c> are the configured context size.</summary>
public sealed record ModelMeta(int VocabType, int NVocab, int NCtx, int NCtxTrain, int NEmbd, long NParams, long Size, string Ftype);
