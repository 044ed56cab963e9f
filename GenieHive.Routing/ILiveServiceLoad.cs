using GenieHive.Routing.Prediction;

namespace GenieHive.Routing;

/// <summary>
/// What the caller knows right now about services that the snapshot cannot: its own requests in flight and
/// the cooldowns it imposed after failures. The facade implements it; Control's explanations use an empty one.
/// </summary>
public interface ILiveServiceLoad
{
    /// <summary>Requests this process has in flight to the service.</summary>
    int InFlight(string serviceId);

    /// <summary>When a local cooldown ends (Unix seconds), or null.</summary>
    double? CooldownUntil(string serviceId);

    /// <summary>The speeds this process measured on the service (unknown by default: the routing table's figures apply).</summary>
    LiveFigures Figures(string serviceId) => LiveFigures.Unknown;
}

/// <summary>No local knowledge: nothing in flight, no cooldowns.</summary>
public sealed class NoLiveServiceLoad : ILiveServiceLoad
{
    public static NoLiveServiceLoad Instance { get; } = new();

    public int InFlight(string serviceId) => 0;

    public double? CooldownUntil(string serviceId) => null;
}
