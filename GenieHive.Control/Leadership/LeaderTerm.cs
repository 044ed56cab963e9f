namespace GenieHive.Control.Leadership;

/// <summary>
/// One Control's time as leader: the epoch it was elected under (stored in the database, raised by every election).
/// Writes only the leader may make carry it (<see cref="LeaderFence"/>) and are refused once a newer epoch exists.
/// </summary>
public sealed class LeaderTerm(long epoch, Action<LeaderTerm> refused)
{
    public long Epoch { get; } = epoch;

    /// <summary>A fenced write found a newer epoch in the database: this term is over.</summary>
    internal void Refused() => refused(this);
}
