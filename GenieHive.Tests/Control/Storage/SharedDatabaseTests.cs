using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control.Storage;

/// <summary>Several Controls over one database, as replicas run: what they must agree on.</summary>
public sealed class SharedDatabaseTests
{
    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task RoutingVersionsOnlyGrowWhileControlsOnOneDatabaseStopAndReturn(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        var seen = new List<long>();
        var first = new ControlFactory(settings: storage.Settings);
        await using var second = new ControlFactory(settings: storage.Settings);
        try
        {
            using var secondClient = second.CreateClient();
            for (var round = 0; round < 3; round++)
            {
                using (var firstClient = first.CreateClient())
                {
                    await firstClient.RegisterOkAsync(Host($"shared-a-{round}", Service($"shared-a-{round}-chat")));
                    seen.Add((await firstClient.HealthAsync()).RoutingVersion);
                }

                await secondClient.RegisterOkAsync(Host($"shared-b-{round}", Service($"shared-b-{round}-chat")));
                seen.Add((await secondClient.HealthAsync()).RoutingVersion);

                // The first Control dies and a new one takes its place on the same database.
                await first.DisposeAsync();
                first = new ControlFactory(settings: storage.Settings);
            }

            using var last = first.CreateClient();
            seen.Add((await last.HealthAsync()).RoutingVersion);
        }
        finally
        {
            await first.DisposeAsync();
        }

        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
