namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>The workloads runs can use: the built-in ones, then those of the workloads file, loaded at start-up.</summary>
public sealed class WorkloadCatalog
{
    private IReadOnlyList<BenchmarkWorkload> _all = BuiltInWorkloads.All;
    private Dictionary<string, BenchmarkWorkload> _byName = BuiltInWorkloads.All.ToDictionary(w => w.Name, StringComparer.Ordinal);

    public IReadOnlyList<BenchmarkWorkload> All => Volatile.Read(ref _all);

    public BenchmarkWorkload? Find(string? name) =>
        name is not null && Volatile.Read(ref _byName).TryGetValue(name.Trim(), out var workload) ? workload : null;

    /// <summary>Adds the workloads of a file to the built-in ones (replacing any earlier file's).</summary>
    public void UseFileWorkloads(IReadOnlyList<BenchmarkWorkload> fromFile)
    {
        IReadOnlyList<BenchmarkWorkload> all = [.. BuiltInWorkloads.All, .. fromFile];
        Volatile.Write(ref _byName, all.ToDictionary(w => w.Name, StringComparer.Ordinal));
        Volatile.Write(ref _all, all);
    }
}
