using System.Globalization;

namespace GenieHive.Bench.Soak.Fleet;

/// <summary>One service a simulated host reports.</summary>
internal sealed record PlannedService(string ServiceId, string Kind, string Endpoint, string AssetId, int ContextSize, string Engine);

/// <summary>One simulated host: its id, address and services.</summary>
internal sealed record PlannedHost(int Index, string HostId, string Address, bool TakesTraffic, IReadOnlyList<PlannedService> Services);

/// <summary>
/// The simulated fleet, deterministic for a given size. The first <c>trafficHosts</c> hosts each run a chat and an
/// embeddings service on the real simulators (alternating between them), so every client request is served by a
/// real engine and its measurements flow back through Control. The rest look like a real fleet that this traffic
/// does not ask for: one or two services each (every third host also embeds), 25 chat and 5 embedding models of
/// several families, each at its own address in 127.1.0.0/16 (loopback, nothing listens there), so routing tables
/// and resolution work over every service while no request ever leaves the machine. With <c>servicesPerNode</c>
/// every host has exactly that many (a traffic host its two real ones plus fleet ones), one in five embedding: the
/// scale shape (1,000 hosts × 10 services).
/// </summary>
internal static class FleetPlan
{
    public const string ChatModel = "soak-chat";
    public const string EmbeddingModel = "soak-embed";
    public const string ChatRole = "soak-assistant";
    public const string EmbeddingRole = "soak-embedder";

    /// <summary>The model of the change probe's host <paramref name="probe"/>: served by that one service only.</summary>
    public static string ProbeModel(int probe) => "soak-probe-" + probe.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] Families = ["qwen3", "mistral", "llama3", "gemma3", "phi4"];

    public static IReadOnlyList<PlannedHost> Build(int nodes, int trafficHosts, IReadOnlyList<Uri> simulators, int? servicesPerNode = null)
    {
        var hosts = new List<PlannedHost>(nodes);
        for (var i = 0; i < nodes; i++)
        {
            var hostId = "soak-" + i.ToString("D3", CultureInfo.InvariantCulture);
            var address = string.Create(CultureInfo.InvariantCulture, $"127.1.{i / 256}.{(i % 256) + 1}");
            if (i < trafficHosts)
            {
                var chat = Root(simulators[i % simulators.Count]);
                var embed = Root(simulators[(i + 1) % simulators.Count]);
                List<PlannedService> real =
                [
                    new(hostId + "-chat", "chat", chat, ChatModel, 4096, "llama.cpp"),
                    new(hostId + "-embed", "embeddings", embed, EmbeddingModel, 4096, "llama.cpp"),
                ];
                var padding = Math.Max(0, (servicesPerNode ?? 0) - real.Count);
                hosts.Add(new PlannedHost(i, hostId, "127.0.0.1", TakesTraffic: true, [.. real, .. FleetServices(i, hostId, address, real.Count, padding)]));
                continue;
            }

            if (servicesPerNode is { } count)
            {
                hosts.Add(new PlannedHost(i, hostId, address, TakesTraffic: false, [.. FleetServices(i, hostId, address, 0, count)]));
                continue;
            }

            var family = Families[i % Families.Length];
            var services = new List<PlannedService>
            {
                new(hostId + "-chat", "chat", "http://" + address + ":8080",
                    string.Create(CultureInfo.InvariantCulture, $"{family}-fleet-{i % 25:D2}"), 8192 << (i % 3), i % 2 == 0 ? "llama.cpp" : "ollama"),
            };
            if (i % 3 == 0)
            {
                services.Add(new(hostId + "-embed", "embeddings", "http://" + address + ":8081",
                    string.Create(CultureInfo.InvariantCulture, $"fleet-embed-{i % 5}"), 2048, "llama.cpp"));
            }

            hosts.Add(new PlannedHost(i, hostId, address, TakesTraffic: false, services));
        }

        return hosts;
    }

    /// <summary>
    /// A host of the change probe (not part of the fleet, and after it in index): one chat service whose model no
    /// other service serves, so whether the facade lists that model as served shows whether its table has the change.
    /// </summary>
    public static PlannedHost ProbeHost(int probe, int nodes)
    {
        var hostId = "soak-probe-" + probe.ToString("D2", CultureInfo.InvariantCulture);
        var address = "127.2.0." + (probe + 1).ToString(CultureInfo.InvariantCulture);
        return new PlannedHost(nodes + probe, hostId, address, TakesTraffic: false,
            [new(hostId + "-chat", "chat", "http://" + address + ":8080", ProbeModel(probe), 8192, "llama.cpp")]);
    }

    // Fleet services of the scale shape: the k-th of a host on its own port, one in five embedding, models spread over
    // the same 25 chat and 5 embedding names as the default fleet.
    private static IEnumerable<PlannedService> FleetServices(int host, string hostId, string address, int first, int count)
    {
        for (var k = first; k < first + count; k++)
        {
            var serviceId = string.Create(CultureInfo.InvariantCulture, $"{hostId}-s{k:D2}");
            var endpoint = string.Create(CultureInfo.InvariantCulture, $"http://{address}:{8080 + k}");
            yield return k % 5 == 4
                ? new(serviceId, "embeddings", endpoint, string.Create(CultureInfo.InvariantCulture, $"fleet-embed-{(host + k) % 5}"), 2048, "llama.cpp")
                : new(serviceId, "chat", endpoint,
                    string.Create(CultureInfo.InvariantCulture, $"{Families[(host + k) % Families.Length]}-fleet-{(host + k) % 25:D2}"), 8192 << ((host + k) % 3), (host + k) % 2 == 0 ? "llama.cpp" : "ollama");
        }
    }

    private static string Root(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}
