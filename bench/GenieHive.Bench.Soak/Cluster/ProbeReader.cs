using System.Net.Sockets;
using System.Text.Json;

namespace GenieHive.Bench.Soak.Cluster;

/// <summary>
/// Reads the in-process probe (bench/GenieHive.Bench.Probe, a startup hook in Control and the facade): one line of
/// JSON per connection, with memory figures and the totals of the counters the harness asked it to follow.
/// </summary>
internal static class ProbeReader
{
    /// <summary>The probe's answer, or null when it did not answer within 3 s (the process is gone or stalled).</summary>
    public static async Task<JsonElement?> ReadAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            using var reader = new StreamReader(client.GetStream());
            var line = await reader.ReadLineAsync(timeout.Token);
            return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A counter's total since the process started, for one tag value (<c>"name|value"</c>); 0 when never recorded.</summary>
    public static long Counter(JsonElement? probe, string instrument, string tagValue) =>
        probe is { } e && e.TryGetProperty("counters", out var counters) && counters.TryGetProperty(instrument + "|" + tagValue, out var value)
            && value.TryGetInt64(out var total)
            ? total
            : 0;
}
