using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Routing;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Observations;

/// <summary>
/// Measures a chat service before a client has to. A service nobody has measured is presumed as fast as the best of
/// its peers (<see cref="GenieHive.Routing.Prediction.DelayPredictor"/>), so the first requests of a new cluster
/// explore every engine, and on a slow one each costs its client seconds: with three engines of 150 ms / 1 s to
/// first token and 50 / 8 tokens/s, one exploratory request on the slow one was the whole p99 of a 66-request trace
/// (bench/quality.sh, heterogeneous-80). So when a routing table brings a routable chat service with its model loaded,
/// nothing in flight there, and no time to first token or decode speed known (neither this facade's nor the table's),
/// the facade sends it one short streamed completion (<see cref="MaxTokens"/> tokens) and learns both from it as from
/// any answer (<see cref="TrafficMeter.ProbeEnded"/>). A probe is this facade's own: it is not a client request, so it
/// stays out of the observations reported to Control and of the recent requests. A model that is not loaded is not
/// probed (that would load it, perhaps evicting another), and a probe that fails is tried again only after
/// <see cref="RetrySeconds"/>. <c>GenieHive:RequestRouting:ProbeUnmeasuredServices=false</c> turns probing off.
/// </summary>
internal sealed partial class SpeedProbe(
    RoutingState routing,
    ServiceLoadTracker tracker,
    UpstreamClient upstream,
    TrafficMeter meter,
    IOptions<RequestRoutingOptions> options,
    TimeProvider time,
    ILogger<SpeedProbe> logger) : BackgroundService
{
    /// <summary>Tokens a probe asks for: enough intervals between tokens to time decoding, few enough to cost little.</summary>
    public const int MaxTokens = 16;

    /// <summary>
    /// Probes running at once: one, so that engines sharing a machine (the usual local cluster) are not measured while
    /// competing with each other's probes, and a cluster that appears all at once is measured an engine at a time.
    /// </summary>
    public const int Concurrency = 1;

    /// <summary>A failed or unanswered probe is tried again after this long.</summary>
    public const double RetrySeconds = 300;

    /// <summary>How often the table is looked at again when it did not change (a failed probe comes due, a service goes idle).</summary>
    private const double RescanSeconds = 30;

    /// <summary>The whole probe, answer included, may take this long (a slow CPU engine decoding 16 tokens: seconds).</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A probe's answer larger than this is not a 16-token answer; reading stops there.</summary>
    private const int MaxAnswerBytes = 256 * 1024;

    private static readonly UpstreamPath ChatPath = new("/v1/chat/completions");
    private static readonly UpstreamPath ModelsPath = new("/v1/models");

    // Service id → when it may be probed again (Unix seconds). Only the loop touches it.
    private readonly Dictionary<string, double> _notBefore = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ProbeUnmeasuredServices)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var scannedVersion = -1L;
        var scannedAt = double.NegativeInfinity;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.UnixSeconds();
                if (routing.Current is not { } snapshot || (snapshot.Version == scannedVersion && now - scannedAt < RescanSeconds))
                {
                    continue;
                }

                scannedVersion = snapshot.Version;
                scannedAt = now;
                foreach (var batch in Due(snapshot, now).Chunk(Concurrency))
                {
                    await Task.WhenAll(batch.Select(target => ProbeAsync(target, stoppingToken)));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The snapshot's chat services to probe now, each once, through its direct route (the loaded model).</summary>
    internal List<RouteTarget> Due(RoutingSnapshot snapshot, double now)
    {
        var due = new List<RouteTarget>();
        foreach (var service in snapshot.Table.Services)
        {
            if (!service.Routable || !string.Equals(service.Kind, ServiceKinds.Chat, StringComparison.Ordinal)
                || (_notBefore.TryGetValue(service.ServiceId, out var notBefore) && now < notBefore)
                || tracker.InFlight(service.ServiceId) > 0)
            {
                continue;
            }

            var own = tracker.Figures(service.ServiceId);
            if (double.IsFinite(own.TtftMs) || double.IsFinite(own.DecodeTokensPerSec))
            {
                continue;
            }

            var target = snapshot.Find(service.ServiceId, ServiceKinds.Chat)?.Targets.FirstOrDefault(t => t.Loaded && string.Equals(t.ServiceId, service.ServiceId, StringComparison.Ordinal));
            if (target is null || double.IsFinite(target.Engine.TtftMs) || double.IsFinite(target.Engine.DecodeTokensPerSec))
            {
                continue;
            }

            _notBefore[service.ServiceId] = now + RetrySeconds;
            due.Add(target);
        }

        return due;
    }

    private async Task ProbeAsync(RouteTarget target, CancellationToken stoppingToken)
    {
        using var activity = FacadeTelemetry.ActivitySource.StartActivity("facade.speed_probe");
        activity?.SetTag(FacadeTelemetry.ServiceIdTag, target.ServiceId);
        activity?.SetTag(FacadeTelemetry.ModelTag, target.UpstreamModel);
        var stats = tracker.Get(target.ServiceId);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cts.CancelAfter(ProbeTimeout);
        if (await WarmUpAsync(target, cts.Token, stoppingToken) is { } unreachable)
        {
            activity?.SetStatus(ActivityStatusCode.Error, unreachable);
            LogFailed(logger, target.ServiceId, unreachable, RetrySeconds);
            return;
        }

        var probe = new RequestMeter(time.GetTimestamp());
        var before = meter.ProbeStarted(stats, probe);
        string? failure = "stopped before an answer";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath.On(target.BaseUrl)) { Content = Body(target.UpstreamModel) };
            using var response = await upstream.Invoker.SendAsync(request, cts.Token);
            if (!response.IsSuccessStatusCode || !MediaTypes.IsEventStream(response.Content.Headers.ContentType?.MediaType))
            {
                failure = "answered " + (int)response.StatusCode + " " + response.Content.Headers.ContentType?.MediaType;
            }
            else
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
                failure = !await ReadEventsAsync(stream, probe, cts.Token) ? "answer too large"
                    : probe.ContentChunks == 0 ? "no content in the answer"
                    : null;
            }
        }
        catch (Exception ex) when (IsEngineFailure(ex, stoppingToken))
        {
            failure = ex is OperationCanceledException ? "no answer within " + ProbeTimeout.TotalSeconds + " s" : ex.Message;
        }
        finally
        {
            meter.ProbeEnded(stats, probe, target, answered: failure is null, before);
        }

        if (failure is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure);
            LogFailed(logger, target.ServiceId, failure, RetrySeconds);
            return;
        }

        var figures = stats.Speeds.Current;
        LogMeasured(logger, target.ServiceId, figures.TtftMs, figures.DecodeTokensPerSec);
    }

    /// <summary>
    /// Opens the connection with a request that costs the engine nothing (<c>GET /v1/models</c>), so that the timed
    /// completion's first token is the engine's, not a TCP handshake's or a cold HTTP stack's (in one test the first
    /// request to a 20 ms engine took 360 ms). Returns why the engine cannot be probed, or null.
    /// </summary>
    private async Task<string?> WarmUpAsync(RouteTarget target, CancellationToken cancellationToken, CancellationToken stoppingToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ModelsPath.On(target.BaseUrl));
            using var response = await upstream.Invoker.SendAsync(request, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            return null;
        }
        catch (Exception ex) when (IsEngineFailure(ex, stoppingToken))
        {
            return ex.Message;
        }
    }

    /// <summary>Reads the answer's events into the meter; false when it exceeds <see cref="MaxAnswerBytes"/>.</summary>
    private async Task<bool> ReadEventsAsync(Stream stream, RequestMeter probe, CancellationToken cancellationToken)
    {
        probe.Streamed = true;
        var buffer = new byte[16 * 1024];
        int start = 0, end = 0, total = 0;
        var eof = false;
        while (true)
        {
            int length;
            while (start < end && (length = SseFraming.FindEventEnd(buffer.AsSpan(start, end - start), eof)) >= 0)
            {
                probe.OnSseEvent(buffer.AsSpan(start, length), time.GetTimestamp());
                start += length;
            }

            if (eof)
            {
                if (start < end)
                {
                    probe.OnSseEvent(buffer.AsSpan(start, end - start), time.GetTimestamp());
                }

                return true;
            }

            if (start > 0)
            {
                Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                return false;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            eof = read == 0;
            end += read;
            total += read;
            if (total > MaxAnswerBytes)
            {
                return false;
            }
        }
    }

    /// <summary>The engine failed or did not answer in time (not: the facade is stopping).</summary>
    private static bool IsEngineFailure(Exception ex, CancellationToken stoppingToken) =>
        ex is HttpRequestException or IOException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested);

    private static ByteArrayContent Body(string model)
    {
        var body = "{\"model\":\"" + JsonEncodedText.Encode(model) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Count from one to twenty.\"}],\"max_tokens\":" + MaxTokens
            + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    [LoggerMessage(1, LogLevel.Information, "Measured service {ServiceId} before its first request: time to first token {TtftMs:0} ms, decode {DecodeTokensPerSec:0.0} tokens/s")]
    private static partial void LogMeasured(ILogger logger, string serviceId, double ttftMs, double decodeTokensPerSec);

    [LoggerMessage(2, LogLevel.Warning, "Could not measure service {ServiceId} before its first request ({Failure}); trying again in {RetrySeconds} s")]
    private static partial void LogFailed(ILogger logger, string serviceId, string failure, double retrySeconds);
}
