using System.Buffers;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Writes one upstream server-sent event to the client: as it is, or changed (reasoning keys stripped; an endpoint
/// that translates between APIs writes its own events here). One instance may serve many requests at once unless
/// the endpoint makes one per request.
/// </summary>
internal abstract class SseEventWriter
{
    /// <summary>Passes every event unchanged.</summary>
    public static SseEventWriter Unchanged { get; } = new UnchangedEvents();

    /// <summary>Strips <c>reasoning_content</c> / <c>reasoning</c> from every event's JSON (the bytes are scanned first).</summary>
    public static SseEventWriter StrippingReasoning { get; } = new ReasoningStrippedEvents();

    /// <summary>
    /// As <see cref="StrippingReasoning"/>, and drops the usage event the facade asked the engine for (the meter has
    /// read it; the client did not ask for it).
    /// </summary>
    public static SseEventWriter StrippingReasoningAndAddedUsage { get; } = new AddedUsageStrippedEvents();

    /// <summary>Writes the event (its bytes include the blank line that ends it).</summary>
    public abstract void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output);

    private sealed class UnchangedEvents : SseEventWriter
    {
        public override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output) => output.Write(sseEvent);
    }

    private sealed class ReasoningStrippedEvents : SseEventWriter
    {
        public override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output) => ReasoningStripper.WriteEvent(sseEvent, output);
    }

    private sealed class AddedUsageStrippedEvents : SseEventWriter
    {
        public override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
        {
            if (!ResponseScanner.IsUsageOnlyEvent(sseEvent))
            {
                ReasoningStripper.WriteEvent(sseEvent, output);
            }
        }
    }
}
