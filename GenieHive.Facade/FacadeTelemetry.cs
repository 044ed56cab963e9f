using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenieHive.Facade;

/// <summary>The facade's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>GenieHive.Facade</c>.</summary>
public sealed class FacadeTelemetry
{
    public const string Name = "GenieHive.Facade";

    public const string RequestsInstrument = "geniehive.facade.requests";
    public const string DurationInstrument = "geniehive.facade.request.duration";
    public const string TtftInstrument = "geniehive.facade.ttft";
    public const string InFlightInstrument = "geniehive.facade.inflight";
    public const string FailoversInstrument = "geniehive.facade.failovers";
    public const string UpstreamErrorsInstrument = "geniehive.facade.upstream.errors";
    public const string KeyRefusalsInstrument = "geniehive.facade.key.refusals";
    public const string AuditDroppedInstrument = "geniehive.facade.audit.dropped";
    public const string ErrorCodeTag = "geniehive.error_code";
    public const string RoutingWatchReadInstrument = "geniehive.facade.routing.watch.read";
    public const string RoutingWatchApplyInstrument = "geniehive.facade.routing.watch.apply.duration";
    public const string RoutingFormatTag = "geniehive.routing.format";

    public const string ModelTag = "geniehive.model";
    public const string RouteTypeTag = "geniehive.route_type";
    public const string ServiceIdTag = "geniehive.service_id";
    public const string AttemptsTag = "geniehive.attempts";

    // The route decision, on each client request's span: how the name resolved and what the selector put first.
    public const string RoleTag = "geniehive.role";
    public const string FallbackViaTag = "geniehive.fallback_via";
    public const string StrategyTag = "geniehive.strategy";
    public const string CandidatesTag = "geniehive.candidates";
    public const string FirstChoiceTag = "geniehive.first_choice";

    /// <summary>The request's <c>X-GenieHive-Route</c> value (match type and what decided: affinity, spill, cold load).</summary>
    public const string RouteDecisionTag = "geniehive.route";
    public const string AffinityTag = "geniehive.affinity";
    public const string AffinityServiceTag = "geniehive.affinity_service";

    /// <summary>The first choice's predicted delay until the answer is complete, in ms.</summary>
    public const string PredictedDelayTag = "geniehive.predicted_delay_ms";
    public const string ColdLoadTag = "geniehive.cold_load";

    /// <summary>The conversation prefix hash (hex) and token estimates: routes/resolve explains a conversation from them.</summary>
    public const string PrefixHashTag = "geniehive.prefix_hash";
    public const string PrefixTokensTag = "geniehive.prefix_tokens";
    public const string PromptTokensTag = "geniehive.prompt_tokens";

    // Boxed once: metric tags are objects, and boxing a status code per request would allocate.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(static code => (object)code)];

    public FacadeTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        Requests = meter.CreateCounter<long>(RequestsInstrument, "{request}", "Requests answered by the facade");
        Duration = meter.CreateHistogram<double>(DurationInstrument, "ms", "Time from request start to response complete");
        Ttft = meter.CreateHistogram<double>(TtftInstrument, "ms", "Time from request start to the first content byte or event");
        InFlight = meter.CreateUpDownCounter<long>(InFlightInstrument, "{request}", "Upstream requests in flight");
        Failovers = meter.CreateCounter<long>(FailoversInstrument, "{attempt}", "Requests retried on another target");
        UpstreamErrors = meter.CreateCounter<long>(UpstreamErrorsInstrument, "{error}", "Upstream failures (connect, timeout, 5xx, 429, interrupted streams)");
        KeyRefusals = meter.CreateCounter<long>(KeyRefusalsInstrument, "{request}", "Requests refused for their key: invalid, throttled, without the scope, outside its models or over its limits");
        AuditDropped = meter.CreateCounter<long>(AuditDroppedInstrument, "{record}", "Audit records dropped because Control was unreachable too long");
        RoutingWatchRead = meter.CreateCounter<long>(RoutingWatchReadInstrument, "By", "Routing-table watch bytes read from Control, by format (full, delta)");
        RoutingWatchApply = meter.CreateHistogram<double>(RoutingWatchApplyInstrument, "ms", "Time to build the routing snapshot of a received version, by format");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public Counter<long> Requests { get; }
    public Histogram<double> Duration { get; }
    public Histogram<double> Ttft { get; }
    public UpDownCounter<long> InFlight { get; }
    public Counter<long> Failovers { get; }
    public Counter<long> UpstreamErrors { get; }
    public Counter<long> KeyRefusals { get; }
    public Counter<long> AuditDropped { get; }
    public Counter<long> RoutingWatchRead { get; }
    public Histogram<double> RoutingWatchApply { get; }

    public void RecordRoutingWatchRead(string format, long bytes) =>
        RoutingWatchRead.Add(bytes, new KeyValuePair<string, object?>(RoutingFormatTag, format));

    public void RecordRoutingWatchApply(string format, double milliseconds) =>
        RoutingWatchApply.Record(milliseconds, new KeyValuePair<string, object?>(RoutingFormatTag, format));

    public static object StatusCodeTag(int statusCode) =>
        (uint)statusCode < (uint)StatusCodes.Length ? StatusCodes[statusCode] : statusCode;
}
