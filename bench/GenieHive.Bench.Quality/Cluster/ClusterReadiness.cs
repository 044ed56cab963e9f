using System.Net.Http.Headers;
using GenieHive.Bench.Load.Cluster;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>Waiting for a cluster's services to answer, with the client key, failing fast when one of them exits.</summary>
internal sealed class ClusterReadiness : IDisposable
{
    public const string ClientKey = "quality-key";
    public const string NodeKey = "quality-node-key";

    private readonly RunProcesses _processes;
    private readonly string _logDir;
    private readonly DateTime _deadline = DateTime.UtcNow.AddSeconds(180);

    public ClusterReadiness(RunProcesses processes, string logDir)
    {
        _processes = processes;
        _logDir = logDir;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
    }

    /// <summary>A client that carries the client key.</summary>
    public HttpClient Http { get; }

    /// <summary>Every service's log lines carry the time, so that a run can be read back against its trace.</summary>
    public const string LogTimes = "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ";

    public Task HealthyAsync(Uri url, CancellationToken cancellationToken) =>
        UntilAsync(url + "health", async () =>
        {
            using var response = await Http.GetAsync(new Uri(url, "/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }, cancellationToken);

    public Task UntilAsync(string what, Func<Task<bool>> check, CancellationToken cancellationToken) =>
        ServiceReadiness.PollAsync(what + " (logs in " + _logDir + ")", _deadline, _processes.Alive, LogPath, check, TimeSpan.FromMilliseconds(100), cancellationToken);

    public string LogPath(string name) => Path.Combine(_logDir, name + ".log");

    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    public static IEnumerable<string> Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.Select(setting => "--" + setting.Key + "=" + setting.Value);

    public void Dispose() => Http.Dispose();
}
