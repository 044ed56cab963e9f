namespace GenieHive.Routing.Catalog;

/// <summary>Values of <see cref="ModelListing.RouteType"/>.</summary>
public static class ModelRouteTypes
{
    /// <summary>A role id: the request is routed over the role's eligible services.</summary>
    public const string Role = "role";

    /// <summary>A service id: the request goes to that service.</summary>
    public const string Service = "service";

    /// <summary>An asset id (a model name) served by one or more services.</summary>
    public const string Asset = "asset";
}

/// <summary>Values of <see cref="ModelListing.Health"/>.</summary>
public static class ModelHealth
{
    /// <summary>A request for this id would be served now (for a role, possibly through a fallback role).</summary>
    public const string Healthy = "healthy";

    /// <summary>The id is known but nothing can serve it now: a request gets 503.</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>
/// One entry of <c>GET /v1/models</c>, precomputed with the snapshot: every role (also one with no healthy
/// target) and every service id and asset id that at least one registered service has. When a role and a
/// service or asset share an id, the role is listed (a request for that id reaches the role unless the direct
/// name can serve). Sorted by <see cref="Id"/>.
/// </summary>
public sealed record ModelListing
{
    /// <summary>The name clients put in <c>model</c>.</summary>
    public required string Id { get; init; }

    /// <summary><see cref="ModelRouteTypes.Role"/>, <see cref="ModelRouteTypes.Service"/> or <see cref="ModelRouteTypes.Asset"/>.</summary>
    public required string RouteType { get; init; }

    /// <summary>The operation: <c>chat</c>, <c>embeddings</c> or <c>transcription</c> (a role's <c>operation</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>OpenAI's <c>owned_by</c>: the host id of the (best) serving service, or <c>geniehive-role</c> for roles.</summary>
    public required string OwnedBy { get; init; }

    /// <summary><see cref="ModelHealth.Healthy"/> when a request would be served now, else <see cref="ModelHealth.Unavailable"/>.</summary>
    public required string Health { get; init; }

    /// <summary>Any eligible target has a loaded asset.</summary>
    public bool Loaded { get; init; }

    /// <summary>The lowest p50 latency (ms) among the eligible targets, measured or reported; null when unknown.</summary>
    public double? BestP50LatencyMs { get; init; }

    /// <summary>
    /// Eligible targets: for a direct id, the services that would take the request; for a role, the services of
    /// its own pool (fallback roles ignored, so a role served only through a fallback counts 0).
    /// </summary>
    public int EligibleTargetCount { get; init; }

    /// <summary>For a role served through a fallback role: that role's id.</summary>
    public string? FallbackVia { get; init; }

    /// <summary>Roles only.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Roles only.</summary>
    public string? Description { get; init; }

    /// <summary>Roles only (<c>text</c>, ...).</summary>
    public string? Modality { get; init; }
}

/// <summary><c>owned_by</c> of role entries.</summary>
public static class ModelOwners
{
    public const string Role = "geniehive-role";
}
