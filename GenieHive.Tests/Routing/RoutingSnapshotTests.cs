using GenieHive.Contracts;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;

namespace GenieHive.Tests.Routing;

public sealed class RoutingSnapshotTests
{
    [Fact]
    public void EmptySnapshotKnowsNoNames()
    {
        var snapshot = RoutingSnapshot.Build(new RoutingTable
        {
            Version = 1,
            GeneratedAt = 0,
            Strategy = RoutingStrategies.Scored,
            HostTimeoutSeconds = 15,
        });

        Assert.Null(snapshot.Find("anything", ServiceKinds.Chat));
    }
}
