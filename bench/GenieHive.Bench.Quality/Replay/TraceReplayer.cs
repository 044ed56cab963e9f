using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using GenieHive.Bench.Quality.Arms;
using GenieHive.Bench.Quality.Cluster;
using GenieHive.Bench.Quality.Scenarios;
using GenieHive.Bench.Quality.Workload;

namespace GenieHive.Bench.Quality.Replay;

/// <summary>
/// Replays a scenario's trace through one arm: each session starts at its time (open loop), each follow-up is sent a
/// think time after the previous answer arrived, with that answer in the conversation. Strategy arms send the model
/// name to the facade; router arms pick the engine and send its service id through the facade (or, where an engine
/// serves several models, to the engine itself), and try another engine when one refuses before the first token. The
/// scenario's engine is killed on time. After the last arrival (and the longest session's thinking) the arm has a
/// bounded time to finish; whatever is still unanswered then fails as <c>cut</c>.
/// </summary>
internal sealed class TraceReplayer(Scenario scenario, ArmDefinition arm, IArmCluster cluster, ChatStreamClient client, QualitySettings settings)
{
    // Failures after which another engine may be tried: the engine refused or broke before saying anything.
    private static readonly HashSet<string> Retryable = new(StringComparer.Ordinal) { "connect", "http error", "stream ended early", "stream broke", "http 500", "http 502", "http 503", "http 504" };

    private readonly ConcurrentDictionary<string, bool> _dead = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<TurnRecord> _records = [];
    private readonly ClientRouter? _router = arm.RoutesClientSide ? ClientRouter.Create(arm, scenario.Engines, settings.Seed) : null;
    private long _origin;

    public async Task<IReadOnlyList<TurnRecord>> RunAsync(CancellationToken cancellationToken)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cut.CancelAfter(TimeSpan.FromSeconds(scenario.TraceSeconds + scenario.ThinkingSeconds + settings.DrainSeconds));
        _origin = Stopwatch.GetTimestamp();
        var work = scenario.Sessions.Select(session => Task.Run(() => RunSessionAsync(session, cut.Token), CancellationToken.None)).ToList();
        if (scenario.Kill is { } kill)
        {
            work.Add(Task.Run(async () =>
            {
                await DelayUntilAsync(kill.AtSeconds, cut.Token);
                cluster.Kill(kill.EngineId);
            }, CancellationToken.None));
        }

        try
        {
            await Task.WhenAll(work);
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The run was cut: the unanswered turns are recorded as such.
        }

        cancellationToken.ThrowIfCancellationRequested();
        return [.. _records.OrderBy(r => r.Session).ThenBy(r => r.Turn)];
    }

    private double Now => Stopwatch.GetElapsedTime(_origin).TotalSeconds;

    private async Task RunSessionAsync(Session session, CancellationToken cut)
    {
        var messages = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = session.System },
            new JsonObject { ["role"] = "user", ["content"] = session.Opening });
        var turn = 0;
        var unsent = "cut";
        try
        {
            await DelayUntilAsync(session.Start, cut);
            for (; turn < session.Turns; turn++)
            {
                var record = await SendTurnAsync(session, turn, messages, cut);
                _records.Add(record);
                if (!record.Succeeded || turn + 1 == session.Turns)
                {
                    // A conversation without its answer cannot go on: its later turns are abandoned.
                    unsent = "abandoned";
                    turn++;
                    break;
                }

                var followUp = session.FollowUps[turn];
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = record.Answer });
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = followUp.Message });
                await Task.Delay(TimeSpan.FromSeconds(followUp.ThinkSeconds), cut);
            }
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            // Cut: the turns not sent yet are recorded as such.
        }

        for (; turn < session.Turns; turn++)
        {
            _records.Add(new TurnRecord { Session = session.Id, Turn = turn, Model = session.Model, Failure = unsent });
        }
    }

    private async Task<TurnRecord> SendTurnAsync(Session session, int turn, JsonArray messages, CancellationToken cut)
    {
        var since = Stopwatch.GetTimestamp();
        var sentAt = Now;
        var request = new TurnRequest(session.Id, session.Model, PromptTokens(messages), session.MaxTokens);
        var timeout = TimeSpan.FromSeconds(settings.RequestTimeoutSeconds);
        AttemptOutcome outcome;
        var attempts = 0;
        if (_router is null)
        {
            attempts = 1;
            outcome = await SendOrCutAsync(cluster.Facade, ChatStreamClient.Body(session.Model, messages, session.MaxTokens), since, timeout, null, cut);
        }
        else
        {
            var excluded = new HashSet<string>(_dead.Keys, StringComparer.Ordinal);
            while (true)
            {
                if (_router.Choose(request, Now, excluded) is not { } engine)
                {
                    outcome = AttemptOutcome.Failed("no engine left", beforeFirstToken: true, servedBy: null);
                    break;
                }

                attempts++;
                var ticket = _router.Sent(engine, request, Now);
                var (url, model) = cluster.ClientRoute(engine, session.Model);
                var router = _router;
                outcome = await SendOrCutAsync(url, ChatStreamClient.Body(model, messages, session.MaxTokens), since, timeout, () => router.FirstToken(ticket, Now), cut);
                _router.Finished(ticket, outcome.Succeeded, outcome.Usage.CompletionTokens);
                outcome = outcome with { ServedBy = outcome.ServedBy ?? scenario.ServiceId(engine) };
                if (outcome.Succeeded || !outcome.FailedBeforeFirstToken || !Retryable.Contains(outcome.Failure!))
                {
                    break;
                }

                // Like the facade's cooldown: an engine that refused is not tried again in this run.
                _dead[engine.Id] = true;
                excluded.Add(engine.Id);
            }
        }

        return new TurnRecord
        {
            Session = session.Id,
            Turn = turn,
            Model = session.Model,
            SentAt = sentAt,
            Failure = outcome.Failure,
            TtftSeconds = outcome.FirstContentSeconds,
            EndToEndSeconds = outcome.EndSeconds,
            PromptTokens = outcome.Usage.PromptTokens,
            CachedTokens = outcome.Usage.CachedTokens,
            ServedBy = scenario.EngineOf(outcome.ServedBy) ?? outcome.ServedBy,
            Attempts = attempts,
            Answer = outcome.Answer,
        };
    }

    private async Task<AttemptOutcome> SendOrCutAsync(Uri url, JsonObject body, long since, TimeSpan timeout, Action? onFirstContent, CancellationToken cut)
    {
        try
        {
            return await client.SendAsync(url, body, since, timeout, onFirstContent, cut);
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            return AttemptOutcome.Failed("cut", beforeFirstToken: false, servedBy: null);
        }
    }

    private async Task DelayUntilAsync(double seconds, CancellationToken cancellationToken)
    {
        var wait = seconds - Now;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
        }
    }

    // What the simulator counts as the prompt's tokens: the words of every message.
    private static int PromptTokens(JsonArray messages) =>
        messages.Sum(message => Session.Words(message!["content"]!.GetValue<string>()));
}
