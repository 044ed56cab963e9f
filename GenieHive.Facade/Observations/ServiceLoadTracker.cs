using System.Collections.Concurrent;
using GenieHive.Routing;
using GenieHive.Routing.Prediction;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Observations;

/// <summary>
/// Per-service live state of this facade: the <see cref="ILiveServiceLoad"/> the selector consults (in flight,
/// local cooldowns) and the measurements reported to Control.
/// </summary>
public sealed class ServiceLoadTracker(IOptions<CooldownOptions> cooldown, IOptions<ObservationsOptions> observations) : ILiveServiceLoad
{
    private readonly ConcurrentDictionary<string, ServiceStats> _services = new(StringComparer.Ordinal);
    private readonly int _windowSize = observations.Value.WindowSize;
    private readonly double _baseSeconds = cooldown.Value.BaseSeconds;
    private readonly double _maxSeconds = cooldown.Value.MaxSeconds;

    public ServiceStats Get(string serviceId) =>
        _services.TryGetValue(serviceId, out var stats)
            ? stats
            : _services.GetOrAdd(serviceId, static (id, size) => new ServiceStats(id, size), _windowSize);

    public int InFlight(string serviceId) => _services.TryGetValue(serviceId, out var stats) ? stats.InFlight : 0;

    public LiveFigures Figures(string serviceId) =>
        _services.TryGetValue(serviceId, out var stats) ? stats.Speeds.Current with { AwaitingSince = stats.OldestAwaitingSince } : LiveFigures.Unknown;

    public double? CooldownUntil(string serviceId) => _services.TryGetValue(serviceId, out var stats) ? stats.CooldownUntil : null;

    /// <summary>Puts a service into cooldown after a failure; returns the cooldown's length in seconds.</summary>
    public double CoolDown(ServiceStats stats, double now, string reason, double? retryAfterSeconds = null) =>
        stats.CoolDown(now, reason, _baseSeconds, _maxSeconds, retryAfterSeconds);

    /// <summary>Every service this facade has talked to.</summary>
    public ICollection<ServiceStats> All => _services.Values;
}
