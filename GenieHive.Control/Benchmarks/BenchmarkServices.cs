using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>Registration of benchmark workloads, samples, runs and the schedule Control serves to the benchmarker.</summary>
public static class BenchmarkServices
{
    /// <summary>
    /// Adds the benchmark options (validated at start-up), the workload catalog, the run store, planner, queue and
    /// reports, the lease sweep, sample ageing and (replicas) sample sharing. Runs are measured by the benchmarker (GenieHive.Benchmarker), which
    /// claims them through <see cref="BenchmarkWorkApi"/>. Call after Control's state services: the start-up step and
    /// loops are hosted services that need them.
    /// </summary>
    public static IServiceCollection AddBenchmarkServices(this IServiceCollection services)
    {
        services.AddOptions<BenchmarksOptions>().BindConfiguration(BenchmarksOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BenchmarksOptions>, BenchmarksOptionsValidator>();

        services.AddSingleton<WorkloadCatalog>();
        services.AddSingleton<BenchmarkRunStore>();
        services.AddSingleton<BenchmarkRunPlanner>();
        services.AddSingleton<BenchmarkRunQueue>();
        services.AddSingleton<BenchmarkRunReports>();

        services.AddHostedService<BenchmarkStartup>();
        services.AddHostedService<RunLeaseSweeper>();
        services.AddHostedService<SampleAgeing>();
        services.AddHostedService<SampleSync>();
        return services;
    }
}
