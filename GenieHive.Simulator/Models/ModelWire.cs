namespace GenieHive.Simulator.Models;

/// <summary>
/// <c>GET /v1/models</c> as llama-server answers it: OpenAI's list in <c>data</c> (with llama.cpp's <c>meta</c>)
/// and the Ollama-style <c>models</c> list it adds.
/// </summary>
public sealed record ModelList(IReadOnlyList<ModelSummary> Models, string Object, IReadOnlyList<ModelEntry> Data);

/// <summary>An entry of llama-server's Ollama-style <c>models</c> list.</summary>
public sealed record ModelSummary(string Name, string Model, string Type, IReadOnlyList<string> Capabilities);

/// <summary>An OpenAI model entry, with llama.cpp's <c>aliases</c> and <c>meta</c>.</summary>
public sealed record ModelEntry(string Id, IReadOnlyList<string> Aliases, string Object, long Created, string OwnedBy, ModelMeta Meta);

/// <summary>llama.cpp's model metadata; <c>n_ctx</c> and <c>n_ctx_train</c> are the configured context size.</summary>
public sealed record ModelMeta(int VocabType, int NVocab, int NCtx, int NCtxTrain, int NEmbd, long NParams, long Size, string Ftype);
