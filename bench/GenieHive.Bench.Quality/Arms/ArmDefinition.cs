using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenieHive.Bench.Quality.Arms;

/// <summary>
/// One way of routing the trace. A strategy arm is GenieHive itself, configured: Control's
/// <c>GenieHive:Routing:Strategy</c> and any further Control or facade settings, with requests naming the model. A
/// router arm routes client-side (<c>random</c>, <c>reference</c>) to an engine of its choice, by service id through the
/// same facade. The list lives in <c>arms.json</c>; <c>--arm name=strategy</c> adds one.
/// </summary>
internal sealed record ArmDefinition
{
    public const string RandomRouter = "random";
    public const string ReferenceRouter = "reference";

    public required string Name { get; init; }

    /// <summary>Control's <c>GenieHive:Routing:Strategy</c> (strategy arms).</summary>
    public string? Strategy { get; init; }

    /// <summary><c>random</c> or <c>reference</c> (router arms).</summary>
    public string? Router { get; init; }

    /// <summary>Extra Control settings (<c>key: value</c>, keys as in configuration: <c>GenieHive:Routing:...</c>).</summary>
    public IReadOnlyDictionary<string, string> Control { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra facade settings, likewise.</summary>
    public IReadOnlyDictionary<string, string> Facade { get; init; } = new Dictionary<string, string>();

    public bool RoutesClientSide => Router is not null;

    public bool IsReference => string.Equals(Router, ReferenceRouter, StringComparison.Ordinal);

    /// <summary>Reads <c>{"arms":[...]}</c> and checks each arm is one or the other kind.</summary>
    public static IReadOnlyList<ArmDefinition> Load(string path)
    {
        var file = JsonSerializer.Deserialize<ArmFile>(File.ReadAllText(path), FileOptions)
            ?? throw new ArgumentException(path + " is empty.");
        foreach (var arm in file.Arms)
        {
            arm.Validate(path);
        }

        return file.Arms;
    }

    /// <summary>An arm from <c>--arm name=strategy</c>.</summary>
    public static ArmDefinition Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw new ArgumentException("--arm takes name=strategy (a GenieHive:Routing:Strategy value), got '" + text + "'.");
        }

        return new ArmDefinition { Name = text[..equals], Strategy = text[(equals + 1)..] };
    }

    private void Validate(string source)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException(source + ": an arm without a name.");
        }

        if ((Strategy is null) == (Router is null))
        {
            throw new ArgumentException(source + ": arm '" + Name + "' needs exactly one of 'strategy' and 'router'.");
        }

        if (Router is not null and not RandomRouter and not ReferenceRouter)
        {
            throw new ArgumentException(source + ": arm '" + Name + "' has router '" + Router + "'; expected random or reference.");
        }
    }

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record ArmFile([property: JsonRequired] IReadOnlyList<ArmDefinition> Arms);
}
