namespace GenieHive.NodeAgent.Heartbeat;

/// <summary>
/// Keeps a Control outage from filling the log: the first failure of a streak is worth a warning, then at
/// most one warning per <see cref="Window"/>, the rest at debug level.
/// </summary>
internal sealed class FailureLogThrottle(TimeProvider timeProvider)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private DateTimeOffset? _lastWarning;
    private int _streak;
    private int _suppressed;

    /// <summary>Records a failure; true when it should be logged as a warning (with how many were not since).</summary>
    public bool RecordFailure(out int streak, out int suppressed)
    {
        lock (_gate)
        {
            _streak++;
            streak = _streak;
            var now = timeProvider.GetUtcNow();
            if (_lastWarning is null || now - _lastWarning >= Window)
            {
                _lastWarning = now;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = _suppressed;
            return false;
        }
    }

    /// <summary>Records a success; returns the length of the failure streak it ends (0 if none).</summary>
    public int RecordSuccess()
    {
        lock (_gate)
        {
            var streak = _streak;
            _streak = 0;
            _suppressed = 0;
            _lastWarning = null;
            return streak;
        }
    }
}
