using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GenieHive.Simulator;
using GenieHive.Tests.Hosting;

namespace GenieHive.Tests.Compat;

/// <summary>The repository's engine simulator on a real socket, with its test-only <c>/sim/*</c> controls.</summary>
internal sealed class SimulatorEngine : IAsyncDisposable
{
    private readonly KestrelApp<SimulatorMarker> _app;
    private readonly HttpClient _client;

    private SimulatorEngine(KestrelApp<SimulatorMarker> app)
    {
        _app = app;
        _client = new HttpClient { BaseAddress = new Uri(app.Url), Timeout = TimeSpan.FromSeconds(20) };
    }

    public string Url => _app.Url;

    /// <summary>Starts a simulator; <paramref name="settings"/> are <c>Simulator:*</c> keys without the prefix.</summary>
    public static SimulatorEngine Start(params (string Key, object Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Simulator:TimeToFirstTokenMs"] = "5",
            ["Simulator:TokensPerSecond"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            values["Simulator:" + key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        return new SimulatorEngine(KestrelApp<SimulatorMarker>.Start(values));
    }

    /// <summary>Injects a fault (<c>POST /sim/faults</c>), e.g. <c>{"mode":"drop_mid_stream","after_chunks":3,"count":1}</c>.</summary>
    public async Task SetFaultAsync(string faultJson)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _client.PostAsync("/sim/faults", new StringContent(faultJson, System.Text.Encoding.UTF8, "application/json"), ct)
            .WaitAsync(TimeSpan.FromSeconds(10), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Clears faults and zeroes the counters, so each test starts from a clean engine.</summary>
    public async Task ResetAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        (await _client.DeleteAsync("/sim/faults", ct).WaitAsync(TimeSpan.FromSeconds(10), ct)).Dispose();
        (await _client.DeleteAsync("/sim/stats", ct).WaitAsync(TimeSpan.FromSeconds(10), ct)).Dispose();
    }

    /// <summary><c>GET /sim/stats</c>.</summary>
    public async Task<JsonElement> StatsAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        return await _client.GetFromJsonAsync<JsonElement>("/sim/stats", ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    /// <summary>Polls <c>/sim/stats</c> until <paramref name="condition"/> holds and returns those stats; fails after <paramref name="seconds"/> (scaled).</summary>
    public Task<JsonElement> WaitForStatsAsync(Func<JsonElement, bool> condition, double seconds = 10) =>
        Testing.Eventually.ValueAsync(StatsAsync, condition, "the simulator's stats to satisfy the test's condition", TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
