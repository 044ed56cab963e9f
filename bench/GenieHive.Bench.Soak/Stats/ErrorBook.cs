using System.Collections.Concurrent;

namespace GenieHive.Bench.Soak.Stats;

/// <summary>Failures by category, with the first few messages of each kept for the report. Thread-safe.</summary>
internal sealed class ErrorBook
{
    private const int SamplesPerCategory = 5;

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _samples = new(StringComparer.Ordinal);

    public long Total => _counts.Values.Sum();

    public void Add(string category, string message)
    {
        _counts.AddOrUpdate(category, 1, static (_, count) => count + 1);
        var samples = _samples.GetOrAdd(category, static _ => new ConcurrentQueue<string>());
        if (samples.Count < SamplesPerCategory)
        {
            samples.Enqueue(message.Length > 300 ? message[..300] + "…" : message);
        }
    }

    public Dictionary<string, long> Counts() => new(_counts.OrderBy(pair => pair.Key, StringComparer.Ordinal), StringComparer.Ordinal);

    public Dictionary<string, string[]> Samples() =>
        _samples.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
