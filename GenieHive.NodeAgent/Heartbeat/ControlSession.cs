using System.Diagnostics;
using System.Globalization;
using System.Net;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Nodes;
using GenieHive.NodeAgent.Inventory;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using GenieHive.ServiceDefaults;
using Refit;

namespace GenieHive.NodeAgent.Heartbeat;

/// <summary>
/// This host's relationship with Control: register, heartbeat, register again when Control lost the host
/// (heartbeat 404). Every failure is recorded and logged (rate-limited), never thrown.
/// </summary>
internal sealed partial class ControlSession(
    INodeRegistryApi api,
    RegistrationBuilder builder,
    IOptions<ControlUrlsOptions> control,
    TimeProvider timeProvider,
    NodeAgentTelemetry telemetry,
    ILogger<ControlSession> logger)
{
    private readonly Lock _gate = new();
    private readonly FailureLogThrottle _throttle = new(timeProvider);
    private bool _registered;
    private HostRegistration? _lastRegistration;
    private DateTimeOffset? _lastRegisteredAt;
    private DateTimeOffset? _lastHeartbeatAt;
    private DateTimeOffset? _lastAttemptAt;
    private string? _lastOutcome;
    private string? _lastError;
    private int _consecutiveFailures;
    private long _registrations;
    private long _heartbeats;

    public bool ControlConfigured => control.Value.Configured;

    public bool IsRegistered
    {
        get
        {
            lock (_gate)
            {
                return _registered;
            }
        }
    }

    /// <summary>Exactly what was last POSTed to <c>/v1/nodes/register</c> and accepted (null before the first registration).</summary>
    public HostRegistration? LastRegistration
    {
        get
        {
            lock (_gate)
            {
                return _lastRegistration;
            }
        }
    }

    public ControlStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new ControlStatus(
                    ControlConfigured, _registered, _lastRegisteredAt, _lastHeartbeatAt, _lastAttemptAt,
                    _lastOutcome, _lastError, _consecutiveFailures, _registrations, _heartbeats);
            }
        }
    }

    public async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        var registration = builder.BuildRegistration();
        using var activity = NodeAgentTelemetry.ActivitySource.StartActivity("node.register");
        activity?.SetTag("geniehive.host_id", registration.HostId);
        try
        {
            var response = await api.RegisterAsync(registration, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                telemetry.Registration("rejected");
                RecordFailure("registration", Describe(response));
                return false;
            }

            telemetry.Registration("ok");
            lock (_gate)
            {
                _registered = true;
                _lastRegistration = registration;
                _lastRegisteredAt = timeProvider.GetUtcNow();
                _registrations++;
            }

            RecordSuccess("registered");
            LogRegistered(logger, registration.HostId, registration.Services.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            telemetry.Registration("error");
            RecordFailure("registration", Describe(ex));
            return false;
        }
    }

    /// <summary>One heartbeat: registers first if needed; on 404 registers again and repeats the heartbeat once.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (!IsRegistered && !await RegisterAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (await SendHeartbeatAsync(cancellationToken).ConfigureAwait(false) != HttpStatusCode.NotFound)
        {
            return;
        }

        lock (_gate)
        {
            _registered = false;
        }

        LogHostUnknown(logger, builder.HostId);
        if (await RegisterAsync(cancellationToken).ConfigureAwait(false))
        {
            await SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>Control's status code, or null when it could not be reached.</returns>
    private async Task<HttpStatusCode?> SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        var heartbeat = builder.BuildHeartbeat();
        // A routine heartbeat is not traced; one that fails, finds the host unknown, or ends a failure streak is.
        using var activity = BackgroundTraces.StartTick(NodeAgentTelemetry.ActivitySource, "node.heartbeat");
        activity?.SetTag("geniehive.host_id", heartbeat.HostId);
        try
        {
            var response = await api.HeartbeatAsync(heartbeat, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                telemetry.Heartbeat("ok");
                lock (_gate)
                {
                    _lastHeartbeatAt = timeProvider.GetUtcNow();
                    _heartbeats++;
                }

                if (RecordSuccess("ok"))
                {
                    BackgroundTraces.Keep(activity);
                }

                LogHeartbeat(logger, heartbeat.HostId, heartbeat.Services?.Count ?? 0);
            }
            else if (response.StatusCode == HttpStatusCode.NotFound)
            {
                telemetry.Heartbeat("unknown_host");
                BackgroundTraces.Fail(activity, "Control does not know the host");
                lock (_gate)
                {
                    _lastOutcome = "unknown_host";
                    _lastAttemptAt = timeProvider.GetUtcNow();
                }
            }
            else
            {
                telemetry.Heartbeat("rejected");
                RecordFailure("heartbeat", Describe(response), activity);
            }

            return response.StatusCode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            telemetry.Heartbeat("error");
            RecordFailure("heartbeat", Describe(ex), activity);
            return null;
        }
    }

    /// <returns>True when this success ends a streak of failures.</returns>
    private bool RecordSuccess(string outcome)
    {
        lock (_gate)
        {
            _lastOutcome = outcome;
            _lastAttemptAt = timeProvider.GetUtcNow();
            _consecutiveFailures = 0;
        }

        var streak = _throttle.RecordSuccess();
        if (streak > 0)
        {
            LogRecovered(logger, streak);
        }

        return streak > 0;
    }

    private void RecordFailure(string operation, string reason, Activity? tick = null)
    {
        BackgroundTraces.Fail(tick, reason);
        lock (_gate)
        {
            _lastOutcome = "error";
            _lastError = $"{operation}: {reason}";
            _lastAttemptAt = timeProvider.GetUtcNow();
            _consecutiveFailures++;
        }

        if (_throttle.RecordFailure(out var streak, out var suppressed))
        {
            LogControlFailed(logger, operation, builder.HostId, reason, streak, suppressed);
        }
        else
        {
            LogControlFailedAgain(logger, operation, reason, streak);
        }
    }

    private static string Describe(IApiResponse response)
    {
        // Refit reports a call that got no answer (refused, reset, timed out) as an error without a status.
        if (response.StatusCode is not { } statusCode)
        {
            return response.Error is { InnerException: { } cause } ? Describe(cause) : Describe((Exception?)response.Error ?? new HttpRequestException("no response"));
        }

        var status = $"Control answered {((int)statusCode).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd();
        var content = (response.Error as ApiException)?.Content;
        return string.IsNullOrWhiteSpace(content) ? status : $"{status}: {Truncate(content, 300)}";
    }

    private static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "Control is unreachable (connection refused or reset)",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "Control's name did not resolve",
        OperationCanceledException or TimeoutRejectedException => "the call to Control timed out",
        BrokenCircuitException => "calls to Control are paused after repeated failures",
        _ => Truncate($"{exception.GetType().Name}: {exception.Message}", 300),
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {HostId} with Control ({ServiceCount} services)")]
    private static partial void LogRegistered(ILogger logger, string hostId, int serviceCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Heartbeat for {HostId} accepted ({ServiceCount} services)")]
    private static partial void LogHeartbeat(ILogger logger, string hostId, int serviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Control does not know {HostId} (heartbeat answered 404); registering again")]
    private static partial void LogHostUnknown(ILogger logger, string hostId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Operation} of {HostId} failed: {Reason} ({Failures} failures in a row, {Suppressed} not logged since the last warning); the agent keeps trying and warns at most once a minute")]
    private static partial void LogControlFailed(ILogger logger, string operation, string hostId, string reason, int failures, int suppressed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Operation} failed again: {Reason} ({Failures} failures in a row)")]
    private static partial void LogControlFailedAgain(ILogger logger, string operation, string reason, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Control answered again after {Failures} failed attempts")]
    private static partial void LogRecovered(ILogger logger, int failures);
}

/// <summary>A snapshot of the agent's relationship with Control, for <c>GET /v1/node/status</c>.</summary>
internal sealed record ControlStatus(
    bool ControlConfigured,
    bool Registered,
    DateTimeOffset? LastRegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    DateTimeOffset? LastAttemptAt,
    string? LastOutcome,
    string? LastError,
    int ConsecutiveFailures,
    long Registrations,
    long Heartbeats);
