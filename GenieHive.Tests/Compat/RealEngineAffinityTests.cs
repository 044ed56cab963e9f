using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// Issue 15's real-engine case: two real llama-servers with <c>small.gguf</c> (one thread each, as
/// <c>tools/real-engines/start.sh</c> runs them) behind a real Control and facade, and two conversations with a long
/// opening context, typing at the same time. The engines keep each conversation's prefix in a slot; the facade must
/// send later turns back there (llama-server's <c>timings.cache_n</c> says the prefix was reused) and must not put
/// both first turns on one engine. Skips without <c>GENIEHIVE_REAL_ENGINES_DIR</c>; runs in <c>.ci/run</c>.
/// </summary>
public sealed class RealEngineAffinityTests
{
    private const string Model = "small";
    private const int Turns = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);

    private const string RolesYaml = """
        roles:
          - role_id: reader
            operation: chat
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LaterTurnsOfConcurrentConversationsReturnToTheEngineHoldingTheirPrefix()
    {
        Assert.SkipUnless(RealEngines.Directory is not null, RealEngines.SkipReason);
        await using var cluster = await TestCluster.StartAsync(ClusterOptions.Registered with { RolesYaml = RolesYaml });
        var engineA = await cluster.StartRealEngineAsync("a", "chat", Model, "small.gguf");
        var engineB = await cluster.StartRealEngineAsync("b", "chat", Model, "small.gguf");
        await cluster.RegisterAsync(Registrations.Host("real-a", Registrations.Service("small-a", ServiceKinds.Chat, engineA.Url, Model, RealEngines.ChatContextSize)));
        await cluster.RegisterAsync(Registrations.Host("real-b", Registrations.Service("small-b", ServiceKinds.Chat, engineB.Url, Model, RealEngines.ChatContextSize)));

        // The second user starts while the first one's opening is still being prefilled.
        var first = ConverseAsync(cluster.FacadeClient, Opening("orchards"));
        await Task.Delay(300, Ct);
        var second = ConverseAsync(cluster.FacadeClient, Opening("harbours"));
        var conversations = await Task.WhenAll(first, second).WaitAsync(Bound, Ct);

        // What the facade knew of the two engines, should they be told apart.
        var speeds = await cluster.FacadeClient.GetStringAsync("/v1/console/speeds", Ct);
        Assert.True(conversations[0][0].Service != conversations[1][0].Service, "both first turns went to " + conversations[0][0].Service + "; the facade's figures: " + speeds);
        foreach (var turns in conversations)
        {
            var home = turns[0].Service;
            Assert.Contains(turns[0].Route, new[] { "direct;affinity=new", "direct;spill" });
            foreach (var (later, index) in turns.Select((turn, index) => (turn, index)).Skip(1))
            {
                // What the facade knew when it chose, should a later turn leave its home: the route says why.
                var why = $"turn {index} of the conversation at home on {home} went to {later.Service} by {later.Route}; "
                    + "every turn: " + string.Join(", ", turns) + "; the facade's figures: " + speeds;
                Assert.True(home == later.Service, why);
                Assert.True(later.Route == "direct;affinity=hit", why);

                // Most of the prompt came from the slot's cache: at least the whole first turn's prompt but a little.
                Assert.True(later.CachedTokens >= turns[0].PromptTokens * 0.8,
                    "turn on " + later.Service + " reused " + later.CachedTokens + " of " + later.PromptTokens + " prompt tokens; the opening had " + turns[0].PromptTokens);
            }
        }
    }

    private static async Task<List<Turn>> ConverseAsync(HttpClient http, string opening)
    {
        var messages = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = "You answer questions about the text you are given." },
            new JsonObject { ["role"] = "user", ["content"] = opening + "\n\nWhat is this text about?" },
        };
        var turns = new List<Turn>();
        for (var turn = 0; turn < Turns; turn++)
        {
            var body = new JsonObject
            {
                ["model"] = Model,
                ["messages"] = messages.DeepClone(),
                ["max_tokens"] = 6,
                ["temperature"] = 0,
                ["cache_prompt"] = true,
            };
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", body, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, "turn " + turn + ": " + (int)response.StatusCode + " " + text);
            var answer = JsonNode.Parse(text)!;
            var timings = answer["timings"] ?? throw new InvalidOperationException("llama-server sent no timings: " + text);
            turns.Add(new Turn(
                response.Headers.GetValues(GenieHiveHeaders.ServiceId).Single(),
                response.Headers.GetValues(GenieHiveHeaders.RouteType).Single(),
                answer["usage"]!["prompt_tokens"]!.GetValue<int>(),
                timings["cache_n"]?.GetValue<int>() ?? 0));
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = answer["choices"]![0]!["message"]!["content"]!.GetValue<string>() });
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = "And what follows from that, in turn " + (turn + 2).ToString(CultureInfo.InvariantCulture) + "?" });
        }

        return turns;
    }

    /// <summary>
    /// About 450 tokens of text of its own per conversation (small.gguf's vocabulary takes about 70 tokens a note),
    /// so the two prefixes share nothing but the system prompt and three turns fit in the 2,048-token context.
    /// </summary>
    private static string Opening(string topic)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 6; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Note {i} on {topic}: the {topic} of district {i * 7 % 13} changed in year {1900 + (i * 3)}. ");
        }

        return text.ToString();
    }

    private sealed record Turn(string Service, string Route, int PromptTokens, int CachedTokens);
}
