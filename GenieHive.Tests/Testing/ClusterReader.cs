using System.Net.Http.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;
using GenieHive.Contracts.Json;

namespace GenieHive.Tests.Testing;

/// <summary>Typed reads of Control's operator API, with the client key, at Control's (restart-stable) address.</summary>
public sealed class ClusterReader : IDisposable
{
    private readonly TestCluster _cluster;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    internal ClusterReader(TestCluster cluster)
    {
        _cluster = cluster;
        _client.DefaultRequestHeaders.Add("X-Api-Key", TestCluster.ClientKey);
    }

    public async Task<IReadOnlyList<HostView>> HostsAsync() =>
        (await GetAsync("/v1/cluster/hosts", GenieHiveJsonContext.Default.ListResponseHostView)).Data;

    public async Task<IReadOnlyList<ServiceView>> ServicesAsync() =>
        (await GetAsync("/v1/cluster/services", GenieHiveJsonContext.Default.ListResponseServiceView)).Data;

    public async Task<ServiceView?> ServiceAsync(string serviceId) =>
        (await ServicesAsync()).FirstOrDefault(s => s.ServiceId == serviceId);

    public Task<RoutingTable> RoutingTableAsync() => GetAsync("/v1/cluster/routing-table", GenieHiveJsonContext.Default.RoutingTable);

    public Task<ClusterHealth> HealthAsync() => GetAsync("/v1/cluster/health", GenieHiveJsonContext.Default.ClusterHealth);

    public async Task<Resolution> ResolveAsync(string model) =>
        (await GetAsync("/v1/cluster/routes/resolve?model=" + Uri.EscapeDataString(model) + "&kind=chat",
            GenieHiveJsonContext.Default.ResolveResponse)).Resolution;

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var uri = new Uri(_cluster.Control.BaseAddress, path);
        return (await _client.GetFromJsonAsync(uri, type, TestContext.Current.CancellationToken))!;
    }

    public void Dispose() => _client.Dispose();
}
