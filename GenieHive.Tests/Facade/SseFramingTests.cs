using System.Text;
using GenieHive.Facade.Proxy;

namespace GenieHive.Tests.Facade;

public sealed class SseFramingTests
{
    private static int End(string data, bool final = false) => SseFraming.FindEventEnd(Encoding.UTF8.GetBytes(data), final);

    [Fact]
    public void AnEventEndsAtABlankLine()
    {
        Assert.Equal("data: a\n\n".Length, End("data: a\n\ndata: b\n\n"));
    }

    [Fact]
    public void CrLfAndCrLinesAreUnderstood()
    {
        Assert.Equal("data: a\r\n\r\n".Length, End("data: a\r\n\r\ndata: b"));
        Assert.Equal("data: a\r\r".Length, End("data: a\r\rdata: b"));
        Assert.Equal("id: 1\r\ndata: a\n\r\n".Length, End("id: 1\r\ndata: a\n\r\n"));
    }

    [Fact]
    public void AnIncompleteEventIsNotAnEvent()
    {
        Assert.Equal(-1, End("data: a\n"));
        Assert.Equal(-1, End("data: a"));
        Assert.Equal(-1, End(""));
    }

    [Fact]
    public void ATrailingCrWaitsForTheNextByte()
    {
        Assert.Equal(-1, End("data: a\r\n\r"));
        Assert.Equal("data: a\r\n\r".Length, End("data: a\r\n\r", final: true));
    }

    [Fact]
    public void EventsSplitAcrossReadsAreFoundOnceComplete()
    {
        var stream = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n: ping\n\ndata: [DONE]\n\n";
        for (var split = 1; split < stream.Length; split++)
        {
            var events = new List<string>();
            var pending = "";
            foreach (var piece in new[] { stream[..split], stream[split..] })
            {
                pending += piece;
                int length;
                while ((length = End(pending)) > 0)
                {
                    events.Add(pending[..length]);
                    pending = pending[length..];
                }
            }

            Assert.Equal(["data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", ": ping\n\n", "data: [DONE]\n\n"], events);
            Assert.Equal("", pending);
        }
    }
}
