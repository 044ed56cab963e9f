using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Quality.Engines;
using GenieHive.Bench.Quality.Scenarios;
using GenieHive.Bench.Quality.Stats;

namespace GenieHive.Bench.Quality.Report;

/// <summary>A whole run: its settings, the machine, and every scenario's arms. Written as JSON and as markdown.</summary>
internal sealed record QualityReport
{
    public required DateTimeOffset Started { get; init; }

    public required double DurationSeconds { get; init; }

    public required bool Quick { get; init; }

    public required int Seed { get; init; }

    public required double HeartbeatSeconds { get; init; }

    public required double RequestTimeoutSeconds { get; init; }

    public required MachineInfo Machine { get; init; }

    public required double LoadAverageBefore { get; init; }

    public required double LoadAverageAfter { get; init; }

    public required IReadOnlyList<ScenarioReport> Scenarios { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A run read back from its JSON (to draw its chart again).</summary>
    public static QualityReport FromJson(string json) =>
        JsonSerializer.Deserialize<QualityReport>(json, Json) ?? throw new ArgumentException("Not a routing-quality report.");

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# GenieHive routing quality, ").Append(Started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append('\n').Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Commit `{Machine.Commit}`{(Machine.Dirty ? " (with uncommitted changes)" : "")}, {Machine.Cores} cores, ");
        text.Append(CultureInfo.InvariantCulture, $"load average {LoadAverageBefore:0.00} before and {LoadAverageAfter:0.00} after; {(Quick ? "quick" : "full")} run, seed {Seed}, {DurationSeconds / 60:0.0} minutes. ");
        text.Append(CultureInfo.InvariantCulture, $"Node agent heartbeat {HeartbeatSeconds:0.#} s; a request not answered in {RequestTimeoutSeconds:0} s fails. ");
        text.Append("Latency percentiles are over the answered requests and those too slow to be answered in time (timed out, or unanswered when the arm's time ran out: `cut`), which count as infinitely slow (∞); a request an engine broke or refused counts under failed instead. Ratios are to the reference arm.\n");
        foreach (var scenario in Scenarios)
        {
            text.Append('\n');
            scenario.AppendMarkdown(text);
        }

        return text.ToString();
    }
}

/// <summary>One scenario: what ran and each arm's result.</summary>
internal sealed record ScenarioReport
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<EngineProfile> Engines { get; init; }

    public required int Sessions { get; init; }

    public required int Requests { get; init; }

    public required double TraceSeconds { get; init; }

    public required double TtftTargetSeconds { get; init; }

    public double? OfferedLoad { get; init; }

    public EngineKill? Kill { get; init; }

    /// <summary>The arm the others are compared with (the reference router), when it ran.</summary>
    public string? Baseline { get; init; }

    public required IReadOnlyList<ArmResult> Arms { get; init; }

    public static ScenarioReport From(Scenario scenario, IReadOnlyList<ArmResult> arms, string? baseline) => new()
    {
        Name = scenario.Name,
        Description = scenario.Description,
        Engines = scenario.Engines,
        Sessions = scenario.Sessions.Count,
        Requests = scenario.Sessions.Sum(s => s.Turns),
        TraceSeconds = scenario.TraceSeconds,
        TtftTargetSeconds = scenario.TtftTargetSeconds,
        OfferedLoad = scenario.OfferedLoad,
        Kill = scenario.Kill,
        Baseline = baseline,
        Arms = arms,
    };

    /// <summary>An arm's value divided by the baseline's, or null when either is unknown (∞ or missing).</summary>
    public double? Ratio(ArmResult arm, Func<ArmResult, double?> value) =>
        Arms.FirstOrDefault(a => a.Arm == Baseline) is { } baseline && value(arm) is { } mine && value(baseline) is { } theirs && theirs > 0
            ? mine / theirs
            : null;

    public void AppendMarkdown(StringBuilder text)
    {
        text.Append("## ").Append(Name).Append('\n').Append('\n').Append(Description).Append(' ');
        text.Append(CultureInfo.InvariantCulture, $"{Requests} requests in {Sessions} sessions over {TraceSeconds:0} s; goodput counts requests with their first token within {TtftTargetSeconds:0.0#} s.\n\n");
        var multiTurn = Arms.Any(a => a.LaterTurnTtftP50 is not null || a.FirstTurnTtftP50 is not null);
        var loads = Arms.Any(a => a.ModelLoads is not null);
        var engines = Engines.Select(e => e.Id).ToList();
        text.Append("| arm | TTFT p50 | TTFT p99 | end-to-end p50 | end-to-end p99 | ÷ reference (p50, p99) | goodput | failed | cache hits |");
        if (multiTurn)
        {
            text.Append(" first / later turns TTFT p50 |");
        }

        if (loads)
        {
            text.Append(" loads / waits |");
        }

        text.Append(" served by ").Append(string.Join(" / ", engines)).Append(" |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.Append(multiTurn ? "---:|" : "").Append(loads ? "---:|" : "").Append("---|\n");
        foreach (var arm in Arms)
        {
            text.Append("| ").Append(arm.Arm);
            text.Append(" | ").Append(Seconds(arm.TtftP50)).Append(" | ").Append(Seconds(arm.TtftP99));
            text.Append(" | ").Append(Seconds(arm.EndToEndP50)).Append(" | ").Append(Seconds(arm.EndToEndP99));
            text.Append(" | ").Append(Times(Ratio(arm, a => a.EndToEndP50))).Append(", ").Append(Times(Ratio(arm, a => a.EndToEndP99)));
            text.Append(CultureInfo.InvariantCulture, $" | {arm.Goodput:0.00}/s ({arm.GoodShare:P0})");
            text.Append(" | ").Append(Failures(arm));
            text.Append(CultureInfo.InvariantCulture, $" | {arm.CacheHitRate:P0}");
            if (multiTurn)
            {
                text.Append(" | ").Append(Seconds(arm.FirstTurnTtftP50)).Append(" / ").Append(Seconds(arm.LaterTurnTtftP50));
            }

            if (loads)
            {
                text.Append(CultureInfo.InvariantCulture, $" | {arm.ModelLoads} / {arm.ColdLoadWaits}");
            }

            text.Append(" | ").Append(string.Join(" / ", engines.Select(e => arm.ServedBy.TryGetValue(e, out var n) ? n : 0))).Append(" |\n");
        }
    }

    private static string Seconds(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "∞";

    private static string Times(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static string Failures(ArmResult arm) =>
        arm.Failures.Count == 0
            ? "0"
            : arm.Failures.Values.Sum().ToString(CultureInfo.InvariantCulture) + " (" + string.Join(", ", arm.Failures.Select(f => f.Key + " " + f.Value.ToString(CultureInfo.InvariantCulture))) + ")";
}
