using System.Text.Json.Serialization;
using GenieHive.Facade.Console;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Models;

namespace GenieHive.Facade.Json;

/// <summary>Source-generated serialization of the facade's own bodies (errors, model list, the console's reads).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiErrorEnvelope))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(RecentRequestList))]
[JsonSerializable(typeof(ScoringView))]
[JsonSerializable(typeof(ServiceSpeedList))]
public sealed partial class FacadeJsonContext : JsonSerializerContext;
