using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// The engine's parallel slots with a FIFO queue in front of them, like llama-server's task queue: a request
/// takes a free slot or waits (counted as deferred) until one is released. A waiter that is cancelled leaves
/// the queue at once; a released slot goes straight to the oldest waiter. Without the prompt cache the slot
/// released last is taken first; with it, the free slot is chosen as llama-server chooses (<see cref="SlotChoice"/>).
/// </summary>
public sealed class SlotPool
{
    private readonly Lock _gate = new();
    private readonly EngineSlot[] _slots;

    // Free slots; the last one is the most recently released.
    private readonly List<EngineSlot> _free;
    private readonly LinkedList<Waiter> _queue = new();
    private readonly bool _choose;
    private readonly double _similarity;
    private long _nextTaskId;
    private long _releases;

    public SlotPool(IOptions<SimulatorOptions> options)
    {
        var value = options.Value;
        var count = value.Slots;
        _choose = value.PromptCache;
        _similarity = value.SlotPromptSimilarity;
        _slots = new EngineSlot[count];
        _free = new List<EngineSlot>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            _slots[i] = new EngineSlot(i);
            _free.Add(_slots[i]);
        }
    }

    /// <summary>Requests holding a slot (llama.cpp's <c>requests_processing</c>).</summary>
    public int Processing
    {
        get
        {
            lock (_gate)
            {
                return _slots.Length - _free.Count;
            }
        }
    }

    /// <summary>Requests waiting for a slot (llama.cpp's <c>requests_deferred</c>).</summary>
    public int Deferred
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Takes a free slot, or waits in FIFO order for one. The caller must <see cref="Release"/> it.</summary>
    public ValueTask<EngineSlot> AcquireAsync(CancellationToken cancellationToken) => AcquireAsync(null, null, cancellationToken);

    /// <summary>
    /// Takes a free slot, with the prompt cache the one whose cached prompt suits <paramref name="prompt"/> of
    /// <paramref name="model"/> best, or waits in FIFO order for one. The caller must <see cref="Release"/> it.
    /// </summary>
    public ValueTask<EngineSlot> AcquireAsync(Models.ServedModel? model, TokenSequence? prompt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_queue.Count == 0 && _free.Count > 0)
            {
                var index = _choose ? SlotChoice.Pick(_free, model, prompt, _similarity) : _free.Count - 1;
                var slot = _free[index];
                _free.RemoveAt(index);
                Assign(slot);
                return ValueTask.FromResult(slot);
            }

            waiter = new Waiter(this);
            waiter.Node = _queue.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var cancelled = (Waiter)state!;
                    cancelled.Pool.Cancel(cancelled, token);
                },
                waiter);
        }

        return new ValueTask<EngineSlot>(waiter.WaitAsync());
    }

    /// <summary>Frees a slot, handing it to the oldest waiter if there is one.</summary>
    public void Release(EngineSlot slot)
    {
        lock (_gate)
        {
            slot.IsProcessing = false;
            slot.SetDecoded(0);
            slot.LastUsed = ++_releases;
            while (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                first.Value.Node = null;
                Assign(slot);
                if (first.Value.Completion.TrySetResult(slot))
                {
                    return;
                }

                slot.IsProcessing = false;
            }

            _free.Add(slot);
        }
    }

    /// <summary>Drops what idle slots hold of <paramref name="model"/>'s prompts (the model was unloaded).</summary>
    public void Forget(Models.ServedModel model)
    {
        lock (_gate)
        {
            foreach (var slot in _free)
            {
                if (ReferenceEquals(slot.CachedModel, model))
                {
                    slot.CachedModel = null;
                    slot.CachedTokens = null;
                }
            }
        }
    }

    /// <summary>A consistent copy of every slot's state, for <c>/slots</c>.</summary>
    public SlotState[] Snapshot()
    {
        var states = new SlotState[_slots.Length];
        lock (_gate)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                var slot = _slots[i];
                states[i] = new SlotState(
                    slot.Id,
                    slot.TaskId,
                    slot.IsProcessing,
                    slot.Work,
                    slot.PromptTokens,
                    slot.TokensToPredict,
                    slot.Stream,
                    Volatile.Read(ref slot.Decoded),
                    slot.ReusedTokens);
            }
        }

        return states;
    }

    private void Assign(EngineSlot slot)
    {
        slot.IsProcessing = true;
        slot.TaskId = _nextTaskId++;
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                // Already handed a slot: the holder sees the cancellation and releases it.
                return;
            }

            _queue.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private sealed class Waiter(SlotPool pool)
    {
        public SlotPool Pool { get; } = pool;

        public TaskCompletionSource<EngineSlot> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public async Task<EngineSlot> WaitAsync()
        {
            try
            {
                return await Completion.Task.ConfigureAwait(false);
            }
            finally
            {
                await Registration.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One slot as <c>/slots</c> reports it.</summary>
public readonly record struct SlotState(
    int Id,
    long TaskId,
    bool IsProcessing,
    SlotWork Work,
    int PromptTokens,
    int TokensToPredict,
    bool Stream,
    int Decoded,
    int ReusedTokens);
