using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GenieHive.Bench.Soak.Fleet;
using GenieHive.Bench.Soak.Stats;

namespace GenieHive.Bench.Soak.Scale;

/// <summary>
/// How fast a change reached the facade, over every change the probe made in the measured phase: from sending the
/// heartbeat and from Control's 200, over the changes seen (<see cref="Untimed"/> changes, each following one not
/// seen, are left out); <see cref="FromAckP99WithNotSeenMs"/> counts each change
/// not seen within the timeout as taking the timeout (so a lower bound when any was not seen).
/// </summary>
internal sealed record VisibilityFigures(
    int Changes,
    int NotSeen,
    double TimeoutMs,
    double PollMs,
    LatencySummary FromSend,
    LatencySummary FromAck,
    double FromAckP99WithNotSeenMs,
    IReadOnlyList<double> NotSeenAt,
    int Untimed)
{
    public static VisibilityFigures Of(IReadOnlyList<double> fromSendMs, IReadOnlyList<double> fromAckMs, IReadOnlyList<double> notSeenAt, int untimed, TimeSpan timeout, TimeSpan poll) => new(
        fromAckMs.Count + notSeenAt.Count,
        notSeenAt.Count,
        timeout.TotalMilliseconds,
        poll.TotalMilliseconds,
        LatencySummary.Of(fromSendMs),
        LatencySummary.Of(fromAckMs),
        LatencySummary.Of(fromAckMs.Concat(notSeenAt.Select(_ => timeout.TotalMilliseconds))).P99,
        [.. notSeenAt.Select(at => Math.Round(at, 1))],
        untimed);
}

/// <summary>
/// Makes changes and times how long the facade takes to route by them. Each probe host (not part of the fleet, see
/// <see cref="FleetPlan.ProbeHost"/>) serves a model no other service serves; the probe flips that service's health
/// in a heartbeat, then reads the facade's <c>GET /v1/models/{model}</c> (answered from the facade's own routing
/// snapshot) every <see cref="PollInterval"/> until the model shows as served (healthy) or not (unavailable, or gone)
/// accordingly. Timed from sending the heartbeat and from Control's 200; a change not seen within
/// <see cref="Timeout"/> counts as not seen, and the change after one not seen is not timed (the facade may still
/// show the state it flips back to, which would read as seen at once) but waited for, so that the next one is. The
/// next change follows after a random pause, so changes land at
/// every point of the publisher's and the watch's cycles. The heartbeats also keep the probe hosts fresh.
/// </summary>
internal sealed class ChangeProbe(HttpClient facade, HeartbeatDriver heartbeats, string clientKey, int fleetSize, RunClock clock)
{
    public const int Hosts = 2;

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    // Below the soak's HostTimeoutSeconds (5 s): a probe host waiting for its change is still heartbeating in time.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly List<SimulatedNode> _nodes = [.. Enumerable.Range(0, Hosts).Select(i => new SimulatedNode(FleetPlan.ProbeHost(i, fleetSize), seed: 7 + i, evolves: false))];
    private readonly LatencyLog _fromSend = new();
    private readonly LatencyLog _fromAck = new();
    private readonly LatencyLog _notSeen = new();
    private int _untimed;

    /// <summary>Registers the probe hosts (healthy) and waits until the facade serves their models: the starting state.</summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes)
        {
            if (!await heartbeats.RegisterAsync(node, cancellationToken))
            {
                return false;
            }
        }

        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < _nodes.Count; i++)
        {
            while (await ShowsServedAsync(i, cancellationToken) != true)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    return false;
                }

                await heartbeats.HeartbeatAsync(_nodes[i], cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }

        return true;
    }

    /// <summary>Changes and times, one loop per probe host, until <paramref name="stop"/>.</summary>
    public Task RunAsync(CancellationToken stop, CancellationToken abort) =>
        Task.WhenAll(Enumerable.Range(0, _nodes.Count).Select(i => Task.Run(() => LoopAsync(i, stop, abort), CancellationToken.None)));

    public VisibilityFigures Figures() => VisibilityFigures.Of(
        [.. _fromSend.Snapshot().Select(s => s.Ms)],
        [.. _fromAck.Snapshot().Select(s => s.Ms)],
        [.. _notSeen.Snapshot().Select(s => s.At)],
        Volatile.Read(ref _untimed),
        Timeout,
        PollInterval);

    private async Task LoopAsync(int probe, CancellationToken stop, CancellationToken abort)
    {
        var node = _nodes[probe];
        var random = new Random(31 + probe);
        var healthy = true;
        var previousSeen = true;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                healthy = !healthy;
                node.SetHealthy(0, healthy);
                var madeAt = clock.Seconds;
                var sent = Stopwatch.GetTimestamp();
                if (!await heartbeats.HeartbeatAsync(node, abort))
                {
                    // Control did not take the change (counted among the heartbeat errors): nothing to time.
                    continue;
                }

                var acked = Stopwatch.GetTimestamp();
                while (await ShowsServedAsync(probe, abort) != healthy)
                {
                    if (Stopwatch.GetElapsedTime(acked) > Timeout)
                    {
                        break;
                    }

                    await Task.Delay(PollInterval, abort);
                }

                var seen = Stopwatch.GetTimestamp();
                var timedOut = Stopwatch.GetElapsedTime(acked) > Timeout;
                if (!previousSeen)
                {
                    Interlocked.Increment(ref _untimed);
                }
                else if (timedOut)
                {
                    _notSeen.Add(madeAt, Timeout.TotalMilliseconds);
                }
                else
                {
                    _fromSend.Add(clock.Seconds, Stopwatch.GetElapsedTime(sent, seen).TotalMilliseconds);
                    _fromAck.Add(clock.Seconds, Stopwatch.GetElapsedTime(acked, seen).TotalMilliseconds);
                }

                previousSeen = !timedOut;
                await Task.Delay(TimeSpan.FromMilliseconds(500 + random.Next(500)), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The measured phase is over.
        }
    }

    /// <summary>True when the facade lists the probe's model as served, false when unavailable or unknown, null when it did not answer.</summary>
    private async Task<bool?> ShowsServedAsync(int probe, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models/" + FleetPlan.ProbeModel(probe));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            using var response = await facade.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return body.RootElement.TryGetProperty("geniehive", out var details)
                && details.TryGetProperty("eligible_target_count", out var targets)
                && targets.GetInt32() > 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
