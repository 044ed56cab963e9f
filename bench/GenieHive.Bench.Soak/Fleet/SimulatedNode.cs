using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;

namespace GenieHive.Bench.Soak.Fleet;

/// <summary>
/// One simulated node agent: what it registers and the live state it heartbeats. Every heartbeat carries the next
/// sequence number in <c>metrics.seq</c>; the last one Control acknowledged must be what Control shows (and stores)
/// at the end. Now and then the engine's queue and in-flight counts move, and a fleet service flaps unhealthy, so the
/// routing table keeps changing the way a busy cluster's does (unless it is a change probe's node, which changes
/// only when told to). Used by one heartbeat loop at a time.
/// </summary>
internal sealed class SimulatedNode(PlannedHost plan, int seed, bool evolves = true)
{
    private readonly Random _random = new(seed);
    private readonly int[] _queueDepth = new int[plan.Services.Count];
    private readonly int[] _inFlight = new int[plan.Services.Count];
    private readonly bool[] _unhealthy = new bool[plan.Services.Count];

    public PlannedHost Plan { get; } = plan;

    /// <summary>The sequence number of the last heartbeat sent.</summary>
    public long LastSent { get; private set; }

    /// <summary>The sequence number of the last heartbeat Control answered 200 to.</summary>
    public long LastAcknowledged { get; private set; }

    /// <summary>Heartbeats whose live service state differed from the previous one (a routing change at Control).</summary>
    public long StateChanges { get; private set; }

    public HostRegistration Registration() => new()
    {
        HostId = Plan.HostId,
        DisplayName = "Soak host " + Plan.Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Address = Plan.Address,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trust_tier"] = "trusted",
            ["device_class"] = Plan.Index % 4 == 0 ? "gpu" : "cpu",
            ["soak"] = "true",
        },
        Capabilities = new JsonObject
        {
            [ServiceKinds.Chat] = true,
            [ServiceKinds.Embeddings] = Plan.Services.Count > 1,
            [ServiceKinds.Transcription] = false,
        },
        Resources = new JsonObject { ["cpu_threads"] = 8, ["ram_gb"] = 32, ["agent"] = "GenieHive.Bench.Soak" },
        Services = [.. Services()],
    };

    /// <summary>The next heartbeat (its sequence number is <see cref="LastSent"/> once built).</summary>
    public NodeHeartbeat NextHeartbeat(double unixNow)
    {
        if (evolves && Evolve())
        {
            StateChanges++;
        }

        LastSent++;
        return new NodeHeartbeat
        {
            HostId = Plan.HostId,
            Status = new HeartbeatStatus { State = "online", LastSeen = unixNow },
            Metrics = new JsonObject
            {
                ["seq"] = LastSent,
                ["service_count"] = Plan.Services.Count,
                ["healthy_service_count"] = _unhealthy.Count(flag => !flag),
                ["queue_depth"] = _queueDepth.Sum(),
                ["in_flight"] = _inFlight.Sum(),
            },
            Services = [.. Services()],
        };
    }

    /// <summary>Sets one service's health for the heartbeats from now on (the change probe's change).</summary>
    public void SetHealthy(int service, bool healthy) => _unhealthy[service] = !healthy;

    public void Acknowledge(long sequence) => LastAcknowledged = Math.Max(LastAcknowledged, sequence);

    /// <summary>About one heartbeat in ten changes something routing depends on; true when it did.</summary>
    private bool Evolve()
    {
        if (_random.NextDouble() >= 0.1)
        {
            return false;
        }

        var service = _random.Next(Plan.Services.Count);
        if (!Plan.TakesTraffic && _random.NextDouble() < 0.1)
        {
            // A fleet engine that stops answering its probes for a while (never a traffic host: clients would see 503s).
            _unhealthy[service] = !_unhealthy[service];
            return true;
        }

        _queueDepth[service] = _random.Next(3);
        _inFlight[service] = _random.Next(5);
        return true;
    }

    private IEnumerable<RegisteredService> Services()
    {
        for (var i = 0; i < Plan.Services.Count; i++)
        {
            var service = Plan.Services[i];
            yield return new RegisteredService
            {
                ServiceId = service.ServiceId,
                HostId = Plan.HostId,
                Kind = service.Kind,
                Protocol = "openai",
                Endpoint = service.Endpoint,
                Runtime = new ServiceRuntime { Engine = service.Engine, ContextSize = service.ContextSize },
                Assets = [new ServiceAsset { AssetId = service.AssetId, Loaded = true, ContextSize = service.ContextSize }],
                State = new ServiceState
                {
                    Health = _unhealthy[i] ? HealthStates.Unhealthy : HealthStates.Healthy,
                    LoadState = "loaded",
                    Availability = Availability.Available,
                    AcceptRequests = true,
                    Detail = _unhealthy[i] ? "probe failed: connection refused" : null,
                },
                Observed = new ServiceObserved
                {
                    P50LatencyMs = 120,
                    TokensPerSec = 45,
                    QueueDepth = _queueDepth[i],
                    InFlight = _inFlight[i],
                    LoadedModelCount = 1,
                },
            };
        }
    }
}
