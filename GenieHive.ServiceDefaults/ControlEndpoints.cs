using Microsoft.Extensions.Logging;

namespace GenieHive.ServiceDefaults;

/// <summary>
/// The ordered Control URLs a client may use, the one in use, and the rule for moving on: a failed URL is skipped for
/// <see cref="Cooldown"/>, and the client stays on the URL it moved to until that one fails (no flapping back to the
/// first when its cooldown ends). What counts as a failure is <see cref="ControlFailoverHandler"/>'s to decide.
/// </summary>
public sealed partial class ControlEndpoints
{
    /// <summary>How long a failed URL is skipped by default: long enough not to bounce between two dead replicas every call.</summary>
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Uri[] _endpoints;
    private readonly DateTimeOffset[] _coolUntil;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _current;

    public ControlEndpoints(IEnumerable<Uri> endpoints, TimeProvider time, ILogger<ControlEndpoints> logger, TimeSpan? cooldown = null)
    {
        _endpoints = [.. endpoints];
        _coolUntil = new DateTimeOffset[_endpoints.Length];
        _time = time;
        _logger = logger;
        Cooldown = cooldown ?? DefaultCooldown;
    }

    public TimeSpan Cooldown { get; }

    public IReadOnlyList<Uri> All => _endpoints;

    /// <summary>The URL calls go to now; null when none is configured.</summary>
    public Uri? Current
    {
        get
        {
            lock (_gate)
            {
                return _endpoints.Length == 0 ? null : _endpoints[_current];
            }
        }
    }

    /// <summary>
    /// Records that a call to <paramref name="endpoint"/> failed. When it is the URL in use, moves to the next one in
    /// order that is not cooling down (or, all cooling, the one whose cooldown ends first). A failure reported late, by a
    /// call that started before another call moved, only extends that URL's cooldown.
    /// </summary>
    public void Failed(Uri endpoint, string reason)
    {
        Uri from;
        Uri to;
        lock (_gate)
        {
            var index = Array.IndexOf(_endpoints, endpoint);
            if (index < 0)
            {
                return;
            }

            var now = _time.GetUtcNow();
            _coolUntil[index] = now + Cooldown;
            if (index != _current || _endpoints.Length == 1)
            {
                return;
            }

            var next = -1;
            for (var step = 1; step < _endpoints.Length && next < 0; step++)
            {
                var candidate = (index + step) % _endpoints.Length;
                if (_coolUntil[candidate] <= now)
                {
                    next = candidate;
                }
            }

            if (next < 0)
            {
                next = (index + 1) % _endpoints.Length;
                for (var i = 0; i < _endpoints.Length; i++)
                {
                    if (i != index && _coolUntil[i] < _coolUntil[next])
                    {
                        next = i;
                    }
                }
            }

            _current = next;
            from = endpoint;
            to = _endpoints[next];
        }

        LogMoved(_logger, from, to, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control at {From} failed ({Reason}); moving to {To}")]
    private static partial void LogMoved(ILogger logger, Uri from, Uri to, string reason);
}
