namespace GenieHive.NodeAgent.Discovery;

/// <summary>How a health probe ended.</summary>
internal enum HealthVerdict
{
    /// <summary>The server answered that it can take requests.</summary>
    Healthy,

    /// <summary>The server answered that it cannot (for example llama.cpp's 503 while the model loads): believed at once.</summary>
    Unhealthy,

    /// <summary>No usable answer (refused, timed out): counted, and only repeated failures make the service unhealthy.</summary>
    Unreachable,
}

internal sealed record HealthOutcome(HealthVerdict Verdict, string? Detail = null)
{
    public static HealthOutcome Healthy { get; } = new(HealthVerdict.Healthy);
}
