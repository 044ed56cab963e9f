using System.Text;
using GenieHive.Facade.Proxy;

namespace GenieHive.Tests.Facade;

public sealed class ReasoningStripperTests
{
    private static string Event(string sse)
    {
        using var output = new PooledBuffer();
        ReasoningStripper.WriteEvent(Encoding.UTF8.GetBytes(sse), output);
        return Encoding.UTF8.GetString(output.Span);
    }

    [Fact]
    public void RemovesReasoningKeysAtAnyDepth()
    {
        using var output = new PooledBuffer();
        var stripped = ReasoningStripper.TryStrip(
            """{"reasoning":"top","choices":[{"message":{"content":"hi","reasoning_content":"think"},"reasoning":{"x":1}}],"usage":{"completion_tokens_details":{"reasoning_tokens":5}}}"""u8,
            output);

        Assert.True(stripped);
        Assert.Equal("""{"choices":[{"message":{"content":"hi"}}],"usage":{"completion_tokens_details":{"reasoning_tokens":5}}}""", Encoding.UTF8.GetString(output.Span));
    }

    [Fact]
    public void NothingToRemoveWritesNothing()
    {
        using var output = new PooledBuffer();

        Assert.False(ReasoningStripper.TryStrip("""{"usage":{"reasoning_tokens":5}}"""u8, output));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void KeepsNonAsciiAsUtf8()
    {
        using var output = new PooledBuffer();
        ReasoningStripper.TryStrip("""{"content":"héllo <b>","reasoning":"x"}"""u8, output);

        Assert.Equal("""{"content":"héllo <b>"}""", Encoding.UTF8.GetString(output.Span));
    }

    [Fact]
    public void SseDataLinesAreStrippedWithOrWithoutSpace()
    {
        Assert.Equal(
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
            Event("data: {\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning_content\":\"r\"}}]}\n\n"));
        Assert.Equal(
            "data:{\"choices\":[{\"delta\":{}}]}\r\n\r\n",
            Event("data:{\"choices\":[{\"delta\":{\"reasoning\":\"r\"}}]}\r\n\r\n"));
    }

    [Fact]
    public void SseEventsWithoutTheMarkerPassUnchanged()
    {
        var sse = "event: message\nid: 7\n: comment\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"x_unknown\":1}\n\n";

        Assert.Equal(sse, Event(sse));
    }

    [Fact]
    public void OtherLinesOfAnEventWithReasoningPassUnchanged()
    {
        Assert.Equal(
            ": keep\nevent: chunk\ndata: {\"a\":1}\n\n",
            Event(": keep\nevent: chunk\ndata: {\"a\":1,\"reasoning\":\"r\"}\n\n"));
    }

    [Fact]
    public void DoneAndUnparseableDataPassUnchanged()
    {
        Assert.Equal("data: [DONE]\n\n", Event("data: [DONE]\n\n"));
        Assert.Equal("data: {\"reasoning\": broken\n\n", Event("data: {\"reasoning\": broken\n\n"));
    }

    [Theory]
    [InlineData("""{"reasoning":"x","content":"\ud800"}""")]
    [InlineData("""{"reasoning":"x","content":"a","content":"b"}""")]
    [InlineData("""{"reasoning":"x","content":"\udfff\ud800"}""")]
    public void AnswersItCannotRewriteAreLeftAsTheEngineSentThem(string json)
    {
        using var output = new PooledBuffer();

        Assert.False(ReasoningStripper.TryStrip(Encoding.UTF8.GetBytes(json), output));
        Assert.Equal(0, output.Length);
        Assert.Equal("data: " + json + "\n\n", Event("data: " + json + "\n\n"));
    }
}
