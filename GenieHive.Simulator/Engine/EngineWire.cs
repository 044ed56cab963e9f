namespace GenieHive.Simulator.Engine;

/// <summary>One entry of <c>GET /slots</c>, in llama-server's shape.</summary>
public sealed record SlotInfo(
    int Id,
    int NCtx,
    bool Speculative,
    bool IsProcessing,
    long IdTask,
    int NPromptTokens,
    int NPromptTokensProcessed,
    int NPromptTokensCache,
    SlotParams Params,
    IReadOnlyList<SlotNextToken> NextToken);

/// <summary>The sampling parameters llama-server shows per slot (a representative subset).</summary>
public sealed record SlotParams(
    long Seed,
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    int MaxTokens,
    int NPredict,
    int NKeep,
    bool Stream,
    string ChatFormat,
    IReadOnlyList<string> Samplers);

/// <summary>Generation progress of a slot; <c>n_decoded</c> counts tokens generated so far.</summary>
public sealed record SlotNextToken(bool HasNextToken, bool HasNewLine, int NRemain, int NDecoded);

/// <summary><c>GET /props</c>, in llama-server's shape.</summary>
public sealed record PropsInfo(
    DefaultGenerationSettings DefaultGenerationSettings,
    int TotalSlots,
    string ModelAlias,
    string ModelPath,
    PropsModalities Modalities,
    bool EndpointSlots,
    bool EndpointProps,
    bool EndpointMetrics,
    string ChatTemplate,
    string BosToken,
    string EosToken,
    string BuildInfo,
    bool IsSleeping);

/// <summary>The defaults a request gets, and the context size per slot.</summary>
public sealed record DefaultGenerationSettings(SlotParams Params, int NCtx);

/// <summary>What inputs the model accepts besides text.</summary>
public sealed record PropsModalities(bool Vision, bool Audio);
