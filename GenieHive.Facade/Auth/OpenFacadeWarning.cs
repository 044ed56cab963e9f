namespace GenieHive.Facade.Auth;

/// <summary>Says loudly at start-up when no client key is configured, so an open facade is never a surprise.</summary>
internal sealed partial class OpenFacadeWarning(ClientKeys keys, ILogger<OpenFacadeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Enabled)
        {
            LogOpen(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning,
        "CLIENT AUTH IS OFF: GenieHive:Auth:ClientApiKeys is empty, so anyone who can reach this facade can use every model and the operator API. Configure at least one key outside development.")]
    private static partial void LogOpen(ILogger logger);
}
