namespace GenieHive.Simulator.Faults;

/// <summary>
/// Holds the fault in force and hands it to the requests it affects, counting down when it is limited. The
/// check on the request path is one volatile read while no fault is set.
/// </summary>
public sealed class FaultInjector
{
    public const int DefaultStatus = 500;
    public const int DefaultAfterChunks = 3;
    public const int DefaultDelayMs = 1000;

    private static readonly FaultState NoFault = new(FaultModes.None, DefaultStatus, null, null, DefaultAfterChunks, DefaultDelayMs, null);

    private readonly Lock _gate = new();
    private volatile FaultState _current = NoFault;
    private long _remaining = -1;

    /// <summary>Validates and installs a fault; returns an error message instead when the settings are invalid.</summary>
    public string? Set(FaultSettings settings)
    {
        var mode = (settings.Mode ?? FaultModes.None).ToLowerInvariant();
        if (!FaultModes.IsKnown(mode))
        {
            return $"Unknown fault mode '{settings.Mode}'; use none, error, stall, drop_mid_stream or slow_headers.";
        }

        if (settings.Status is < 100 or > 599)
        {
            return "'status' must be an HTTP status code (100-599).";
        }

        if (settings.Count is < 1)
        {
            return "'count' must be at least 1, or null for every request until reset.";
        }

        if (settings.AfterChunks is < 0 || settings.DelayMs is < 0 || settings.RetryAfterSeconds is < 0)
        {
            return "'after_chunks', 'delay_ms' and 'retry_after_seconds' must not be negative.";
        }

        if (settings.Paths is { } paths)
        {
            foreach (var path in paths)
            {
                if (string.IsNullOrEmpty(path) || path[0] != '/' || path.StartsWith("/sim", StringComparison.OrdinalIgnoreCase))
                {
                    return "'paths' must be path prefixes starting with '/' (and not under /sim).";
                }
            }
        }

        var state = new FaultState(
            mode,
            settings.Status ?? DefaultStatus,
            settings.Count,
            settings.RetryAfterSeconds,
            settings.AfterChunks ?? DefaultAfterChunks,
            settings.DelayMs ?? DefaultDelayMs,
            settings.Paths is null ? null : [.. settings.Paths]);
        lock (_gate)
        {
            _remaining = settings.Count ?? -1;
            _current = mode == FaultModes.None ? NoFault : state;
        }

        return null;
    }

    /// <summary>Back to normal behaviour.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _remaining = -1;
            _current = NoFault;
        }
    }

    /// <summary>The fault in force, with how many requests it still affects.</summary>
    public FaultState Current
    {
        get
        {
            lock (_gate)
            {
                return _current with { Remaining = _remaining < 0 ? null : _remaining };
            }
        }
    }

    /// <summary>True while a fault aimed at explicit paths is set (the middleware's cheap check).</summary>
    public bool TargetsPaths => _current.Paths is not null;

    /// <summary>The fault this request gets, or null. A limited fault is used up after its count.</summary>
    public FaultState? TryTake(PathString path, bool modelEndpoint)
    {
        if (ReferenceEquals(_current, NoFault))
        {
            return null;
        }

        lock (_gate)
        {
            var current = _current;
            if (ReferenceEquals(current, NoFault) || !current.AppliesTo(path, modelEndpoint))
            {
                return null;
            }

            if (_remaining > 0 && --_remaining == 0)
            {
                _current = NoFault;
                _remaining = -1;
            }

            return current;
        }
    }
}
