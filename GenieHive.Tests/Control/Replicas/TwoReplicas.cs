using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>Two Controls in process on a new database of the shared PostgreSQL, each with a client.</summary>
internal sealed class TwoReplicas : IAsyncDisposable
{
    private readonly ControlFactory _first;
    private readonly ControlFactory _second;

    private TwoReplicas(TestStorage storage, Dictionary<string, string?> settings)
    {
        Storage = storage;
        _first = new ControlFactory(settings: settings);
        _second = new ControlFactory(settings: settings);
        First = _first.CreateClient();
        Second = _second.CreateClient();
    }

    public TestStorage Storage { get; }

    public HttpClient First { get; }

    public HttpClient Second { get; }

    public static async Task<TwoReplicas> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var all = storage.Settings;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new TwoReplicas(storage, all);
    }

    public async ValueTask DisposeAsync()
    {
        First.Dispose();
        Second.Dispose();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
