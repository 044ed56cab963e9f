namespace GenieHive.NodeAgent.Api;

/// <summary><c>GET /v1/node/status</c>: how the agent is doing with Control and with each service, for operators.</summary>
internal sealed record NodeStatus(
    string HostId,
    bool ControlConfigured,
    bool Registered,
    DateTimeOffset? LastRegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    DateTimeOffset? LastAttemptAt,
    string? LastOutcome,
    string? LastError,
    int ConsecutiveFailures,
    long Registrations,
    long Heartbeats,
    IReadOnlyList<ServiceStatus> Services);

/// <summary>One service's probe history.</summary>
internal sealed record ServiceStatus(
    string ServiceId,
    string Endpoint,
    string Discover,
    bool AutoDiscovered,
    string Health,
    string? Detail,
    int ConsecutiveFailures,
    string? LastFailure,
    DateTimeOffset? LastProbeAt,
    DateTimeOffset? LastSuccessAt);
