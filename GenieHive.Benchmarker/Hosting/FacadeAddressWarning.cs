using GenieHive.Benchmarker.Facade;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>Says at start-up when the facade's address is missing: every run would fail saying so, and the operator should know first.</summary>
internal sealed partial class FacadeAddressWarning(FacadeCaseClient facade, ILogger<FacadeAddressWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (facade.FacadeAddress is null)
        {
            LogNoFacade(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark runs cannot reach the facade: set services:facade:http:0 (AppHost: benchmarker.WithReference(facade)) or GenieHive:Benchmarker:FacadeUrl")]
    private static partial void LogNoFacade(ILogger logger);
}
