using System.Collections.Concurrent;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Logs, once per service and per set of figures, that the routing table carried engine figures the selector
/// did not believe (a negative queue, an absurd speed; see <see cref="GenieHive.Routing.Prediction.EngineFigures"/>): a
/// warning an operator can act on, without a line per request.
/// </summary>
internal static partial class SignalClampLog
{
    private static readonly ConcurrentDictionary<(string ServiceId, string Figures), bool> Logged = new();

    public static void Check(ILogger logger, RouteTarget target)
    {
        if (target.Engine.Clamped is not { } figures || Logged.Count > 4096 || !Logged.TryAdd((target.ServiceId, figures), true))
        {
            return;
        }

        LogClamped(logger, target.ServiceId, figures);
    }

    [LoggerMessage(10, LogLevel.Warning, "Service {ServiceId} reports figures out of any believable range ({Figures}); routing clamps or ignores them")]
    private static partial void LogClamped(ILogger logger, string serviceId, string figures);
}
