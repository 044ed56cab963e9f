using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// The engine's parallel slots with a FIFO queue in front of them, like llama-server's task queue: a request
/// takes a free slot or waits (counted as deferred) until one is released. A waiter that is cancelled leaves
/// the queue at once; a released slot goes straight to the oldest waiter.
/// </summary>
public sealed class SlotPool
{
    private readonly Lock _gate = new();
    private readonly EngineSlot[] _slots;
    private readonly Stack<EngineSlot> _free;
    private readonly LinkedList<Waiter> _queue = new();
    private long _nextTaskId;

    public SlotPool(IOptions<SimulatorOptions> options)
    {
        var count = options.Value.Slots;
        _slots = new EngineSlot[count];
        _free = new Stack<EngineSlot>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            _slots[i] = new EngineSlot(i);
            _free.Push(_slots[i]);
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
    public ValueTask<EngineSlot> AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_queue.Count == 0 && _free.TryPop(out var slot))
            {
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

            _free.Push(slot);
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
                    Volatile.Read(ref slot.Decoded));
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
    int Decoded);
