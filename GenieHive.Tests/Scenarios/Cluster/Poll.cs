using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios.Cluster;

/// <summary>Bounded waits on background state (heartbeats, sweeps, routing tables): poll, never sleep.</summary>
public static class Poll
{
    /// <summary>Polls until <paramref name="condition"/> holds; returns how long that took; fails after <paramref name="timeout"/> (scaled).</summary>
    public static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, LogSink? logs = null) =>
        Testing.Eventually.UntilAsync(condition, what, timeout, logs is null ? null : () => "Recent warnings:\n" + logs.Tail());
}
