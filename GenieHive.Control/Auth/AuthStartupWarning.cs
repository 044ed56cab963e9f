namespace GenieHive.Control.Auth;

/// <summary>Says loudly, once at start-up, when either kind of auth is off.</summary>
public sealed partial class AuthStartupWarning(ControlKeys keys, ILogger<AuthStartupWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Client.IsEnabled)
        {
            LogClientAuthOff(logger);
        }

        if (!keys.Node.IsEnabled)
        {
            LogNodeAuthOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "CLIENT AUTH IS OFF: GenieHive:Auth:ClientApiKeys is empty, so anyone who can reach Control can read and change the cluster (/v1/cluster/*). Set at least one key outside development.")]
    private static partial void LogClientAuthOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "NODE AUTH IS OFF: GenieHive:Auth:NodeApiKeys is empty, so anyone who can reach Control can register hosts and services (/v1/nodes/*). Set at least one key outside development.")]
    private static partial void LogNodeAuthOff(ILogger logger);
}
