using GenieHive.Facade.Console;

namespace GenieHive.Tests.Console;

/// <summary>The facade's ring of recent routing decisions: bounded, newest first, readable from an id on.</summary>
public sealed class RecentRequestsTests
{
    private static RecentRequest Decision(int n) =>
        new(n, "req_" + n, "chat", "m" + n, "role", "mentor", null, "scored", "a", "a", 2, 1, 200, double.NaN, n);

    [Fact]
    public void ReadsNewestFirstWithIdsCountedFromOne()
    {
        var ring = new RecentRequests();
        for (var n = 1; n <= 3; n++)
        {
            ring.Add(Decision(n));
        }

        var (entries, recorded) = ring.Read(after: 0, limit: 10);

        Assert.Equal(3, recorded);
        Assert.Equal([3L, 2L, 1L], entries.Select(e => e.Id));
        Assert.Equal(["req_3", "req_2", "req_1"], entries.Select(e => e.Request.RequestId));
    }

    [Fact]
    public void KeepsOnlyTheLastCapacityDecisions()
    {
        var ring = new RecentRequests();
        var total = RecentRequests.Capacity + 10;
        for (var n = 1; n <= total; n++)
        {
            ring.Add(Decision(n));
        }

        var (entries, recorded) = ring.Read(after: 0, limit: RecentRequests.Capacity);

        Assert.Equal(total, recorded);
        Assert.Equal(RecentRequests.Capacity, entries.Count);
        Assert.Equal("req_" + total, entries[0].Request.RequestId);
        Assert.Equal("req_11", entries[^1].Request.RequestId);
        Assert.All(entries, e => Assert.Equal("req_" + e.Id, e.Request.RequestId));
    }

    [Fact]
    public void AfterAndLimitSelectTheNewestAboveAnId()
    {
        var ring = new RecentRequests();
        for (var n = 1; n <= 20; n++)
        {
            ring.Add(Decision(n));
        }

        Assert.Equal([20L, 19L, 18L], ring.Read(after: 17, limit: 10).Entries.Select(e => e.Id));
        Assert.Equal([20L, 19L], ring.Read(after: 0, limit: 2).Entries.Select(e => e.Id));
        Assert.Empty(ring.Read(after: 20, limit: 10).Entries);
        Assert.Empty(ring.Read(after: 500, limit: 10).Entries);
    }

    [Fact]
    public void RecordingAllocatesNothing()
    {
        var ring = new RecentRequests();
        var decision = Decision(1);
        ring.Add(decision);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            ring.Add(decision);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
