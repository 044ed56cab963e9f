using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Hosting;

/// <summary>Starting a <c>WebApplicationFactory</c> on a real Kestrel socket, and the address it then listens on.</summary>
internal static class KestrelStart
{
    private const int Attempts = 3;

    /// <summary>
    /// Starts a factory, once more if the framework's start race hits it: the factory sets the Kestrel port from the
    /// test's thread while the app's own thread may already be starting the server, and under load the app wins
    /// ("IServerAddressesFeature.Addresses cannot be modified after the server has started", seen in a full test run
    /// on two busy cores). A factory cannot start twice, so each attempt uses a fresh one.
    /// </summary>
    public static T Start<T>(Func<T> create, Action<T> start)
        where T : IDisposable
    {
        for (var attempt = 1; ; attempt++)
        {
            var app = create();
            try
            {
                start(app);
                return app;
            }
            catch (InvalidOperationException ex) when (attempt < Attempts && IsStartRace(ex))
            {
                app.Dispose();
            }
        }
    }

    /// <summary>The started server's base URL: <c>http://127.0.0.1:port</c>, no trailing slash.</summary>
    public static string ListeningUrl(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

    // The same race's other face: the app's thread already failed and disposed the host while the test's thread was
    // still reading its services (ObjectDisposedException is an InvalidOperationException).
    private static bool IsStartRace(InvalidOperationException ex) =>
        ex.Message.Contains("cannot be modified after the server has started", StringComparison.Ordinal)
        || ex is ObjectDisposedException;
}
