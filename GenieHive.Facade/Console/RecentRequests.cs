namespace GenieHive.Facade.Console;

/// <summary>
/// The last <see cref="Capacity"/> routing decisions of this facade, for the console's recent-requests view. A fixed
/// ring of structs written under a lock that is held for one struct copy: recording allocates nothing and costs tens
/// of nanoseconds, once per request, after its response. Each facade keeps its own; nothing survives a restart.
/// </summary>
public sealed class RecentRequests
{
    /// <summary>How many decisions are kept.</summary>
    public const int Capacity = 256;

    private readonly RecentRequest[] _ring = new RecentRequest[Capacity];
    private readonly Lock _gate = new();
    private long _recorded;

    /// <summary>How many decisions were recorded since start; the newest has this number as its id.</summary>
    public long Recorded
    {
        get
        {
            lock (_gate)
            {
                return _recorded;
            }
        }
    }

    public void Add(in RecentRequest request)
    {
        lock (_gate)
        {
            _ring[(int)(_recorded % Capacity)] = request;
            _recorded++;
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> decisions with an id above <paramref name="after"/>, newest first, with their ids
    /// (1 for the first decision since start), and the id of the newest.
    /// </summary>
    public (List<(long Id, RecentRequest Request)> Entries, long Recorded) Read(long after, int limit)
    {
        lock (_gate)
        {
            var oldest = Math.Max(after, _recorded - Capacity);
            var count = (int)Math.Min(limit, Math.Max(0, _recorded - oldest));
            var entries = new List<(long, RecentRequest)>(count);
            for (var id = _recorded; id > _recorded - count; id--)
            {
                entries.Add((id, _ring[(int)((id - 1) % Capacity)]));
            }

            return (entries, _recorded);
        }
    }
}
