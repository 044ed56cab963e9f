namespace GenieHive.Contracts;

/// <summary>What a service does; also a role's <c>operation</c>.</summary>
public static class ServiceKinds
{
    public const string Chat = "chat";
    public const string Embeddings = "embeddings";
    public const string Transcription = "transcription";

    public static bool IsKnown(string? kind) => kind is Chat or Embeddings or Transcription;
}

/// <summary>Values of <c>state.health</c>. Only <see cref="Healthy"/> is routable; a missing health is not.</summary>
public static class HealthStates
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Unknown = "unknown";
}

/// <summary>Values of <c>state.availability</c> (missing means <see cref="Available"/>).</summary>
public static class Availability
{
    public const string Available = "available";
    public const string Busy = "busy";
    public const string Draining = "draining";
    public const string PausedByUser = "paused_by_user";
    public const string Offline = "offline";
    public const string Quarantined = "quarantined";

    /// <summary>True for the states in which a service takes no new requests.</summary>
    public static bool RefusesWork(string? availability) =>
        availability is Draining or PausedByUser or Offline or Quarantined;
}

/// <summary>How a node agent discovers what a model server has (<c>Discover</c> in the node configuration).</summary>
public static class DiscoveryProtocols
{
    public const string None = "none";
    public const string OpenAi = "openai";
    public const string Ollama = "ollama";
    public const string LlamaCpp = "llamacpp";
    public const string Vllm = "vllm";
}

/// <summary>Route selection strategies (<c>GenieHive:Routing:Strategy</c>).</summary>
public static class RoutingStrategies
{
    public const string Scored = "scored";
    public const string RoundRobin = "round_robin";
    public const string LeastLoaded = "least_loaded";

    public static bool IsKnown(string? strategy) => strategy is Scored or RoundRobin or LeastLoaded;
}

/// <summary>Header names on GenieHive's wire.</summary>
public static class GenieHiveHeaders
{
    public const string ApiKey = "X-Api-Key";
    public const string NodeKey = "X-GenieHive-Node-Key";
    public const string RequestId = "X-Request-Id";
    /// <summary>Set by the facade on proxied responses: the service that answered.</summary>
    public const string ServiceId = "X-GenieHive-Service";
    /// <summary>Set by the facade on proxied responses: how the name resolved (direct or role).</summary>
    public const string RouteType = "X-GenieHive-Route";
}
