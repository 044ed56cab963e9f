using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Telemetry;

namespace GenieHive.Tests.Hosting;

/// <summary>How a test configures a service it hosts: settings that win over its appsettings.json, and an optional fake clock.</summary>
internal static class TestHostSettings
{
    public static void Apply(IWebHostBuilder builder, IDictionary<string, string?> settings, FakeTimeProvider? time)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            if (time is not null)
            {
                services.AddSingleton<TimeProvider>(time);
                KeepNetworkTimeoutsOnTheWallClock(services);
            }
        });
    }

    /// <summary>
    /// The fake clock drives a service's own logic (schedules, leases, ageing), not its HTTP clients' resilience
    /// timeouts. Polly builds every pipeline on the <see cref="TimeProvider"/> it finds in the container, so without
    /// this a test that moves the clock an hour fires every attempt timeout of the requests then in flight (a
    /// benchmarker's report to Control, cut and never sent, left its run "running"). The last registration wins.
    /// </summary>
    private static void KeepNetworkTimeoutsOnTheWallClock(IServiceCollection services) =>
        services.AddTransient(static sp =>
        {
            var builder = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System };
            builder.ConfigureTelemetry(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value);
            return builder;
        });
}
