using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace GenieHive.Tests.ServiceDefaults;

/// <summary>
/// Listens to GenieHive's spans in this process as the defaults' sampler decides: a background tick's root is
/// recorded but not sampled, so are the children of an unsampled span, everything else sampled. A tick that ended <see cref="Activity.Recorded"/> is one the
/// exporter would send (it called <see cref="BackgroundTraces.Keep"/> or <see cref="BackgroundTraces.Fail"/>).
/// HTTP client spans are kept too, so a tick can be told apart by the address it called.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name.StartsWith("GenieHive.", StringComparison.Ordinal) || source.Name == "System.Net.Http",
            // Never more than the defaults' sampler decides: listeners are process-wide and the highest answer wins,
            // so recording what it would not would change what other tests' exporters see.
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) =>
                IsTickRoot(options) || (options.Parent != default && !options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded))
                    ? ActivitySamplingResult.AllData
                    : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Ended spans of that name carrying <paramref name="tag"/> = <paramref name="value"/>, in the order they ended.</summary>
    public IReadOnlyList<Activity> Spans(string name, string tag, string value) =>
        [.. _stopped.Where(span => span.OperationName == name && (string?)span.GetTagItem(tag) == value)];

    /// <summary>Ended spans of that name that called <paramref name="baseUrl"/>, in the order they ended.</summary>
    public IReadOnlyList<Activity> SpansCalling(string name, string baseUrl)
    {
        var calling = _stopped
            .Where(span => span.Kind == ActivityKind.Client && ((string?)span.GetTagItem("url.full"))?.StartsWith(baseUrl, StringComparison.Ordinal) == true)
            .Select(span => span.ParentSpanId)
            .ToHashSet();
        return [.. _stopped.Where(span => span.OperationName == name && calling.Contains(span.SpanId))];
    }

    public void Dispose() => _listener.Dispose();

    private static bool IsTickRoot(in ActivityCreationOptions<ActivityContext> options)
    {
        if (options.Parent != default || options.Tags is null)
        {
            return false;
        }

        foreach (var tag in options.Tags)
        {
            if (tag.Key == BackgroundTraces.TickTag)
            {
                return true;
            }
        }

        return false;
    }
}
