namespace GenieHive.Contracts;

/// <summary>What a service does; also a role's <c>operation</c>.</summary>
public static class ServiceKinds
{
    public const string Chat = "chat";
    public const string Embeddings = "embeddings";
    public const string Transcription = "transcription";

    /// <summary>Scores documents against a query (<c>POST /v1/rerank</c>, the Jina/Cohere shape llama.cpp and vLLM serve).</summary>
    public const string Rerank = "rerank";

    /// <summary>Every kind, in the order routing indexes them.</summary>
    public static readonly IReadOnlyList<string> All = [Chat, Embeddings, Transcription, Rerank];

    /// <summary>The kinds as error messages list them.</summary>
    public const string Expected = Chat + ", " + Embeddings + ", " + Transcription + " or " + Rerank;

    public static bool IsKnown(string? kind) => kind is Chat or Embeddings or Transcription or Rerank;
}

/// <summary>
/// Client protocols a service may speak natively (<c>runtime.protocols</c>). A chat service always speaks
/// <see cref="OpenAiChat"/>; for the others the facade passes a request through only when the service claims the
/// protocol, and otherwise translates it to chat completions.
/// </summary>
public static class ClientProtocols
{
    public const string OpenAiChat = "openai.chat";
    public const string AnthropicMessages = "anthropic.messages";
    public const string OpenAiResponses = "openai.responses";

    /// <summary>True when <paramref name="runtime"/> claims <paramref name="protocol"/> (compared ignoring case).</summary>
    public static bool Speaks(Nodes.ServiceRuntime? runtime, string protocol)
    {
        if (runtime?.Protocols is not { } protocols)
        {
            return false;
        }

        foreach (var claimed in protocols)
        {
            if (string.Equals(claimed?.Trim(), protocol, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Values of <c>state.health</c>. Only <see cref="Healthy"/> is routable; a missing health is not.</summary>
public static class HealthStates
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Unknown = "unknown";

    /// <summary>
    /// A reported health as Control keeps it: trimmed and lower-cased (<c>"Healthy"</c> is <see cref="Healthy"/>).
    /// Other words are kept (engines and older agents say <c>starting</c> or <c>degraded</c>); they are not routable.
    /// </summary>
    public static string? Canonical(string? health) =>
        string.IsNullOrWhiteSpace(health) ? null : health.Trim().ToLowerInvariant();
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

    /// <summary>Every value, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<string> All = [Available, Busy, Draining, PausedByUser, Offline, Quarantined];

    /// <summary>True for the (canonical) states in which a service takes no new requests.</summary>
    public static bool RefusesWork(string? availability) =>
        availability is Draining or PausedByUser or Offline or Quarantined;

    /// <summary>
    /// A reported availability as Control keeps it: one of <see cref="All"/>, matched ignoring case and surrounding
    /// spaces (<c>"Draining"</c> is <see cref="Draining"/>); null for a missing value and for an unknown word.
    /// </summary>
    /// <remarks>
    /// Case and spacing are normalised rather than refused: the word is unambiguous, and refusing it would take the
    /// whole host out of the cluster over a capital letter. An unknown word is refused at registration (400 naming
    /// the field), since nobody can tell whether it means the service takes work.
    /// </remarks>
    public static string? Canonical(string? availability)
    {
        if (string.IsNullOrWhiteSpace(availability))
        {
            return null;
        }

        var trimmed = availability.Trim();
        foreach (var value in All)
        {
            if (string.Equals(value, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
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
