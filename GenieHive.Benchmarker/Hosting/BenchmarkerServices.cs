using GenieHive.Benchmarker.Facade;
using GenieHive.Benchmarker.Runs;
using GenieHive.Benchmarker.Scheduling;
using GenieHive.Contracts;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Refit;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>Registration of everything the benchmarker runs.</summary>
public static class BenchmarkerServices
{
    /// <summary>Control's base address; service discovery resolves it from <c>services:control:http:0</c>.</summary>
    public const string ControlBaseAddress = "http://control";

    /// <summary>
    /// Adds the benchmarker: <c>GenieHive:Benchmarker</c> options (validated at start), the Refit clients to Control
    /// with the benchmarker's key (long-poll timeouts; POSTs and PUTs never retried by the handler; every Control URL,
    /// <c>services:control:http:0</c>, <c>:1</c>, ..., one at a time, moving on when one fails or answers
    /// <c>not_leader</c>: <see cref="ServiceDefaults.ControlFailoverHandler"/>), the facade client
    /// (no resilience handler: a retry would run a case twice), the claim loop, the schedule loop and the service
    /// change watch.
    /// </summary>
    public static TBuilder AddBenchmarkerServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<BenchmarkerOptions>().BindConfiguration(BenchmarkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<BenchmarkerOptions>, BenchmarkerOptionsSetup>();
        services.AddSingleton<IValidateOptions<BenchmarkerOptions>, BenchmarkerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddTransient<ApiKeyHandler>();
        AddControlClient<IBenchmarkWorkApi>(services);
        AddControlClient<IClusterApi>(services);

        // Model calls: each case has its own timeout, and nothing retries them. Experimental API, pinned by the
        // central package version, as in the facade.
        var facade = services.AddHttpClient(FacadeCaseClient.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
#pragma warning disable EXTEXP0001
        facade.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<FacadeCaseClient>();

        services.AddSingleton<ControlReports>();
        services.AddSingleton<RunExecution>();
        services.AddHostedService<RunWorker>();
        services.AddHostedService<ScheduleLoop>();
        services.AddHostedService<ServiceChangeWatch>();
        services.AddHostedService<FacadeAddressWarning>();
        return builder;
    }

    private static void AddControlClient<TApi>(IServiceCollection services)
        where TApi : class =>
        services.AddRefitGeneratedClient<TApi>(GenieHiveJsonContext.CreateRefitSettings())
            .ConfigureHttpClient(client => client.BaseAddress = new Uri(ControlBaseAddress))
            .AddHttpMessageHandler<ApiKeyHandler>()
            .RedactLoggedHeaders([GenieHiveHeaders.ApiKey])
            .AddControlFailover()
            .AddLongPollServiceResilience()
            .SelectPipelineByAuthority();
}
