namespace GenieHive.Tests.Facade;

public sealed class ZzDebugTests
{
    [Fact]
    public async Task Debug()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", "http://127.0.0.1:1", ["llama"])]));
        using var client = new HttpClient();
        var r = await client.GetAsync(control.Url + "/v1/cluster/routing-table", TestContext.Current.CancellationToken);
        Assert.Fail(r.StatusCode + " " + await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
