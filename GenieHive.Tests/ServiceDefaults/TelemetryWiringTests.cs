using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GenieHive.Tests.ServiceDefaults;

/// <summary>
/// Telemetry is collected when it has somewhere to go (Aspire's OTLP endpoint) and not otherwise, so a service run by
/// hand does not pay for spans nobody reads.
/// </summary>
public sealed class TelemetryWiringTests
{
    [Fact]
    public async Task WithoutAnOtlpEndpointNoTracerOrMeterProviderIsRegistered()
    {
        await using var app = Build(endpointKey: null);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    public async Task WithAnOtlpEndpointTracesAndMetricsAreCollected(string endpointKey)
    {
        await using var app = Build(endpointKey);

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
    }

    private static WebApplication Build(string? endpointKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only what the test says: an OTLP variable in the runner's environment must not decide the outcome.
        builder.Configuration.Sources.Clear();
        var settings = new Dictionary<string, string?>();
        if (endpointKey is not null)
        {
            // Nothing listens there: the providers are built, nothing is exported during the test.
            settings[endpointKey] = "http://127.0.0.1:9";
        }

        builder.Configuration.AddInMemoryCollection(settings);

        builder.AddServiceDefaults();
        return builder.Build();
    }
}
