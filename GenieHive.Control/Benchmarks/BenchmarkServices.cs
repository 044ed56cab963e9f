using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Scheduling;
using GenieHive.Control.Benchmarks.Workloads;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>Registration of benchmark runs, workloads and the schedule.</summary>
public static class BenchmarkServices
{
    /// <summary>
    /// Adds the benchmark options (validated at start-up; the facade's address re-read on configuration reload),
    /// the workload catalog, the run store, planner and runner, the scheduler, and the HTTP client runs call the
    /// facade with. Call after Control's state services: the start-up step and loops are hosted services that need them.
    /// </summary>
    public static IServiceCollection AddBenchmarkServices(this IServiceCollection services)
    {
        services.AddOptions<BenchmarksOptions>().BindConfiguration(BenchmarksOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<BenchmarksOptions>, BenchmarksOptionsSetup>();
        services.AddSingleton<IValidateOptions<BenchmarksOptions>, BenchmarksOptionsValidator>();
        // services:facade:http:0 lives outside the section, so any configuration reload refreshes the options.
        services.AddSingleton<IOptionsChangeTokenSource<BenchmarksOptions>>(provider =>
            new ConfigurationChangeTokenSource<BenchmarksOptions>(provider.GetRequiredService<IConfiguration>()));

        services.AddSingleton<WorkloadCatalog>();
        services.AddSingleton<BenchmarkRunStore>();
        services.AddSingleton<BenchmarkRunPlanner>();
        services.AddSingleton<FacadeBenchmarkClient>();
        services.AddSingleton<BenchmarkRunner>();
        services.AddSingleton<BenchmarkScheduler>();

        // Model calls: no resilience handler (a retry repeats a generation, its timeouts cut one short); each case
        // has its own timeout. Experimental API, pinned by the central package version, as in the facade.
        var client = services.AddHttpClient(FacadeBenchmarkClient.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddHostedService<BenchmarkStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<BenchmarkRunner>());
        services.AddHostedService(provider => provider.GetRequiredService<BenchmarkScheduler>());
        return services;
    }
}
