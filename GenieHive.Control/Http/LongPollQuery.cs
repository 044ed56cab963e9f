using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Http;

/// <summary>
/// The query of Control's long polls (<c>?after=V&amp;wait=S</c>: the routing table, the key table): the version the
/// caller holds (null: answer at once) and how long to wait for a newer one, capped.
/// </summary>
public readonly record struct LongPollQuery(long? After, int WaitSeconds)
{
    /// <summary>Reads the query; the problem names the field when a value is not a number.</summary>
    public static (LongPollQuery Query, ProblemHttpResult? Problem) Read(IQueryCollection query, string versionName, int defaultWait, int maxWait)
    {
        long? after = null;
        if (query.TryGetValue("after", out var afterText) && !string.IsNullOrEmpty(afterText))
        {
            if (!long.TryParse(afterText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return (default, Problems.BadRequest("after must be an integer " + versionName + " version.", "after"));
            }

            after = parsed;
        }

        var wait = defaultWait;
        if (query.TryGetValue("wait", out var waitText) && !string.IsNullOrEmpty(waitText))
        {
            if (!int.TryParse(waitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out wait) || wait < 0)
            {
                return (default, Problems.BadRequest("wait must be a non-negative number of seconds.", "wait"));
            }

            wait = Math.Min(wait, maxWait);
        }

        return (new LongPollQuery(after, wait), null);
    }
}
