using System.Collections.Immutable;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing.Planning;

/// <summary>Everything routing reads about one service, computed once per routing-table version.</summary>
internal sealed class ServiceFacts
{
    private HashSet<string>? _textTokens;

    public ServiceFacts(ServiceView view, HostAttributes host, ScoredSample[] samples)
    {
        View = view;
        Host = host;
        Samples = samples;
        Runtime = RuntimeScorer.Figures(view);
        RuntimeScore = RuntimeScorer.Score(Runtime);
        BaseBenchmark = BenchmarkScorer.Score(samples, BenchmarkQuery.Empty);
        MaxContext = KnownMaxContext(view);
        AssetText = string.Join(' ', view.Assets.Select(a => a.AssetId)).ToLowerInvariant();
        BaseUrl = BaseUrlOf(view.Endpoint);
        AcceptReason = Routability.RefusesWork(view, host);

        // Direct targets (and role targets without workloads or families) all see the service the same way:
        // computed once here and shared, instead of once per name the service answers to.
        BaseScore = CandidateScorer.ServiceScore(0, RuntimeScore, BaseBenchmark.Score);
        BaseSignals = CandidateScorer.Signals(0, RuntimeScore, Runtime, BaseBenchmark, familyMatch: null);
        var reasons = new List<string>(6);
        RuntimeScorer.AddReasons(Runtime, reasons);
        BenchmarkScorer.AddReasons(BaseBenchmark, reasons);
        BaseReasons = [.. reasons];
    }

    public ServiceView View { get; }
    public string ServiceId => View.ServiceId;
    public HostAttributes Host { get; }
    public ScoredSample[] Samples { get; }
    public RuntimeFigures Runtime { get; }
    public double RuntimeScore { get; }

    /// <summary>The benchmark result for an empty query (0.55 × the best quality of any sample).</summary>
    public BenchmarkResult BaseBenchmark { get; }

    /// <summary>The service score for an empty query (no task text, no workloads): what direct targets rank by.</summary>
    public double BaseScore { get; }

    /// <summary>Signals for an empty query, without a family signal. Shared by every target that uses them; immutable.</summary>
    public CandidateSignals BaseSignals { get; }

    public ImmutableArray<string> BaseReasons { get; }

    /// <summary>The largest context size the service is known to have, or null when unknown.</summary>
    public long? MaxContext { get; }

    /// <summary>Lower-cased, space-joined asset ids: what preferred families are matched against.</summary>
    public string AssetText { get; }

    public string BaseUrl { get; }

    /// <summary>Why the service takes no new work at all (health, staleness, availability, host family rules), or null.</summary>
    public string? AcceptReason { get; }

    /// <summary>Match text: service id, host id, asset ids, runtime engine, launcher and extras as "key value".</summary>
    public HashSet<string> TextTokens => LazyInitializer.EnsureInitialized(ref _textTokens, BuildTextTokens);

    private HashSet<string> BuildTextTokens()
    {
        var tokens = Scoring.TextTokens.Of(View.ServiceId, View.HostId);
        foreach (var asset in View.Assets)
        {
            Scoring.TextTokens.AddTo(tokens, asset.AssetId);
        }

        foreach (var (key, value) in RuntimeEntries(View))
        {
            Scoring.TextTokens.AddTo(tokens, key);
            Scoring.TextTokens.AddTo(tokens, value);
        }

        return tokens;
    }

    /// <summary>The runtime's engine, launcher and scalar extras as (key, value), in that order.</summary>
    internal static IEnumerable<(string Key, string Value)> RuntimeEntries(ServiceView view)
    {
        var runtime = view.Runtime;
        if (runtime is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(runtime.Engine))
        {
            yield return ("engine", runtime.Engine);
        }

        if (!string.IsNullOrWhiteSpace(runtime.Launcher))
        {
            yield return ("launcher", runtime.Launcher);
        }

        if (runtime.Extra is null)
        {
            yield break;
        }

        foreach (var (key, element) in runtime.Extra)
        {
            var value = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(value))
            {
                yield return (key, value);
            }
        }
    }

    private static long? KnownMaxContext(ServiceView view)
    {
        long? best = null;
        void Consider(long? value)
        {
            if (value is > 0 && (best is null || value > best))
            {
                best = value;
            }
        }

        if (view.Runtime is { } runtime)
        {
            Consider(runtime.ContextSize);
            Consider(runtime.MaxContextTokens);
            if (runtime.Extra is { } extra)
            {
                foreach (var key in (ReadOnlySpan<string>)["context_size", "max_context", "max_context_tokens"])
                {
                    if (extra.TryGetValue(key, out var element) && JsonNumbers.TryGetInteger(element, out var value))
                    {
                        Consider(value);
                    }
                }
            }
        }

        Consider(view.Observed?.MaxContextTokens);
        foreach (var asset in view.Assets)
        {
            Consider(asset.ContextSize);
            Consider(asset.MaxContextTokens);
        }

        return best;
    }

    // The proxy appends /v1/...; an endpoint registered with /v1 (a common slip) would otherwise double it.
    private static string BaseUrlOf(string endpoint)
    {
        var url = endpoint.Trim().TrimEnd('/');
        if (url.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            url = url[..^3];
        }

        return url;
    }
}
