namespace GenieHive.Control.Routing;

/// <summary>
/// The changes of the last published versions (at most <c>capacity</c> steps), so that a facade a few versions
/// behind gets what changed since its version, not the whole table. It holds only the changed elements' bytes
/// (shared with the tables that carried them), never whole tables.
/// </summary>
internal sealed class RoutingHistory(int capacity)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TableChange> _steps = new();

    /// <summary>Records the step to a new version. A step that does not continue the last one starts the history again.</summary>
    public void Add(TableChange step)
    {
        lock (_gate)
        {
            if (_steps.Last is { } last && last.Value.Version != step.FromVersion)
            {
                _steps.Clear();
            }

            _steps.AddLast(step);
            while (_steps.Count > capacity)
            {
                _steps.RemoveFirst();
            }
        }
    }

    /// <summary>
    /// The change from <paramref name="fromVersion"/> to <paramref name="version"/>, or null when the history does not
    /// reach back that far (or never held that version): then only the whole table will do.
    /// </summary>
    public TableChange? Between(long fromVersion, long version)
    {
        var steps = new List<TableChange>();
        lock (_gate)
        {
            var collecting = false;
            foreach (var step in _steps)
            {
                collecting |= step.FromVersion == fromVersion;
                if (collecting)
                {
                    steps.Add(step);
                    if (step.Version == version)
                    {
                        break;
                    }
                }
            }
        }

        return steps.Count > 0 && steps[^1].Version == version ? TableChange.Compose(steps) : null;
    }
}
