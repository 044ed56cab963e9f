using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Transcriptions;

namespace GenieHive.Simulator.Wire;

/// <summary>
/// Source-generated JSON for the simulator's structured answers (snake_case, as llama-server and OpenAI write).
/// The hot paths (completions, embeddings) write with <c>Utf8JsonWriter</c> directly instead.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(OllamaTagList))]
[JsonSerializable(typeof(OllamaRunningList))]
[JsonSerializable(typeof(SlotInfo[]))]
[JsonSerializable(typeof(PropsInfo))]
[JsonSerializable(typeof(FaultSettings))]
[JsonSerializable(typeof(FaultState))]
[JsonSerializable(typeof(SimStats))]
[JsonSerializable(typeof(TranscriptionJson))]
[JsonSerializable(typeof(VerboseTranscription))]
public sealed partial class SimulatorJsonContext : JsonSerializerContext;

/// <summary>
/// The JSON settings every simulator answer uses: snake_case, and no HTML-safe escaping (llama-server writes
/// <c>'</c>, <c>&lt;</c> and <c>+</c> as they are, and so do we).
/// </summary>
public static class SimulatorJson
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static SimulatorJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = Encoder,
    });

    /// <summary>Options for <c>Utf8JsonWriter</c>s on the hot paths (their output is built correct by construction).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Encoder, SkipValidation = true };
}
