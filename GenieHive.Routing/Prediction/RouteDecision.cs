namespace GenieHive.Routing.Prediction;

/// <summary>What prefix affinity did for one request.</summary>
public enum AffinityOutcome
{
    /// <summary>No conversation prefix, or a strategy other than <c>scored</c>.</summary>
    None,

    /// <summary>Sent to the engine presumed to hold the conversation's prefix.</summary>
    Hit,

    /// <summary>A conversation's first turn, sent to its rendezvous target (where later turns will go).</summary>
    New,

    /// <summary>The affinity target was over its load bound or predicted slower than another: sent elsewhere.</summary>
    Spill,
}

/// <summary>
/// How the first choice was made: prefix affinity's outcome and the affinity target, the predicted delay there,
/// and whether the request will wait for a model load. Shown in <c>X-GenieHive-Route</c> and the request's span.
/// </summary>
public readonly record struct RouteDecision(AffinityOutcome Affinity, string? AffinityServiceId, PredictedDelay Predicted, bool ColdLoad)
{
    /// <summary>The <c>X-GenieHive-Route</c> value: the match type, then what decided (<c>role;affinity=hit</c>, <c>direct;cold-load</c>).</summary>
    public string Header(string matchType) => RouteHeaderValues.For(matchType, Affinity, ColdLoad);

    /// <summary>The affinity outcome as it appears in headers, tags and explanations.</summary>
    public static string Name(AffinityOutcome affinity) => affinity switch
    {
        AffinityOutcome.Hit => "affinity=hit",
        AffinityOutcome.New => "affinity=new",
        AffinityOutcome.Spill => "spill",
        _ => "none",
    };
}

/// <summary>Every <c>X-GenieHive-Route</c> value built once, so setting the header allocates nothing.</summary>
internal static class RouteHeaderValues
{
    private const string DirectMatch = "direct";
    private static readonly string[] Direct = Build(DirectMatch);
    private static readonly string[] Role = Build(Catalog.ModelRouteTypes.Role);

    public static string For(string matchType, AffinityOutcome affinity, bool coldLoad)
    {
        var index = ((int)affinity * 2) + (coldLoad ? 1 : 0);
        return string.Equals(matchType, Catalog.ModelRouteTypes.Role, StringComparison.Ordinal) ? Role[index]
            : string.Equals(matchType, DirectMatch, StringComparison.Ordinal) ? Direct[index]
            : Build(matchType)[index];
    }

    private static string[] Build(string matchType)
    {
        var values = new string[8];
        foreach (var affinity in Enum.GetValues<AffinityOutcome>())
        {
            var head = affinity == AffinityOutcome.None ? matchType : matchType + ";" + RouteDecision.Name(affinity);
            values[(int)affinity * 2] = head;
            values[((int)affinity * 2) + 1] = head + ";cold-load";
        }

        return values;
    }
}
