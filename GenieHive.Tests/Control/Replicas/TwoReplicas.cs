using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>Two Controls in process on a new database of the shared PostgreSQL, each with a client.</summary>
internal sealed class TwoReplicas : IAsyncDisposable
{
    private readonly ControlFactory _first;
    private readonly ControlFactory _second;

    private TwoReplicas(TestStorage storage, ControlFactory first, ControlFactory second)
    {
        Storage = storage;
        _first = first;
        _second = second;
        First = _first.CreateClient();
        Second = _second.CreateClient();
    }

    public TestStorage Storage { get; }

    public HttpClient First { get; }

    public HttpClient Second { get; }

    /// <summary>The first replica's base URL, when on a real socket (<see cref="StartOnSocketsAsync"/>).</summary>
    public string FirstUrl => _first.Url;

    /// <summary>The second replica's base URL, when on a real socket.</summary>
    public string SecondUrl => _second.Url;

    /// <summary>Both replicas on test servers (called through <see cref="First"/> and <see cref="Second"/> only).</summary>
    public static Task<TwoReplicas> StartAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(settings, all => new ControlFactory(settings: all));

    /// <summary>Both replicas on loopback sockets, so facades and agents can call them over HTTP.</summary>
    public static Task<TwoReplicas> StartOnSocketsAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(settings, all => ControlFactory.StartOnPort(0, settings: all));

    private static async Task<TwoReplicas> StartAsync(IReadOnlyDictionary<string, string?>? settings, Func<Dictionary<string, string?>, ControlFactory> start)
    {
        var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var all = storage.Settings;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new TwoReplicas(storage, start(all), start(all));
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
