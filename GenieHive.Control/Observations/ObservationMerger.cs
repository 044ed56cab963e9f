using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Observations;

namespace GenieHive.Control.Observations;

/// <summary>What the facades measured for one service, merged across facades.</summary>
public sealed record MergedObservation(ServiceMeasurements? Measured, ServiceCooldown? Cooldown)
{
    /// <summary>Equality for routing purposes: when the facade reported does not matter, what it reported does.</summary>
    public bool SameSignals(MergedObservation? other) =>
        other is not null
        && Equals(Measured is null ? null : Measured with { ObservedAt = 0 }, other.Measured is null ? null : other.Measured with { ObservedAt = 0 })
        && Equals(Cooldown, other.Cooldown);
}

/// <summary>
/// The latest report of every facade for every service, and their merge: requests, errors and in-flight
/// summed across facades, latencies and throughput from the facade that saw the most requests (its
/// percentiles rest on the most data), the furthest cooldown. Reports age out: in-flight counts after
/// <see cref="InFlightMaxAgeSeconds"/> (a facade that stopped reporting has nothing in flight that we know
/// of), everything after <see cref="MeasurementMaxAgeSeconds"/>.
/// </summary>
public sealed class ObservationMerger
{
    public const double MeasurementMaxAgeSeconds = 180;
    public const double InFlightMaxAgeSeconds = 10;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Entry>> _byService = new(StringComparer.Ordinal);
    private Dictionary<string, MergedObservation> _merged = new(StringComparer.Ordinal);

    /// <summary>The current merge per service id (only services with something to show). Never mutated.</summary>
    public IReadOnlyDictionary<string, MergedObservation> Current => Volatile.Read(ref _merged);

    /// <summary>Stores a facade's report (unknown services are ignored). True when a routing signal changed.</summary>
    public bool Apply(ObservationReport report, Func<string, bool> isKnownService, double now) =>
        Fold([.. report.Services.Select(observation => new ReceivedObservation(report.ReporterId, observation, now))], isKnownService, now);

    /// <summary>
    /// Stores reports as received, here or by another Control replica (unknown services are ignored). Of two reports of
    /// one facade on one service, the one received later stands, whichever arrives here first. True when a routing
    /// signal changed.
    /// </summary>
    public bool Fold(IReadOnlyList<ReceivedObservation> received, Func<string, bool> isKnownService, double now)
    {
        lock (_gate)
        {
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (reporterId, observation, receivedAt) in received)
            {
                if (!isKnownService(observation.ServiceId) || now - receivedAt > MeasurementMaxAgeSeconds)
                {
                    continue;
                }

                if (!_byService.TryGetValue(observation.ServiceId, out var reporters))
                {
                    _byService[observation.ServiceId] = reporters = new Dictionary<string, Entry>(StringComparer.Ordinal);
                }

                if (reporters.TryGetValue(reporterId, out var held) && held.ReceivedAt > receivedAt)
                {
                    continue;
                }

                reporters[reporterId] = new Entry(observation, receivedAt);
                touched.Add(observation.ServiceId);
            }

            return touched.Count > 0 && Remerge(touched, now);
        }
    }

    /// <summary>Drops aged-out reports and expired cooldowns. True when a routing signal changed.</summary>
    public bool Sweep(double now)
    {
        lock (_gate)
        {
            if (_byService.Count == 0 && _merged.Count == 0)
            {
                return false;
            }

            foreach (var (serviceId, reporters) in _byService)
            {
                foreach (var (reporterId, entry) in reporters)
                {
                    if (now - entry.ReceivedAt > MeasurementMaxAgeSeconds)
                    {
                        reporters.Remove(reporterId);
                    }
                }

                if (reporters.Count == 0)
                {
                    _byService.Remove(serviceId);
                }
            }

            return Remerge([.. _byService.Keys, .. _merged.Keys], now);
        }
    }

    private bool Remerge(IEnumerable<string> serviceIds, double now)
    {
        var next = new Dictionary<string, MergedObservation>(_merged, StringComparer.Ordinal);
        var changed = false;
        foreach (var serviceId in serviceIds.Distinct(StringComparer.Ordinal))
        {
            var merged = _byService.TryGetValue(serviceId, out var reporters) ? Merge(reporters.Values, now) : null;
            next.TryGetValue(serviceId, out var previous);
            if (merged is null)
            {
                changed |= next.Remove(serviceId);
                continue;
            }

            changed |= !merged.SameSignals(previous);
            next[serviceId] = merged;
        }

        Volatile.Write(ref _merged, next);
        return changed;
    }

    private static MergedObservation? Merge(IEnumerable<Entry> entries, double now)
    {
        long requests = 0;
        long errors = 0;
        var inFlight = 0;
        var observedAt = 0.0;
        var anything = false;
        Entry? busiest = null;
        ServiceCooldown? cooldown = null;
        foreach (var entry in entries)
        {
            var age = now - entry.ReceivedAt;
            if (age > MeasurementMaxAgeSeconds)
            {
                continue;
            }

            var o = entry.Observation;
            requests += o.Requests;
            errors += o.Errors;
            if (age <= InFlightMaxAgeSeconds)
            {
                inFlight += o.InFlight;
            }

            observedAt = Math.Max(observedAt, entry.ReceivedAt);
            anything |= o.Requests > 0 || o.InFlight > 0 || o.P50LatencyMs is not null || o.TokensPerSec is not null || o.TtftMs is not null;
            if (busiest is null || o.Requests > busiest.Observation.Requests
                || (o.Requests == busiest.Observation.Requests && entry.ReceivedAt > busiest.ReceivedAt))
            {
                busiest = entry;
            }

            if (o.CooldownUntil is { } until && until > now
                && (cooldown is null || until > cooldown.Until))
            {
                cooldown = new ServiceCooldown(until, o.CooldownReason ?? "failures",
                    Math.Max(o.ConsecutiveFailures, cooldown?.ConsecutiveFailures ?? 0));
            }
        }

        ServiceMeasurements? measured = null;
        if (anything && busiest is not null)
        {
            var source = busiest.Observation;
            measured = new ServiceMeasurements
            {
                Requests = requests,
                Errors = errors,
                P50LatencyMs = source.P50LatencyMs,
                P95LatencyMs = source.P95LatencyMs,
                TtftMs = source.TtftMs,
                TokensPerSec = source.TokensPerSec,
                InFlight = inFlight,
                ObservedAt = observedAt,
            };
        }

        return measured is null && cooldown is null ? null : new MergedObservation(measured, cooldown);
    }

    private sealed record Entry(ServiceObservation Observation, double ReceivedAt);
}

/// <summary>One facade's report on one service, and when a Control received it (Unix seconds, that Control's clock).</summary>
public sealed record ReceivedObservation(string ReporterId, ServiceObservation Observation, double ReceivedAt);
