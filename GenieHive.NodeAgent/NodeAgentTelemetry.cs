using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenieHive.NodeAgent;

/// <summary>The node agent's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both "GenieHive.NodeAgent").</summary>
internal sealed class NodeAgentTelemetry
{
    public const string Name = "GenieHive.NodeAgent";
    public const string HeartbeatsInstrument = "geniehive.node.heartbeats";
    public const string RegistrationsInstrument = "geniehive.node.registrations";
    public const string DiscoveryFailuresInstrument = "geniehive.node.discovery.failures";
    public const string ProbeDurationInstrument = "geniehive.node.probe.duration";

    public static ActivitySource ActivitySource { get; } = new(Name);

    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _discoveryFailures;
    private readonly Histogram<double> _probeDuration;

    public NodeAgentTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _heartbeats = meter.CreateCounter<long>(HeartbeatsInstrument, description: "Heartbeats sent to Control, by outcome.");
        _registrations = meter.CreateCounter<long>(RegistrationsInstrument, description: "Registrations sent to Control, by outcome.");
        _discoveryFailures = meter.CreateCounter<long>(DiscoveryFailuresInstrument, description: "Failed discovery or health probes of a model server.");
        _probeDuration = meter.CreateHistogram<double>(ProbeDurationInstrument, unit: "ms", description: "Duration of one discovery and health-probe pass over a model server.");
    }

    /// <param name="outcome"><c>ok</c>, <c>unknown_host</c>, <c>rejected</c> or <c>error</c>.</param>
    public void Heartbeat(string outcome) => _heartbeats.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="outcome"><c>ok</c>, <c>rejected</c> or <c>error</c>.</param>
    public void Registration(string outcome) => _registrations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void DiscoveryFailure(string serviceId, string discover) =>
        _discoveryFailures.Add(1, new("service_id", serviceId), new KeyValuePair<string, object?>("discover", discover));

    public void ProbeDuration(TimeSpan duration, string discover, bool succeeded) =>
        _probeDuration.Record(duration.TotalMilliseconds, new("discover", discover), new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));
}
