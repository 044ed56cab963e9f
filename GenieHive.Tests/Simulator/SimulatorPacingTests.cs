using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorPacingTests
{
    [Fact]
    public async Task StreamStartsExactlyAtTheTimeToFirstTokenOnAFakeClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = SimulatorApp.InMemory(("TimeToFirstTokenMs", 10_000), ("TokensPerSecond", 1));
        await using var timed = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
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
}
