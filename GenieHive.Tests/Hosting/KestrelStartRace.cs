namespace GenieHive.Tests.Hosting;

/// <summary>
/// Starts a <c>WebApplicationFactory</c> on Kestrel, once more if the framework's start race hits it: the factory sets
/// the Kestrel port from the test's thread while the app's own thread may already be starting the server, and under
/// load the app wins ("IServerAddressesFeature.Addresses cannot be modified after the server has started", seen in a
/// full test run on two busy cores). A factory cannot start twice, so each attempt uses a fresh one.
/// </summary>
internal static class KestrelStartRace
{
    private const int Attempts = 3;

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

    private static bool IsStartRace(InvalidOperationException ex) =>
        ex.Message.Contains("cannot be modified after the server has started", StringComparison.Ordinal);
}
