using GenieHive.Simulator.Engine;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Models;

/// <summary>Where a chat model is: on disk only, being loaded into memory, or loaded.</summary>
public enum ModelStatus
{
    Unloaded,
    Loading,
    Loaded,
}

/// <summary>
/// Which chat models are in memory, when models load on demand (<c>ModelLoadMs</c> above 0), like Ollama's scheduler:
/// a request for a model that is not loaded starts its load (the others asking meanwhile wait for the same load),
/// and when the memory budget is full the least recently used model that no request is using or waiting for is
/// evicted first; with nothing evictable the request waits until a model goes idle. A load in progress finishes even
/// if its requester goes away. Without on-demand loading every chat model is loaded from the start and stays.
/// </summary>
public sealed partial class ModelResidency
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ServedModel, ModelState> _states = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider _time;
    private readonly PromptCache _promptCache;
    private readonly ILogger<ModelResidency> _logger;
    private readonly TimeSpan _loadTime;
    private readonly long _sizeMb;
    private readonly long _budgetMb;
    private TaskCompletionSource _idle = NewSignal();
    private long _usedMb;
    private long _uses;
    private long _loads;
    private long _evictions;
    private int _waiting;

    public ModelResidency(IOptions<SimulatorOptions> options, ModelCatalog catalog, TimeProvider time, PromptCache promptCache, ILogger<ModelResidency> logger)
    {
        var value = options.Value;
        _time = time;
        _promptCache = promptCache;
        _logger = logger;
        OnDemand = value.ModelLoadMs > 0;
        _loadTime = TimeSpan.FromMilliseconds(value.ModelLoadMs);
        _sizeMb = value.ModelSizeMb;
        _budgetMb = value.MemoryBudgetMb;
        var now = time.GetUtcNow();
        foreach (var model in catalog.Chat)
        {
            var loaded = !OnDemand || value.PreloadedModels.Contains(model.Id, StringComparer.Ordinal);
            _states[model] = new ModelState(model) { Status = loaded ? ModelStatus.Loaded : ModelStatus.Unloaded, LoadedAt = now };
            if (loaded)
            {
                _usedMb += _sizeMb;
            }
        }
    }

    /// <summary>Whether chat models load on demand (otherwise all are loaded, always).</summary>
    public bool OnDemand { get; }

    /// <summary>Memory one loaded model takes, in bytes.</summary>
    public long ModelSizeBytes => _sizeMb * 1024 * 1024;

    /// <summary>Requests waiting for their model to load or for memory to load it in.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Loads finished since start-up.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Models evicted since start-up.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Every chat model's status, in catalog order.</summary>
    public IReadOnlyList<(ServedModel Model, ModelStatus Status, DateTimeOffset LoadedAt)> Snapshot()
    {
        lock (_gate)
        {
            return [.. _states.Values.Select(state => (state.Model, state.Status, state.LoadedAt))];
        }
    }

    /// <summary>
    /// Waits until <paramref name="model"/> is loaded and keeps it from eviction until the lease is disposed. Returns at
    /// once when it is loaded (always, without on-demand loading).
    /// </summary>
    public ValueTask<ModelLease> AcquireAsync(ServedModel model, CancellationToken cancellationToken)
    {
        if (!OnDemand)
        {
            return ValueTask.FromResult(default(ModelLease));
        }

        lock (_gate)
        {
            var state = _states[model];
            if (state.Status == ModelStatus.Loaded)
            {
                Use(state);
                return ValueTask.FromResult(new ModelLease(this, state));
            }
        }

        return WaitForLoadAsync(model, cancellationToken);
    }

    private async ValueTask<ModelLease> WaitForLoadAsync(ServedModel model, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        var state = _states[model];
        var pinned = false;
        try
        {
            while (true)
            {
                Task wait;
                lock (_gate)
                {
                    if (state.Status == ModelStatus.Loaded)
                    {
                        Use(state);
                        Unpin(state, ref pinned);
                        return new ModelLease(this, state);
                    }

                    if (state.Status == ModelStatus.Unloaded && MakeRoom(model))
                    {
                        state.Status = ModelStatus.Loading;
                        _usedMb += _sizeMb;
                        state.Load = LoadAsync(state);
                    }

                    if (state.Status == ModelStatus.Loading)
                    {
                        // Waiting for this load: the model must not be evicted before this request gets to use it.
                        if (!pinned)
                        {
                            state.Pinned++;
                            pinned = true;
                        }

                        wait = state.Load!;
                    }
                    else
                    {
                        wait = _idle.Task;
                    }
                }

                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (pinned)
            {
                lock (_gate)
                {
                    Unpin(state, ref pinned);
                }
            }

            Interlocked.Decrement(ref _waiting);
        }
    }

    private void Release(ModelState state)
    {
        lock (_gate)
        {
            state.Active--;
            state.LastUsed = ++_uses;
            SignalIfIdle(state);
        }
    }

    // Under the lock: evicts idle models, least recently used first, until the model fits; false when it cannot yet.
    private bool MakeRoom(ServedModel model)
    {
        while (_budgetMb > 0 && _usedMb + _sizeMb > _budgetMb)
        {
            ModelState? victim = null;
            foreach (var candidate in _states.Values)
            {
                if (candidate.Status == ModelStatus.Loaded && candidate.Active == 0 && candidate.Pinned == 0
                    && (victim is null || candidate.LastUsed < victim.LastUsed))
                {
                    victim = candidate;
                }
            }

            if (victim is null)
            {
                return false;
            }

            victim.Status = ModelStatus.Unloaded;
            _usedMb -= _sizeMb;
            Interlocked.Increment(ref _evictions);
            _promptCache.Forget(victim.Model);
            LogEvicted(_logger, victim.Model.Id, model.Id);
        }

        return true;
    }

    private async Task LoadAsync(ModelState state)
    {
        await Task.Delay(_loadTime, _time).ConfigureAwait(false);
        lock (_gate)
        {
            state.Status = ModelStatus.Loaded;
            state.LoadedAt = _time.GetUtcNow();
            state.LastUsed = ++_uses;
            Interlocked.Increment(ref _loads);
            SignalIfIdle(state);
        }

        LogLoaded(_logger, state.Model.Id, _loadTime.TotalMilliseconds);
    }

    private void Use(ModelState state)
    {
        state.Active++;
        state.LastUsed = ++_uses;
    }

    private void Unpin(ModelState state, ref bool pinned)
    {
        if (pinned)
        {
            state.Pinned--;
            pinned = false;
            SignalIfIdle(state);
        }
    }

    // Under the lock: a model nobody uses or waits for can be evicted now; whoever waits for memory looks again.
    private void SignalIfIdle(ModelState state)
    {
        if (state.Status == ModelStatus.Loaded && state.Active == 0 && state.Pinned == 0)
        {
            var idle = _idle;
            _idle = NewSignal();
            idle.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Model} in {LoadMs} ms")]
    private static partial void LogLoaded(ILogger logger, string model, double loadMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted {Model} to make room for {Requested}")]
    private static partial void LogEvicted(ILogger logger, string model, string requested);

    /// <summary>Keeps a loaded model from eviction while a request uses it.</summary>
    public readonly struct ModelLease : IDisposable
    {
        private readonly ModelResidency? _owner;
        private readonly ModelState? _state;

        internal ModelLease(ModelResidency owner, ModelState state)
        {
            _owner = owner;
            _state = state;
        }

        public void Dispose() => _owner?.Release(_state!);
    }

    internal sealed class ModelState(ServedModel model)
    {
        public ServedModel Model { get; } = model;

        public ModelStatus Status { get; set; }

        public DateTimeOffset LoadedAt { get; set; }

        public Task? Load { get; set; }

        /// <summary>Requests holding a lease.</summary>
        public int Active { get; set; }

        /// <summary>Requests waiting for its load to finish.</summary>
        public int Pinned { get; set; }

        public long LastUsed { get; set; }
    }
}
