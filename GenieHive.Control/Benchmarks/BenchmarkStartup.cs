using GenieHive.Contracts;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Hosting;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Brings benchmarking up after Control's state: the workloads file (a bad one stops start-up with a message
/// naming the file and the field), the schedule checked against the known workloads, and the stored runs read
/// back, with those a restart interrupted marked failed.
/// </summary>
public sealed partial class BenchmarkStartup(
    IOptions<BenchmarksOptions> options,
    IHostEnvironment environment,
    WorkloadCatalog workloads,
    BenchmarkRunStore runs,
    FacadeBenchmarkClient facade,
    TimeProvider time,
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

        var interrupted = runs.Load(time.UnixSeconds());
        if (interrupted > 0)
        {
            LogInterrupted(logger, interrupted);
        }

        if (facade.FacadeAddress is null)
        {
            LogNoFacade(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {WorkloadCount} benchmark workloads from {Path}")]
    private static partial void LogWorkloadsLoaded(ILogger logger, int workloadCount, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{RunCount} benchmark runs were interrupted by the last stop and are marked failed")]
    private static partial void LogInterrupted(ILogger logger, int runCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark runs cannot reach the facade: set services:facade:http:0 (AppHost: control.WithReference(facade)) or GenieHive:Benchmarks:FacadeUrl")]
    private static partial void LogNoFacade(ILogger logger);
}
