using System.Text.Json.Serialization;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Models;

namespace GenieHive.Facade.Json;

/// <summary>Source-generated serialization of the facade's own bodies (errors, model list).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiErrorEnvelope))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
public sealed partial class FacadeJsonContext : JsonSerializerContext;
