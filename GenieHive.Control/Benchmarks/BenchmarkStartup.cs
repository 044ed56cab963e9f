using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Hosting;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Brings benchmarking up after Control's state: the workloads file (a bad one stops start-up with a message
/// naming the file and the field), the schedule checked against the known workloads, and the stored runs read
/// back: queued ones wait for the benchmarker, running ones for their benchmarker to report again within the lease.
/// </summary>
public sealed partial class BenchmarkStartup(
    IOptions<BenchmarksOptions> options,
    IHostEnvironment environment,
    WorkloadCatalog workloads,
    BenchmarkRunStore runs,
    ILogger<BenchmarkStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.WorkloadsPath))
        {
            var path = ControlStartup.ResolveCatalogPath(settings.WorkloadsPath, environment.ContentRootPath);
            if (!File.Exists(path))
            {
                throw new WorkloadFileException(
                    $"{path}: the workloads file does not exist ({BenchmarksOptions.SectionName}:WorkloadsPath is '{settings.WorkloadsPath}').");
            }

            var fromFile = WorkloadFileLoader.LoadFile(path, BuiltInWorkloads.All.Select(w => w.Name));
            workloads.UseFileWorkloads(fromFile);
            LogWorkloadsLoaded(logger, fromFile.Count, path);
        }

        for (var i = 0; i < settings.Schedule.Count; i++)
        {
            var entry = settings.Schedule[i];
            if (workloads.Find(entry.Workload) is not { } workload)
            {
                throw new OptionsValidationException(BenchmarksOptions.SectionName, typeof(BenchmarksOptions),
                    [$"{BenchmarksOptions.SectionName}:Schedule:{i}:Workload is '{entry.Workload}', which is not a known workload ({string.Join(", ", workloads.All.Select(w => w.Name))})."]);
            }

            if (entry.Kind is { Length: > 0 } kind && !string.Equals(kind, workload.Kind, StringComparison.Ordinal))
            {
                throw new OptionsValidationException(BenchmarksOptions.SectionName, typeof(BenchmarksOptions),
                    [$"{BenchmarksOptions.SectionName}:Schedule:{i}: workload '{workload.Name}' is for {workload.Kind}, not {kind}."]);
            }
        }

        var running = runs.Load();
        if (running.Count > 0)
        {
            LogRunning(logger, running.Count, options.Value.LeaseSeconds);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {WorkloadCount} benchmark workloads from {Path}")]
    private static partial void LogWorkloadsLoaded(ILogger logger, int workloadCount, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{RunCount} benchmark runs were running when Control stopped; each fails unless its benchmarker reports within {LeaseSeconds} s")]
    private static partial void LogRunning(ILogger logger, int runCount, double leaseSeconds);
}
