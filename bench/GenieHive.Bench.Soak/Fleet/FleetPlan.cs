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
/// and resolution work over every service while no request ever leaves the machine.
/// </summary>
internal static class FleetPlan
{
    public const string ChatModel = "soak-chat";
    public const string EmbeddingModel = "soak-embed";
    public const string ChatRole = "soak-assistant";
    public const string EmbeddingRole = "soak-embedder";

    private static readonly string[] Families = ["qwen3", "mistral", "llama3", "gemma3", "phi4"];

    public static IReadOnlyList<PlannedHost> Build(int nodes, int trafficHosts, IReadOnlyList<Uri> simulators)
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
                hosts.Add(new PlannedHost(i, hostId, "127.0.0.1", TakesTraffic: true,
                [
                    new(hostId + "-chat", "chat", chat, ChatModel, 4096, "llama.cpp"),
                    new(hostId + "-embed", "embeddings", embed, EmbeddingModel, 4096, "llama.cpp"),
                ]));
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

    private static string Root(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}
