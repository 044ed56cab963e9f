using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorPacingTests
{
    [Fact]
    public async Task StreamStartsExactlyAtTheTimeToFirstTokenOnAFakeClock()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(("TimeToFirstTokenMs", 10_000), ("TokensPerSecond", 1));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        var send = client.SendAsync(Post("/v1/chat/completions", Chat(maxTokens: 2, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await EventuallyAsync(async () => await MetricAsync(client, "requests_processing") == 1, "the request to take its slot");

        clock.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.False(send.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await send.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await using var events = EventsAsync(response, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)); // role
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)); // first token

        var second = events.MoveNextAsync().AsTask();
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Contains("\"content\"", events.Current);
    }

    [Fact]
    public async Task PrefillDelaysTheFirstTokenByEveryPromptTokenTheSlotDoesNotHold()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(("Slots", 1), ("TimeToFirstTokenMs", 100), ("PromptTokensPerSecond", 10), ("TokensPerSecond", 1), ("PromptCache", true));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        // Eight prompt tokens at 10 per second: the first token at 100 ms + 800 ms.
        var cold = await FirstTokenAfterAsync(client, clock, TimeSpan.FromMilliseconds(900));
        Assert.Equal(0, cold.GetProperty("cache_n").GetInt32());
        Assert.Equal(8, cold.GetProperty("prompt_n").GetInt32());
        Assert.Equal(900, cold.GetProperty("prompt_ms").GetDouble());

        // The same prompt again: seven tokens come from the slot, one is processed.
        var warm = await FirstTokenAfterAsync(client, clock, TimeSpan.FromMilliseconds(200), async () =>
        {
            var slot = Assert.Single((await app.GetJsonAsync(client, "/slots")).EnumerateArray());
            Assert.Equal(8, slot.GetProperty("n_prompt_tokens").GetInt32());
            Assert.Equal(7, slot.GetProperty("n_prompt_tokens_cache").GetInt32());
            Assert.Equal(1, slot.GetProperty("n_prompt_tokens_processed").GetInt32());
        });
        Assert.Equal(7, warm.GetProperty("cache_n").GetInt32());
        Assert.Equal(1, warm.GetProperty("prompt_n").GetInt32());
        Assert.Equal(200, warm.GetProperty("prompt_ms").GetDouble());
    }

    // Streams a one-token answer, checks that nothing arrives a millisecond before firstToken and that it arrives
    // then, and returns the stream's timings.
    private static async Task<System.Text.Json.JsonElement> FirstTokenAfterAsync(HttpClient client, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TimeSpan firstToken, Func<Task>? whileWaiting = null)
    {
        var send = client.SendAsync(Post("/v1/chat/completions", Chat("five words of the prompt", maxTokens: 1, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await EventuallyAsync(async () => await MetricAsync(client, "requests_processing") == 1, "the request to take its slot");
        if (whileWaiting is not null)
        {
            await whileWaiting();
        }

        clock.Advance(firstToken - TimeSpan.FromMilliseconds(1));
        Assert.False(send.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await send.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var finish = System.Text.Json.JsonDocument.Parse(events[^2]).RootElement;
        return finish.GetProperty("timings").Clone();
    }
}
