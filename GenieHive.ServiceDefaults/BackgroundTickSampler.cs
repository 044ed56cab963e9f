using OpenTelemetry.Trace;

// The Aspire convention: the defaults live in the hosting namespace so every service finds them without a using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.Hosting;
#pragma warning restore IDE0130

/// <summary>
/// OpenTelemetry's default (parent-based, always on), except that a background tick's root span is recorded without
/// being sampled: exported only if the tick marks it (<see cref="BackgroundTraces.Keep"/>), and its children are
/// not sampled, here or in the services it calls.
/// </summary>
internal sealed class BackgroundTickSampler : Sampler
{
    private static readonly SamplingResult s_recordOnly = new(SamplingDecision.RecordOnly);
    private readonly ParentBasedSampler _default = new(new AlwaysOnSampler());

    public BackgroundTickSampler()
    {
        Description = nameof(BackgroundTickSampler);
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && IsTick(samplingParameters.Tags)
            ? s_recordOnly
            : _default.ShouldSample(samplingParameters);

    private static bool IsTick(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (tags is null)
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == BackgroundTraces.TickTag)
            {
                return true;
            }
        }

        return false;
    }
}
