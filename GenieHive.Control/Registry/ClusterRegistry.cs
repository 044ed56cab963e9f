using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Registry;

/// <summary>
/// The in-memory registry of hosts and services: loaded from the database at start-up, changed by register and
/// heartbeat, read by listings and the routing table. One lock guards it; records are immutable, so each
/// operation under the lock is a few dictionary operations and never I/O. Writes to the database happen outside,
/// either at once (register) or batched by <see cref="RegistryMaintenance"/> (heartbeats), always from a
/// snapshot of the current state. Replicas on one PostgreSQL also take in what the others wrote
/// (<see cref="Apply"/>, from <see cref="RegistrySync"/>): a heartbeat's last_seen is merged as the latest, and a
/// registration written elsewhere replaces this replica's copy unless a change of its own is waiting to be written.
/// </summary>
public sealed class ClusterRegistry(RoutingChanges changes, IOptions<RoutingOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostRecord> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceRecord> _services = new(StringComparer.Ordinal);
    private readonly HashSet<string> _staleFlagged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyHosts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyServices = new(StringComparer.Ordinal);
    private readonly double _timeoutSeconds = options.Value.HostTimeoutSeconds;
    private double _startedAt;
    private long _storedThrough;

    /// <summary>Hosts currently flagged stale by the last sweep or heartbeat.</summary>
    public int StaleHostCount
    {
        get
        {
            lock (_gate)
            {
                return _staleFlagged.Count;
            }
        }
    }

    /// <summary>The registry sequence number up to which this registry has taken in the database's writes.</summary>
    public long StoredThrough
    {
        get
        {
            lock (_gate)
            {
                return _storedThrough;
            }
        }
    }

    /// <summary>
    /// Fills the registry from the database, as of registry sequence <paramref name="storedThrough"/> (read before
    /// the rows, so nothing written meanwhile is missed). <paramref name="startedAt"/> starts every host's grace period.
    /// </summary>
    public void Load(IEnumerable<HostRecord> hosts, IEnumerable<ServiceRecord> services, double startedAt, long storedThrough = 0)
    {
        lock (_gate)
        {
            _startedAt = startedAt;
            _storedThrough = storedThrough;
            foreach (var host in hosts)
            {
                _hosts[host.HostId] = host;
            }

            foreach (var service in services)
            {
                if (_hosts.ContainsKey(service.HostId))
                {
                    _services[service.ServiceId] = service;
                }
            }
        }
    }

    /// <summary>
    /// A stale host is one not heard from for <c>HostTimeoutSeconds</c>. Control's own start counts as having
    /// heard from everyone, so a restart does not take the whole cluster out of rotation until the next heartbeats.
    /// </summary>
    public bool IsStale(HostRecord host, double now) => now - Math.Max(host.LastSeen, _startedAt) > _timeoutSeconds;

    /// <summary>The oldest last_seen (Unix seconds) of a host that is not stale at <paramref name="now"/>, grace aside.</summary>
    public double FreshSince(double now) => now - _timeoutSeconds;

    public RegistryOutcome Register(HostRegistration registration, IReadOnlyList<ServiceRecord> services, double now)
    {
        lock (_gate)
        {
            var conflict = FindConflict(registration.HostId, services, now, out var victims);
            if (conflict is not null)
            {
                return conflict;
            }

            _hosts.TryGetValue(registration.HostId, out var existing);
            var host = new HostRecord
            {
                HostId = registration.HostId,
                DisplayName = registration.DisplayName,
                Address = registration.Address,
                Labels = registration.Labels,
                Capabilities = registration.Capabilities,
                Resources = registration.Resources,
                State = "online",
                LastSeen = now,
                Metrics = existing?.Metrics ?? [],
                RegisteredAt = existing?.RegisteredAt ?? now,
                StoredSeq = existing?.StoredSeq ?? 0,
            };

            var cameBack = _staleFlagged.Remove(host.HostId) | (existing is not null && IsStale(existing, now));
            ReplaceServices(host, services, victims);
            _dirtyHosts.Remove(host.HostId);
            _dirtyServices.Remove(host.HostId);
            changes.Mark();
            return new RegistryOutcome(RegistryStatus.Ok)
            {
                Host = ToView(_hosts[host.HostId], now),
                HostsToPersist = [host.HostId, .. victims],
                TookOverFrom = victims,
                CameBack = cameBack,
                Changed = true,
            };
        }
    }

    public RegistryOutcome Heartbeat(NodeHeartbeat heartbeat, IReadOnlyList<ServiceRecord>? services, double now)
    {
        lock (_gate)
        {
            if (!_hosts.TryGetValue(heartbeat.HostId, out var existing))
            {
                return new RegistryOutcome(RegistryStatus.UnknownHost);
            }

            var changed = false;
            var state = heartbeat.Status?.State ?? "online";
            changed |= !string.Equals(existing.State, state, StringComparison.Ordinal);
            var host = existing with
            {
                State = state,
                LastSeen = now,
                Metrics = heartbeat.Metrics ?? [],
            };

            IReadOnlyList<string> victims = [];
            if (services is { Count: > 0 } && !SameServices(existing, services))
            {
                var conflict = FindConflict(host.HostId, services, now, out var taken);
                if (conflict is not null)
                {
                    return conflict;
                }

                victims = taken;
                ReplaceServices(host, services, taken);
                _dirtyServices.Add(host.HostId);
                foreach (var victim in taken)
                {
                    _dirtyHosts.Add(victim);
                    _dirtyServices.Add(victim);
                }

                changed = true;
            }
            else
            {
                _hosts[host.HostId] = host;
            }

            // Stale by the clock counts even before the sweep flagged it: a table built meanwhile showed it stale.
            var cameBack = _staleFlagged.Remove(host.HostId) | IsStale(existing, now);
            changed |= cameBack;
            _dirtyHosts.Add(host.HostId);
            if (changed)
            {
                changes.Mark();
            }

            return new RegistryOutcome(RegistryStatus.Ok)
            {
                Host = ToView(_hosts[host.HostId], now),
                HostsToPersist = victims.Count == 0 ? [host.HostId] : [host.HostId, .. victims],
                CameBack = cameBack,
                Changed = changed,
                TookOverFrom = victims,
            };
        }
    }

    /// <summary>
    /// Flags hosts that went stale (or came back without a heartbeat, after a clock change) and marks a routing
    /// change when any did. Returns the hosts that just went stale, for the log.
    /// </summary>
    public IReadOnlyList<HostRecord> Sweep(double now)
    {
        List<HostRecord>? wentStale = null;
        var changed = false;
        lock (_gate)
        {
            foreach (var host in _hosts.Values)
            {
                var stale = IsStale(host, now);
                if (stale && _staleFlagged.Add(host.HostId))
                {
                    (wentStale ??= []).Add(host);
                    changed = true;
                }
                else if (!stale && _staleFlagged.Remove(host.HostId))
                {
                    changed = true;
                }
            }
        }

        if (changed)
        {
            changes.Mark();
        }

        return wentStale ?? [];
    }

    public bool ContainsService(string serviceId)
    {
        lock (_gate)
        {
            return _services.ContainsKey(serviceId);
        }
    }

    public RegistrySnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RegistrySnapshot([.. _hosts.Values], [.. _services.Values], _startedAt);
        }
    }

    /// <summary>The host's rows as they are now (with its services), or null if it is unknown.</summary>
    public HostPersistence? ForPersistence(string hostId)
    {
        lock (_gate)
        {
            return _hosts.TryGetValue(hostId, out var host)
                ? new HostPersistence(host, ServicesOf(host))
                : null;
        }
    }

    /// <summary>
    /// Takes the hosts changed by heartbeats since the last call (their last_seen and metrics, and their services
    /// when those changed). Called by the writer with the database lock held, so no newer state can be
    /// overwritten by an older snapshot.
    /// </summary>
    public IReadOnlyList<HostPersistence> TakeDirty()
    {
        lock (_gate)
        {
            if (_dirtyHosts.Count == 0 && _dirtyServices.Count == 0)
            {
                return [];
            }

            var result = new List<HostPersistence>(_dirtyHosts.Count);
            foreach (var hostId in _dirtyHosts.Union(_dirtyServices))
            {
                if (_hosts.TryGetValue(hostId, out var host))
                {
                    result.Add(new HostPersistence(host, _dirtyServices.Contains(hostId) ? ServicesOf(host) : null));
                }
            }

            _dirtyHosts.Clear();
            _dirtyServices.Clear();
            return result;
        }
    }

    /// <summary>Puts hosts back on the dirty list after a failed write, so the next flush retries them.</summary>
    public void MarkDirty(IEnumerable<HostPersistence> hosts)
    {
        lock (_gate)
        {
            foreach (var host in hosts)
            {
                _dirtyHosts.Add(host.Host.HostId);
                if (host.Services is not null)
                {
                    _dirtyServices.Add(host.Host.HostId);
                }
            }
        }
    }

    /// <summary>
    /// Records that the whole rows of <paramref name="written"/> (those written with their services) were committed
    /// under registry sequence <paramref name="sequence"/>, so reading them back changes nothing.
    /// </summary>
    public void MarkStored(IEnumerable<HostPersistence> written, long sequence)
    {
        lock (_gate)
        {
            // The next number after what was taken in: no other write came between (registry writes take their numbers
            // one after another), so there is nothing to read back, and the replica sync does not re-read every
            // heartbeat this replica just wrote.
            if (sequence == _storedThrough + 1)
            {
                _storedThrough = sequence;
            }

            foreach (var (host, services) in written)
            {
                if (services is not null && _hosts.TryGetValue(host.HostId, out var current) && current.StoredSeq < sequence)
                {
                    _hosts[host.HostId] = current with { StoredSeq = sequence };
                }
            }
        }
    }

    /// <summary>
    /// Takes in what the database holds from registry writes up to <see cref="RegistryChangeSet.Through"/>, this
    /// replica's and others'. A whole host newer than this replica's copy replaces it (its services move here from
    /// whichever host memory had them under), unless this replica has a change of the host's services waiting to be
    /// written, which will supersede it; a heartbeat later than memory's moves last_seen, state and metrics forward
    /// (never back). Marks a routing change when anything routing shows changed.
    /// </summary>
    public void Apply(RegistryChangeSet stored, double now)
    {
        var changed = false;
        lock (_gate)
        {
            if (stored.Hosts.Count > 0)
            {
                var servicesByHost = stored.Services.GroupBy(service => service.HostId, StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
                foreach (var host in stored.Hosts)
                {
                    changed |= ApplyWhole(host, servicesByHost.GetValueOrDefault(host.HostId) ?? []);
                }
            }

            foreach (var beat in stored.Beats)
            {
                changed |= ApplyBeat(beat, now);
            }

            _storedThrough = Math.Max(_storedThrough, stored.Through);
        }

        if (changed)
        {
            changes.Mark();
        }
    }

    public HostView ToView(HostRecord host, double now)
    {
        var stale = IsStale(host, now);
        double? staleFor = stale ? Math.Round(now - Math.Max(host.LastSeen, _startedAt) - _timeoutSeconds, 3) : null;
        return new HostView
        {
            HostId = host.HostId,
            DisplayName = host.DisplayName,
            Address = host.Address,
            Labels = host.Labels,
            Capabilities = host.Capabilities,
            Resources = host.Resources,
            Status = new HostStatus(host.State, host.LastSeen, stale, staleFor),
            Metrics = host.Metrics,
            ServiceCount = host.ServiceIds.Length,
        };
    }

    private bool ApplyWhole(HostRecord stored, List<ServiceRecord> services)
    {
        var known = _hosts.TryGetValue(stored.HostId, out var local);
        if (known && (stored.StoredSeq <= local!.StoredSeq || _dirtyServices.Contains(stored.HostId)))
        {
            return false;
        }

        var host = known && local!.LastSeen > stored.LastSeen
            ? stored with { LastSeen = local.LastSeen, State = local.State, Metrics = local.Metrics }
            : stored;
        var victims = new List<string>();
        foreach (var service in services)
        {
            if (_services.TryGetValue(service.ServiceId, out var current)
                && !string.Equals(current.HostId, host.HostId, StringComparison.Ordinal)
                && !victims.Contains(current.HostId, StringComparer.Ordinal))
            {
                victims.Add(current.HostId);
            }
        }

        ReplaceServices(host, services, victims);
        return true;
    }

    private bool ApplyBeat(StoredBeat beat, double now)
    {
        if (!_hosts.TryGetValue(beat.HostId, out var local) || beat.LastSeen <= local.LastSeen)
        {
            return false;
        }

        var updated = local with { LastSeen = beat.LastSeen, State = beat.State, Metrics = beat.Metrics };
        _hosts[beat.HostId] = updated;
        var cameBack = !IsStale(updated, now) && (IsStale(local, now) | _staleFlagged.Remove(beat.HostId));
        return cameBack || !string.Equals(local.State, beat.State, StringComparison.Ordinal);
    }

    private ServiceRecord[] ServicesOf(HostRecord host)
    {
        var result = new ServiceRecord[host.ServiceIds.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _services[host.ServiceIds[i]];
        }

        return result;
    }

    /// <summary>
    /// Whether a heartbeat reporting <paramref name="services"/> would change what <paramref name="hostId"/> serves
    /// (a service added, dropped, moved here or re-described): false for a host this replica does not know, whose
    /// heartbeat is answered "unknown host" anyway.
    /// </summary>
    public bool WouldChangeServices(string hostId, IReadOnlyList<ServiceRecord> services)
    {
        lock (_gate)
        {
            return _hosts.TryGetValue(hostId, out var host) && !SameServices(host, services);
        }
    }

    private bool SameServices(HostRecord host, IReadOnlyList<ServiceRecord> services)
    {
        if (host.ServiceIds.Length != services.Count)
        {
            return false;
        }

        foreach (var service in services)
        {
            if (!_services.TryGetValue(service.ServiceId, out var current)
                || !string.Equals(current.HostId, host.HostId, StringComparison.Ordinal)
                || !current.Fingerprint.AsSpan().SequenceEqual(service.Fingerprint))
            {
                return false;
            }
        }

        return true;
    }

    private RegistryOutcome? FindConflict(string hostId, IReadOnlyList<ServiceRecord> services, double now, out List<string> victims)
    {
        victims = [];
        foreach (var service in services)
        {
            if (_services.TryGetValue(service.ServiceId, out var current)
                && !string.Equals(current.HostId, hostId, StringComparison.Ordinal))
            {
                // A stale owner has stopped serving it (a node renamed, or moved the service): let it move
                // rather than wedge the new owner behind a 409 forever. A live owner keeps it.
                if (_hosts.TryGetValue(current.HostId, out var owner) && !IsStale(owner, now))
                {
                    return RegistryOutcome.Conflict(service.ServiceId, current.HostId);
                }

                if (!victims.Contains(current.HostId, StringComparer.Ordinal))
                {
                    victims.Add(current.HostId);
                }
            }
        }

        return null;
    }

    private void ReplaceServices(HostRecord host, IReadOnlyList<ServiceRecord> services, List<string> victims)
    {
        var previous = new Dictionary<string, ServiceRecord>(StringComparer.Ordinal);
        if (_hosts.TryGetValue(host.HostId, out var existing))
        {
            foreach (var serviceId in existing.ServiceIds)
            {
                if (_services.Remove(serviceId, out var record))
                {
                    previous[serviceId] = record;
                }
            }
        }

        var ids = new string[services.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = services[i].ServiceId;
        }

        foreach (var victimId in victims)
        {
            var victim = _hosts[victimId];
            _hosts[victimId] = victim with { ServiceIds = [.. victim.ServiceIds.Where(id => !ids.Contains(id, StringComparer.Ordinal))] };
        }

        foreach (var service in services)
        {
            // An unchanged service keeps its updated_at: it tells the operator when the service last changed.
            _services[service.ServiceId] =
                previous.TryGetValue(service.ServiceId, out var old) && old.Fingerprint.AsSpan().SequenceEqual(service.Fingerprint)
                    ? old
                    : service;
        }

        Array.Sort(ids, StringComparer.Ordinal);
        _hosts[host.HostId] = host with { ServiceIds = ids };
    }
}
