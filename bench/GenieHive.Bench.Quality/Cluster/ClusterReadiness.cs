using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
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

    /// <summary>
    /// Waits until every service of <paramref name="assets"/> (service id → how many models it serves) is registered
    /// with its models, measured by the facade, and routable: one token through the facade from each.
    /// </summary>
    public async Task ServicesReadyAsync(Uri facade, IReadOnlyDictionary<string, int> assets, CancellationToken cancellationToken)
    {
        await UntilAsync("every engine registered with its models", async () =>
        {
            using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(facade, "/v1/cluster/services"), cancellationToken));
            var registered = document.RootElement.GetProperty("data").EnumerateArray()
                .ToDictionary(s => s.GetProperty("service_id").GetString()!, s => s.GetProperty("assets").GetArrayLength(), StringComparer.Ordinal);
            return assets.All(a => registered.TryGetValue(a.Key, out var count) && count == a.Value);
        }, cancellationToken);

        await MeasuredAsync(facade, assets.Keys, cancellationToken);
        foreach (var serviceId in assets.Keys)
        {
            await UntilAsync("facade routes " + serviceId, async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(facade, "/v1/chat/completions"))
                {
                    Content = new StringContent("{\"model\":\"" + serviceId + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ready?\"}],\"max_tokens\":1}", Encoding.UTF8, "application/json"),
                };
                using var response = await Http.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// Waits (at most <see cref="MeasureSeconds"/>) until the facade has measured every one of
    /// <paramref name="serviceIds"/>: it probes a chat service nobody has measured when the service appears
    /// (GenieHive.Facade's SpeedProbe), and a cluster that has been up a few seconds has done so. Logged and not waited
    /// for beyond that: an arm that turns probing off still runs.
    /// </summary>
    private async Task MeasuredAsync(Uri facade, IEnumerable<string> serviceIds, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(MeasureSeconds);
        while (DateTime.UtcNow < deadline)
        {
            using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(facade, "/v1/console/speeds"), cancellationToken));
            var measured = document.RootElement.GetProperty("data").EnumerateArray()
                .Where(s => s.TryGetProperty("decode_tokens_per_sec", out _) && s.TryGetProperty("ttft_ms", out _))
                .Select(s => s.GetProperty("service_id").GetString()!)
                .ToHashSet(StringComparer.Ordinal);
            if (serviceIds.All(measured.Contains))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        Console.WriteLine($"  note: the facade had not measured every engine after {MeasureSeconds} s; going on");
    }

    private const int MeasureSeconds = 30;

    public string LogPath(string name) => Path.Combine(_logDir, name + ".log");

    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    public static IEnumerable<string> Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.Select(setting => "--" + setting.Key + "=" + setting.Value);

    public void Dispose() => Http.Dispose();
}
