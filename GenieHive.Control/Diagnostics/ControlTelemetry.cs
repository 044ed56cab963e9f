using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenieHive.Control.Diagnostics;

/// <summary>
/// Control's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both named <c>GenieHive.Control</c>,
/// which <c>AddServiceDefaults()</c> exports), with the instrument names as constants.
/// </summary>
public sealed class ControlTelemetry : IDisposable
{
    public const string Name = "GenieHive.Control";

    public const string HeartbeatsInstrument = "geniehive.control.heartbeats";
    public const string HeartbeatDurationInstrument = "geniehive.control.heartbeat.duration";
    public const string RegistrationsInstrument = "geniehive.control.registrations";
    public const string RoutingVersionInstrument = "geniehive.control.routing_table.version";
    public const string RebuildDurationInstrument = "geniehive.control.routing_table.rebuild.duration";
    public const string StaleHostsInstrument = "geniehive.control.hosts.stale";
    public const string RoutingTableSentInstrument = "geniehive.control.routing_table.sent";
    public const string LeaderEpochInstrument = "geniehive.control.leader.epoch";
    public const string RoutingFormatTag = "geniehive.routing.format";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public ControlTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Heartbeats = _meter.CreateCounter<long>(HeartbeatsInstrument, unit: "{heartbeat}", description: "Heartbeats received, by outcome.");
        HeartbeatDuration = _meter.CreateHistogram<double>(HeartbeatDurationInstrument, unit: "ms", description: "Time spent handling a heartbeat.");
        Registrations = _meter.CreateCounter<long>(RegistrationsInstrument, unit: "{registration}", description: "Host registrations, by outcome.");
        RebuildDuration = _meter.CreateHistogram<double>(RebuildDurationInstrument, unit: "ms", description: "Time spent building a routing table version.");
        RoutingTableSent = _meter.CreateCounter<long>(RoutingTableSentInstrument, unit: "By", description: "Routing-table watch bytes sent, by format (full, delta).");
    }

    public Counter<long> Heartbeats { get; }
    public Histogram<double> HeartbeatDuration { get; }
    public Counter<long> Registrations { get; }
    public Histogram<double> RebuildDuration { get; }
    public Counter<long> RoutingTableSent { get; }

    public void RecordRoutingTableSent(string format, long bytes) =>
        RoutingTableSent.Add(bytes, new KeyValuePair<string, object?>(RoutingFormatTag, format));

    /// <summary>Registers the observable gauges once their sources exist (they live in other singletons).</summary>
    public void ObserveGauges(Func<long> routingVersion, Func<int> staleHosts)
    {
        _meter.CreateObservableGauge(RoutingVersionInstrument, routingVersion, unit: "{version}", description: "The published routing table version.");
        _meter.CreateObservableGauge(StaleHostsInstrument, staleHosts, unit: "{host}", description: "Hosts not heard from for HostTimeoutSeconds.");
    }

    /// <summary>Registers the leadership gauge: the epoch this Control leads under, 0 while it follows.</summary>
    public void ObserveLeadership(Func<long> epoch) =>
        _meter.CreateObservableGauge(LeaderEpochInstrument, epoch, unit: "{epoch}", description: "The leadership epoch this Control leads under; 0 while another Control leads.");

    public void Dispose() => _meter.Dispose();
}
