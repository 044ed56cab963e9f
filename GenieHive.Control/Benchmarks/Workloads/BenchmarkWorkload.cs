using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>
/// A named set of cases run against a service, each with a check of the answer. Chat cases send a prompt
/// (streaming, so time to first token is measured); embeddings cases embed an anchor, a paraphrase of it and an
/// unrelated text, and check the cosine ordering.
/// </summary>
/// <param name="Name">The workload name samples are stored under (<c>chat.short_reasoning</c>).</param>
/// <param name="Kind"><c>chat</c> or <c>embeddings</c>.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Source"><c>builtin</c>, or the YAML file it came from.</param>
/// <param name="Cases">At least one case.</param>
/// <param name="Body">Extra request fields sent with every case (caller values of the request win), or null.</param>
public sealed record BenchmarkWorkload(
    string Name,
    string Kind,
    string? Description,
    string Source,
    IReadOnlyList<WorkloadCase> Cases,
    JsonObject? Body = null)
{
    public const string BuiltInSource = "builtin";

    public BenchmarkWorkloadView ToView() => new()
    {
        Name = Name,
        Kind = Kind,
        Description = Description,
        Source = Source,
        Cases = [.. Cases.Select(c => new BenchmarkCaseView(c.Name, c.Check.Describe(), c.MaxTokens))],
    };
}

/// <summary>One case: a chat prompt (with an optional system prompt and token budget), or three texts to embed.</summary>
public sealed record WorkloadCase
{
    public required string Name { get; init; }
    public required WorkloadCheck Check { get; init; }

    /// <summary>Chat: the user message.</summary>
    public string? Prompt { get; init; }

    /// <summary>Chat: the system message, if any.</summary>
    public string? System { get; init; }

    /// <summary>Chat: <c>max_tokens</c>.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Embeddings: the reference text.</summary>
    public string? Anchor { get; init; }

    /// <summary>Embeddings: a paraphrase of <see cref="Anchor"/>, which must be closer to it than <see cref="Unrelated"/>.</summary>
    public string? Similar { get; init; }

    /// <summary>Embeddings: a text about something else.</summary>
    public string? Unrelated { get; init; }
}
