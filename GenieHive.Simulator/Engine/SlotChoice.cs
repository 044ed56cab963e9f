using GenieHive.Simulator.Models;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// Which free slot a request gets when the prompt cache is on, as llama-server's <c>get_available_slot</c> chooses:
/// the slot whose cached prompt shares the largest fraction of the new prompt, when that fraction is above
/// <c>--slot-prompt-similarity</c>; otherwise the least recently used slot.
/// </summary>
public static class SlotChoice
{
    /// <summary>The index in <paramref name="free"/> (not empty) of the slot to take.</summary>
    public static int Pick(IReadOnlyList<EngineSlot> free, ServedModel? model, TokenSequence? prompt, double similarity)
    {
        if (similarity > 0 && prompt is { Count: > 0 } && model is not null)
        {
            var best = -1;
            var bestSimilarity = 0.0;
            for (var i = 0; i < free.Count; i++)
            {
                var current = Similarity(free[i], model, prompt);
                if (current > bestSimilarity && current > similarity)
                {
                    bestSimilarity = current;
                    best = i;
                }
            }

            if (best >= 0)
            {
                return best;
            }
        }

        var lru = 0;
        for (var i = 1; i < free.Count; i++)
        {
            var slot = free[i];
            var oldest = free[lru];
            if (slot.LastUsed < oldest.LastUsed || (slot.LastUsed == oldest.LastUsed && slot.Id < oldest.Id))
            {
                lru = i;
            }
        }

        return lru;
    }

    /// <summary>The fraction of <paramref name="prompt"/> that the slot's cached prompt shares as a prefix (0 for another model's).</summary>
    public static double Similarity(EngineSlot slot, ServedModel model, TokenSequence prompt) =>
        ReferenceEquals(slot.CachedModel, model) && prompt.Count > 0
            ? (double)TokenSequence.CommonPrefix(slot.CachedTokens, prompt) / prompt.Count
            : 0;
}
