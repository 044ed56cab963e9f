using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenieHive.Control.Benchmarks;

/// <summary><c>GET</c> and <c>POST /v1/cluster/benchmarks</c>.</summary>
public static class BenchmarkSamplesApi
{
    private const int MaxIdLength = 256;

    /// <summary>Maps the benchmark listing (filtered by service and workload) and ingest (upsert by benchmark id).</summary>
    public static RouteGroupBuilder MapBenchmarkSamplesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Benchmarks");

        group.MapGet("/benchmarks", GetBenchmarks);
        group.MapPost("/benchmarks", IngestAsync);
        return group;
    }

    private static Ok<ListResponse<BenchmarkSample>> GetBenchmarks(
        BenchmarkSampleStore benchmarks,
        [FromQuery(Name = "service_id")] string? serviceId,
        [FromQuery(Name = "workload")] string? workload) =>
        TypedResults.Ok(new ListResponse<BenchmarkSample>(
            benchmarks.Query(string.IsNullOrEmpty(serviceId) ? null : serviceId, string.IsNullOrEmpty(workload) ? null : workload)));

    private static async Task<Results<Ok<BenchmarkIngestResult>, ProblemHttpResult>> IngestAsync(
        HttpRequest request, JsonBody body, BenchmarkSampleStore benchmarks, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkIngest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var samples = read.Value!.Samples;
        if (samples is null)
        {
            return Problems.BadRequest("samples is required.", "samples");
        }

        for (var i = 0; i < samples.Count; i++)
        {
            if (Validate(samples[i], $"samples[{i}]") is { } error)
            {
                return Problems.BadRequest($"{error.Field} {error.Message}.", error.Field);
            }
        }

        await benchmarks.IngestAsync(samples, cancellationToken);
        var serviceIds = samples.Select(sample => sample.ServiceId).ToHashSet(StringComparer.Ordinal);
        return TypedResults.Ok(new BenchmarkIngestResult("ok", samples.Count, benchmarks.Query(null, null, serviceIds)));
    }

    private static Nodes.ValidationError? Validate(BenchmarkSample? sample, string prefix)
    {
        if (sample is null)
        {
            return new(prefix, "must be an object, not null");
        }

        return Id(sample.BenchmarkId, prefix + ".benchmark_id")
            ?? Id(sample.ServiceId, prefix + ".service_id")
            ?? Id(sample.Workload, prefix + ".workload")
            ?? (sample.AssetId is { Length: > 512 } ? new Nodes.ValidationError(prefix + ".asset_id", "must be at most 512 characters") : null)
            ?? (double.IsFinite(sample.ObservedAt) ? null : new Nodes.ValidationError(prefix + ".observed_at", "must be a finite number of Unix seconds"))
            ?? (sample.Results is null ? new Nodes.ValidationError(prefix + ".results", "must be an object") : null);
    }

    private static Nodes.ValidationError? Id(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? new(field, "is required and must not be empty")
        : value.Length > MaxIdLength ? new(field, $"must be at most {MaxIdLength} characters")
        : null;
}
