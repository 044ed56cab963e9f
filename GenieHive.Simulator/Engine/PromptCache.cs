using GenieHive.Simulator.Models;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// llama-server's prompt reuse (<c>cache_prompt</c>), per slot: a request reuses the longest common prefix of its
/// prompt with what its slot holds, so only the rest costs prefill; afterwards the slot holds the request's prompt
/// and answer. When the slot was not chosen for its similarity, or would keep less than half of what it holds, the
/// slot's prompt is saved to the host cache (<see cref="HostPromptStore"/>, when configured) and the best match is
/// restored from there first, as llama-server's <c>get_available_slot</c> does.
/// </summary>
public sealed class PromptCache
{
    // llama-server saves a slot's prompt before reusing the slot when it would keep less than this share of it.
    private const double SaveBelowKeep = 0.5;

    private readonly double _similarity;
    private readonly SlotPool _slots;

    public PromptCache(IOptions<SimulatorOptions> options, SlotPool slots)
    {
        var value = options.Value;
        Enabled = value.PromptCache;
        _similarity = value.SlotPromptSimilarity;
        _slots = slots;
        Host = Enabled && value.PromptCacheTokens > 0 ? new HostPromptStore(value.PromptCacheTokens) : null;
    }

    /// <summary>Whether prompts are recorded and reused at all.</summary>
    public bool Enabled { get; }

    /// <summary>The host-memory cache beyond the slots, or null when none is configured.</summary>
    public HostPromptStore? Host { get; }

    /// <summary>
    /// How many of <paramref name="prompt"/>'s tokens the request holding <paramref name="slot"/> reuses (llama-server's
    /// <c>cache_n</c>). At least one prompt token is always processed, as llama-server evaluates one to start generating.
    /// </summary>
    public int Reuse(EngineSlot slot, ServedModel model, TokenSequence prompt, bool cachePrompt)
    {
        if (Host is { } host)
        {
            var held = ReferenceEquals(slot.CachedModel, model) ? slot.CachedTokens : null;
            var common = TokenSequence.CommonPrefix(held, prompt);
            var similar = _similarity > 0 && SlotChoice.Similarity(slot, model, prompt) > _similarity;
            var keep = held is { Count: > 0 } ? (double)common / held.Count : 0;
            if (!similar || keep < SaveBelowKeep)
            {
                if (slot.CachedModel is { } cachedModel && slot.CachedTokens is { } cached)
                {
                    host.Save(cachedModel, cached);
                }

                if (host.TakeBest(model, prompt, held) is { } restored)
                {
                    slot.CachedModel = model;
                    slot.CachedTokens = restored;
                }

                host.Trim();
            }
        }

        if (!cachePrompt || !ReferenceEquals(slot.CachedModel, model))
        {
            return 0;
        }

        var reused = TokenSequence.CommonPrefix(slot.CachedTokens, prompt);
        return reused >= prompt.Count && reused > 0 ? prompt.Count - 1 : reused;
    }

    /// <summary>
    /// The slot now holds the request's prompt and the <paramref name="generated"/> tokens of its answer (the first
    /// <paramref name="reasoning"/> of them reasoning). The prompt's sequence becomes the slot's.
    /// </summary>
    public static void Remember(EngineSlot slot, ServedModel model, TokenSequence prompt, ulong seed, int generated, int reasoning)
    {
        for (var i = 0; i < generated; i++)
        {
            var isReasoning = i < reasoning;
            prompt.Add(TokenIds.Answer(seed, isReasoning ? i : i - reasoning, isReasoning));
        }

        slot.CachedModel = model;
        slot.CachedTokens = prompt;
    }

    /// <summary>Drops every cached prompt of <paramref name="model"/> (it was unloaded).</summary>
    public void Forget(ServedModel model)
    {
        _slots.Forget(model);
        Host?.Forget(model);
    }
}
