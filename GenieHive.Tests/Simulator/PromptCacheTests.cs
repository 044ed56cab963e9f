using GenieHive.Simulator;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Models;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Simulator;

/// <summary>The prompt cache's rules, without a host: prefix reuse, slot choice, the host-memory cache.</summary>
public sealed class PromptCacheTests
{
    private const ulong Seed = 42;

    private static readonly ServedModel Model = new("sim-chat", ModelKind.Chat);
    private static readonly ServedModel OtherModel = new("other-chat", ModelKind.Chat);

    [Fact]
    public async Task ARequestReusesTheLongestCommonPrefixOfWhatItsSlotHolds()
    {
        var (pool, cache) = Engine(slots: 1);
        await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4), generated: 2);
        var answer = Answer(2);

        Assert.Equal(6, await ReuseAsync(pool, cache, Model, Tokens([1, 2, 3, 4, .. answer, 9, 9])));
        Assert.Equal(2, await ReuseAsync(pool, cache, Model, Tokens(1, 2, 7, 8)));
        Assert.Equal(0, await ReuseAsync(pool, cache, Model, Tokens(7, 8)));
    }

    [Fact]
    public async Task AnIdenticalPromptStillProcessesItsLastToken()
    {
        var (pool, cache) = Engine(slots: 1);
        await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4), generated: 0);

        Assert.Equal(3, await ReuseAsync(pool, cache, Model, Tokens(1, 2, 3, 4)));
    }

    [Fact]
    public async Task NothingIsReusedAcrossModelsOrWhenTheRequestOptsOut()
    {
        var (pool, cache) = Engine(slots: 1);
        await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4), generated: 0);

        Assert.Equal(0, await ReuseAsync(pool, cache, OtherModel, Tokens(1, 2, 3, 4, 5)));
        await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4), generated: 0);
        Assert.Equal(0, await ReuseAsync(pool, cache, Model, Tokens(1, 2, 3, 4, 5), cachePrompt: false));
    }

    [Fact]
    public async Task AFreeSlotIsChosenForTheMostSimilarPromptAboveTheThreshold()
    {
        var (pool, cache) = Engine(slots: 3);
        var first = await pool.AcquireAsync(Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), TestContext.Current.CancellationToken);
        var second = await pool.AcquireAsync(Model, Tokens(20, 21, 22, 23, 24, 25, 26, 27, 28, 29), TestContext.Current.CancellationToken);
        PromptCache.Remember(first, Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), Seed, 0, 0);
        PromptCache.Remember(second, Model, Tokens(20, 21, 22, 23, 24, 25, 26, 27, 28, 29), Seed, 0, 0);
        pool.Release(second);
        pool.Release(first);

        var similar = await pool.AcquireAsync(Model, Tokens(20, 21, 22, 23, 24, 99), TestContext.Current.CancellationToken);
        Assert.Same(second, similar);
        pool.Release(similar);

        // One shared token of twenty is 5%, below llama-server's 10%: the least recently used slot (the one never used).
        var dissimilar = await pool.AcquireAsync(Model, Tokens([1, .. Enumerable.Range(100, 19).Select(i => (uint)i)]), TestContext.Current.CancellationToken);
        Assert.NotSame(first, dissimilar);
        Assert.NotSame(second, dissimilar);
    }

    [Fact]
    public async Task WithoutASimilarSlotTheLeastRecentlyUsedIsTaken()
    {
        var (pool, _) = Engine(slots: 2);
        var a = await pool.AcquireAsync(Model, Tokens(1), TestContext.Current.CancellationToken);
        var b = await pool.AcquireAsync(Model, Tokens(2), TestContext.Current.CancellationToken);
        pool.Release(a);
        pool.Release(b);

        Assert.Same(a, await pool.AcquireAsync(Model, Tokens(3), TestContext.Current.CancellationToken));
        Assert.Same(b, await pool.AcquireAsync(Model, Tokens(4), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ASlotsPromptMovesToTheHostCacheAndComesBackForItsConversation()
    {
        var (pool, cache) = Engine(slots: 1, hostTokens: 1000);
        var conversationA = Tokens(1, 2, 3, 4, 5, 6, 7, 8);
        await ServeAsync(pool, cache, Model, conversationA, generated: 0);
        Assert.Equal(0, await ServeAsync(pool, cache, Model, Tokens(50, 51, 52, 53), generated: 0));
        Assert.Equal(1, cache.Host!.Count);

        Assert.Equal(8, await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8, 9), generated: 0));
        Assert.Equal(1, cache.Host.Count);
    }

    [Fact]
    public async Task WithoutAHostCacheAPromptPushedOutOfItsSlotIsLost()
    {
        var (pool, cache) = Engine(slots: 1);
        await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8), generated: 0);
        await ServeAsync(pool, cache, Model, Tokens(50, 51, 52, 53), generated: 0);

        Assert.Null(cache.Host);
        Assert.Equal(0, await ServeAsync(pool, cache, Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8, 9), generated: 0));
    }

    [Fact]
    public void TheHostCacheKeepsOneCopyOfAPrefixAndDropsTheOldestBeyondItsLimit()
    {
        var store = new HostPromptStore(limitTokens: 10);
        store.Save(Model, Tokens(1, 2, 3));
        store.Save(Model, Tokens(1, 2, 3, 4, 5));
        Assert.Equal(1, store.Count);
        Assert.Equal(5, store.Tokens);

        store.Save(Model, Tokens(1, 2));
        Assert.Equal(1, store.Count);

        store.Save(Model, Tokens(7, 8, 9, 10));
        store.Save(OtherModel, Tokens(1, 2, 3, 4, 5));
        Assert.Equal(14, store.Tokens);
        store.Trim();
        Assert.Equal(2, store.Count);
        Assert.Equal(9, store.Tokens);

        store.Forget(OtherModel);
        Assert.Equal(1, store.Count);
        Assert.Equal(4, store.Tokens);
    }

    [Fact]
    public void TheHostCacheRestoresOnlyAPromptThatBeatsWhatTheSlotHolds()
    {
        var store = new HostPromptStore(limitTokens: 1000);
        store.Save(Model, Tokens(1, 2, 3, 4, 5, 6, 7, 8));

        // Less than a quarter of the cached prompt would be used: llama-server leaves it alone.
        Assert.Null(store.TakeBest(Model, Tokens(1, 9, 9, 9), held: null));
        Assert.Null(store.TakeBest(OtherModel, Tokens(1, 2, 3, 4, 5), held: null));

        // The slot already holds as good a prefix.
        Assert.Null(store.TakeBest(Model, Tokens(1, 2, 3, 4, 9), held: Tokens(1, 2, 3, 4)));

        // The slot would keep half of what it holds and cover two of seven tokens; the cached prompt beats both.
        var restored = store.TakeBest(Model, Tokens(1, 2, 3, 4, 5, 6, 9), held: Tokens(1, 2, 7, 7));
        Assert.NotNull(restored);
        Assert.Equal(8, restored.Count);
        Assert.Equal(0, store.Count);
    }

    private static (SlotPool Pool, PromptCache Cache) Engine(int slots, int hostTokens = 0)
    {
        var options = Options.Create(new SimulatorOptions { Slots = slots, PromptCache = true, PromptCacheTokens = hostTokens });
        var pool = new SlotPool(options);
        return (pool, new PromptCache(options, pool));
    }

    // One request through a slot: what it reuses, then the slot holds its prompt and the answer's first tokens.
    private static async Task<int> ServeAsync(SlotPool pool, PromptCache cache, ServedModel model, TokenSequence prompt, int generated)
    {
        var slot = await pool.AcquireAsync(model, prompt, TestContext.Current.CancellationToken);
        var reused = cache.Reuse(slot, model, prompt, cachePrompt: true);
        PromptCache.Remember(slot, model, prompt, Seed, generated, reasoning: 0);
        pool.Release(slot);
        return reused;
    }

    private static async Task<int> ReuseAsync(SlotPool pool, PromptCache cache, ServedModel model, TokenSequence prompt, bool cachePrompt = true)
    {
        var slot = await pool.AcquireAsync(model, prompt, TestContext.Current.CancellationToken);
        var reused = cache.Reuse(slot, model, prompt, cachePrompt);
        pool.Release(slot);
        return reused;
    }

    private static uint[] Answer(int count) => [.. Enumerable.Range(0, count).Select(i => TokenIds.Answer(Seed, i, reasoning: false))];

    private static TokenSequence Tokens(params uint[] ids)
    {
        var sequence = new TokenSequence(ids.Length);
        foreach (var id in ids)
        {
            sequence.Add(id);
        }

        return sequence;
    }
}
