using CsCheck;
using GenieHive.Tests.Compat;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// Values that mean something to the <see cref="FuzzCluster"/>: the models it serves (and ones it cannot), and the
/// text and counts a well-behaved client sends, shared by the families' field generators.
/// </summary>
internal static class ClusterValues
{
    /// <summary>Model names: served ones, a role, one whose engine is gone (502), one nothing can serve (503), and noise.</summary>
    public static readonly Gen<string> Model = Gen.Frequency(
        (6, Gen.OneOf(SimulatedCluster.ChatModel, SimulatedCluster.ChatRole, SimulatedCluster.EmbeddingModel, SimulatedCluster.EmbeddingRole,
            SimulatedCluster.DeadModel, SimulatedCluster.UnservableRole, SimulatedCluster.TranscriptionModel).Select(JsonFragments.Quote)),
        (2, JsonFragments.String));

    /// <summary>Text a well-behaved client sends: short, alphanumeric.</summary>
    public static readonly Gen<string> CleanText = Gen.String[Gen.Char.AlphaNumeric, 1, 24].Select(JsonFragments.Quote);

    public static readonly Gen<string> CleanMessages = CleanText.Array[1, 3].Select(texts =>
        "[" + string.Join(",", texts.Select(t => "{\"role\":\"user\",\"content\":" + t + "}")) + "]");

    /// <summary>One of <paramref name="models"/>, as a JSON string.</summary>
    public static Gen<string> Served(params string[] models) => Gen.OneOf(models).Select(JsonFragments.Quote);

    /// <summary>A count as a client sends it (max_tokens, top_n): mostly small and whole, sometimes any JSON number.</summary>
    public static readonly Gen<string> SmallCount = Gen.Frequency((6, Gen.Int[1, 16].Select(FuzzRequests.Invariant)), (1, JsonFragments.Number));

    /// <summary>The rerank model (<see cref="FuzzCluster.RerankModel"/>) or any other.</summary>
    public static readonly Gen<string> RerankModel = Gen.Frequency((1, Served(FuzzCluster.RerankModel)), (3, Model));
}
