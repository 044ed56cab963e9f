namespace GenieHive.Facade.Models;

/// <summary><c>GET /v1/models</c>: OpenAI's list shape.</summary>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    public string Object { get; init; } = "list";
}

/// <summary>One OpenAI model entry, plus what GenieHive knows about the name.</summary>
public sealed record ModelEntry
{
    public required string Id { get; init; }
    public string Object { get; init; } = "model";

    /// <summary>Unix seconds: when the routing table that lists the name was built.</summary>
    public long Created { get; init; }
    public required string OwnedBy { get; init; }
    public required ModelDetails Geniehive { get; init; }
}

/// <summary>The <c>geniehive</c> object of a model entry.</summary>
public sealed record ModelDetails
{
    /// <summary><c>role</c>, <c>service</c> or <c>asset</c>.</summary>
    public required string RouteType { get; init; }
    public required string Kind { get; init; }

    /// <summary><c>healthy</c> when a request would be served now, else <c>unavailable</c>.</summary>
    public required string Health { get; init; }
    public bool Loaded { get; init; }
    public double? BestP50LatencyMs { get; init; }
    public int EligibleTargetCount { get; init; }
    public string? FallbackVia { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? Modality { get; init; }
}
