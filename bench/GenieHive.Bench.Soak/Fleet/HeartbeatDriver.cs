using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GenieHive.Bench.Soak.Stats;
using GenieHive.Contracts;
using GenieHive.Contracts.Json;

namespace GenieHive.Bench.Soak.Fleet;

/// <summary>
/// Registers the simulated nodes and heartbeats each of them every interval, each node on its own loop (spread over
/// the interval, as agents started at different times are), as a node agent does: one request at a time per node,
/// a 404 answered by registering again. Every call is timed client-side; anything but a 200 is an error.
/// </summary>
internal sealed class HeartbeatDriver(HttpClient control, IReadOnlyList<SimulatedNode> nodes, SoakSettings settings, RunClock clock)
{
    /// <summary>Rounds between two re-registrations of the same re-registering node (an agent restart).</summary>
    private const int ReregisterEveryRounds = 300;

    private readonly List<Task> _loops = [];
    private long _sent;
    private long _phase;
    private long _missedTicks;
    private long _reregistrations;

    public LatencyLog Heartbeats { get; } = new();
    public LatencyLog Registrations { get; } = new();
    public ErrorBook Errors { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Timer ticks a node skipped because its previous heartbeat was still running (late heartbeats).</summary>
    public long MissedTicks => Interlocked.Read(ref _missedTicks);

    public long Reregistrations => Interlocked.Read(ref _reregistrations);

    /// <summary>
    /// Registers every node, a few at a time, and starts each node's heartbeat loop as soon as it is registered, as an
    /// agent does (a node left silent for <c>HostTimeoutSeconds</c> after registering would go stale). True when all
    /// were accepted. The loops heartbeat until <paramref name="stop"/> fires; a heartbeat in progress then completes
    /// (its answer decides whether it counts), so at the end every node's last sent sequence number is known to be
    /// acknowledged or failed. <paramref name="abort"/> cancels calls in progress (only for a run that is being killed).
    /// </summary>
    public async Task<bool> StartAsync(CancellationToken stop, CancellationToken abort)
    {
        var ok = 0;
        await Parallel.ForEachAsync(nodes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = abort }, async (node, ct) =>
        {
            if (await RegisterAsync(node, ct))
            {
                Interlocked.Increment(ref ok);
                var loop = Task.Run(() => NodeLoopAsync(node, stop, abort), CancellationToken.None);
                lock (_loops)
                {
                    _loops.Add(loop);
                }
            }
        });
        return ok == nodes.Count;
    }

    /// <summary>Completes when every started loop has stopped (after <c>stop</c>).</summary>
    public Task Completion
    {
        get
        {
            lock (_loops)
            {
                return Task.WhenAll(_loops.ToArray());
            }
        }
    }

    /// <summary>
    /// Starts the measured phase: heartbeat latencies and the sent count cover only heartbeats sent from now on (the
    /// warm-up's are dropped); errors and acknowledgements count whenever they happen.
    /// </summary>
    public void BeginMeasuring()
    {
        Heartbeats.Clear();
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Increment(ref _phase);
    }

    private async Task NodeLoopAsync(SimulatedNode node, CancellationToken stop, CancellationToken abort)
    {
        var interval = settings.HeartbeatInterval;
        var rounds = 0;
        long started = 0;
        try
        {
            await Task.Delay(interval * node.Plan.Index / nodes.Count, stop);
            started = Stopwatch.GetTimestamp();
            using var timer = new PeriodicTimer(interval);
            do
            {
                rounds++;
                if (Reregisters(node) && rounds % ReregisterEveryRounds == node.Plan.Index % ReregisterEveryRounds)
                {
                    Interlocked.Increment(ref _reregistrations);
                    await RegisterAsync(node, abort);
                }

                await HeartbeatAsync(node, abort);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The measured phase is over.
        }

        if (started != 0)
        {
            // A heartbeat slower than the interval makes the timer skip ticks: the node fell behind its schedule.
            var due = (long)(Stopwatch.GetElapsedTime(started) / interval) + 1;
            Interlocked.Add(ref _missedTicks, Math.Max(0, due - rounds - 1)); // -1: the tick the stop cut off
        }
    }

    // A quarter of the fleet restarts its agent once in a while; traffic hosts never do (no need to: same path).
    private static bool Reregisters(SimulatedNode node) => !node.Plan.TakesTraffic && node.Plan.Index % 4 == 1;

    /// <summary>Registers one node; true when Control answered 200. Also used by the change probe for its own nodes.</summary>
    public async Task<bool> RegisterAsync(SimulatedNode node, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(node.Registration(), GenieHiveJsonContext.Default.HostRegistration);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await control.SendAsync(Post("/v1/nodes/register", body), cancellationToken);
            Registrations.Add(clock.Seconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Errors.Add("register_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    node.Plan.HostId + ": " + await response.Content.ReadAsStringAsync(cancellationToken));
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Errors.Add("register_" + ex.GetType().Name, node.Plan.HostId + ": " + ex.Message);
            return false;
        }
    }

    /// <summary>Sends one node's next heartbeat; true when Control acknowledged it. Also used by the change probe.</summary>
    public async Task<bool> HeartbeatAsync(SimulatedNode node, CancellationToken cancellationToken)
    {
        var heartbeat = node.NextHeartbeat(RunClock.UnixNow);
        var sequence = node.LastSent;
        var body = JsonSerializer.SerializeToUtf8Bytes(heartbeat, GenieHiveJsonContext.Default.NodeHeartbeat);
        var phase = Interlocked.Read(ref _phase);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await control.SendAsync(Post("/v1/nodes/heartbeat", body), cancellationToken);
            var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Record(phase, started);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    // Control answers with the host as it now holds it: the metrics must be the ones just sent.
                    var ack = JsonSerializer.Deserialize(payload, GenieHiveJsonContext.Default.NodeAck);
                    var echoed = ack?.Host.Metrics?["seq"]?.GetValue<long>();
                    if (echoed != sequence)
                    {
                        Errors.Add("heartbeat_ack_mismatch", node.Plan.HostId + ": sent seq " + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            + ", Control answered " + (echoed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));
                        return false;
                    }

                    node.Acknowledge(sequence);
                    return true;
                case HttpStatusCode.NotFound:
                    // Control lost the host: an error in a soak run, and what an agent does about it.
                    Errors.Add("heartbeat_unknown_host", node.Plan.HostId);
                    await RegisterAsync(node, cancellationToken);
                    return false;
                default:
                    Errors.Add("heartbeat_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        node.Plan.HostId + ": " + System.Text.Encoding.UTF8.GetString(payload));
                    return false;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            Record(phase, started);
            Errors.Add("heartbeat_" + ex.GetType().Name, node.Plan.HostId + ": " + ex.Message);
            return false;
        }
    }

    // Counted only when sent in the current phase: a warm-up heartbeat answered after BeginMeasuring is not measured.
    private void Record(long phase, long started)
    {
        if (phase == Interlocked.Read(ref _phase))
        {
            Interlocked.Increment(ref _sent);
            Heartbeats.Add(clock.Seconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private HttpRequestMessage Post(string path, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(GenieHiveHeaders.NodeKey, settings.NodeKey);
        return request;
    }
}
