using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>
/// One benchmark result for a service and workload. Upserted by <see cref="BenchmarkId"/>.
/// <see cref="Results"/> is free-form; the keys with a meaning, and those the scorer reads, are <see cref="BenchmarkResultFields"/>.
/// </summary>
public sealed record BenchmarkSample
{
    public required string BenchmarkId { get; init; }
    public required string ServiceId { get; init; }
    public string? AssetId { get; init; }
    public required string Workload { get; init; }

    /// <summary>Unix seconds.</summary>
    public required double ObservedAt { get; init; }
    public JsonObject Results { get; set; } = [];
}

/// <summary><c>POST /v1/cluster/benchmarks</c>.</summary>
public sealed record BenchmarkIngest
{
    public required List<BenchmarkSample> Samples { get; init; }
}

/// <summary>Answer to an ingest: how many were stored, and the stored samples of the services concerned.</summary>
public sealed record BenchmarkIngestResult(string Status, int Count, List<BenchmarkSample> Data);
