using GenieHive.Simulator.Models;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// llama-server's host-memory prompt cache (<c>server_prompt_cache</c>), bounded in tokens: prompts a slot was about
/// to lose are saved here, oldest first out, and a request restores the cached prompt that keeps the most of itself
/// and covers the most of the request. Thread-safe.
/// </summary>
public sealed class HostPromptStore(int limitTokens)
{
    // llama-server leaves a cached prompt alone when less than this share of it would be used ("don't trash large prompts").
    private const double MinimumKeep = 0.25;

    private readonly Lock _gate = new();
    private readonly LinkedList<(ServedModel Model, TokenSequence Tokens)> _entries = new();
    private long _tokens;

    /// <summary>Prompts held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Tokens held, over every prompt.</summary>
    public long Tokens
    {
        get
        {
            lock (_gate)
            {
                return _tokens;
            }
        }
    }

    /// <summary>
    /// Saves a slot's prompt: nothing when a held prompt already contains it, and held prompts it contains are
    /// dropped. The limit is applied by <see cref="Trim"/>, after the restore that may take a prompt out again.
    /// </summary>
    public void Save(ServedModel model, TokenSequence tokens)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            for (var node = _entries.First; node is not null;)
            {
                var next = node.Next;
                if (ReferenceEquals(node.Value.Model, model))
                {
                    var common = TokenSequence.CommonPrefix(node.Value.Tokens, tokens);
                    if (common == tokens.Count)
                    {
                        return;
                    }

                    if (common == node.Value.Tokens.Count)
                    {
                        Remove(node);
                    }
                }

                node = next;
            }

            _entries.AddLast((model, tokens));
            _tokens += tokens.Count;
        }
    }

    /// <summary>Drops the oldest prompts while the total is over the limit; the newest always stays.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            while (_entries.Count > 1 && _tokens > limitTokens)
            {
                Remove(_entries.First!);
            }
        }
    }

    /// <summary>
    /// Takes out the held prompt of <paramref name="model"/> that beats what the slot holds (<paramref name="held"/>)
    /// for <paramref name="prompt"/> both in the share of itself kept and in the share of the prompt covered, or null.
    /// </summary>
    public TokenSequence? TakeBest(ServedModel model, TokenSequence prompt, TokenSequence? held)
    {
        var common = TokenSequence.CommonPrefix(held, prompt);
        var bestKeep = held is { Count: > 0 } ? (double)common / held.Count : -1;
        var bestCover = (double)common / Math.Max(1, prompt.Count);
        lock (_gate)
        {
            LinkedListNode<(ServedModel Model, TokenSequence Tokens)>? best = null;
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value.Model, model))
                {
                    continue;
                }

                var shared = TokenSequence.CommonPrefix(node.Value.Tokens, prompt);
                var keep = (double)shared / node.Value.Tokens.Count;
                var cover = (double)shared / Math.Max(1, prompt.Count);
                if (keep >= MinimumKeep && keep > bestKeep && cover > bestCover)
                {
                    bestKeep = keep;
                    bestCover = cover;
                    best = node;
                }
            }

            if (best is null)
            {
                return null;
            }

            Remove(best);
            return best.Value.Tokens;
        }
    }

    /// <summary>Drops every prompt of <paramref name="model"/> (it was unloaded).</summary>
    public void Forget(ServedModel model)
    {
        lock (_gate)
        {
            for (var node = _entries.First; node is not null;)
            {
                var next = node.Next;
                if (ReferenceEquals(node.Value.Model, model))
                {
                    Remove(node);
                }

                node = next;
            }
        }
    }

    private void Remove(LinkedListNode<(ServedModel Model, TokenSequence Tokens)> node)
    {
        _tokens -= node.Value.Tokens.Count;
        _entries.Remove(node);
    }
}
