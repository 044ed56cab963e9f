using System.Text;
using GenieHive.Bench.Load.Http;

namespace GenieHive.Tests.Bench;

public sealed class HttpParsingTests
{
    [Fact]
    public void HeadWithContentLengthKeepsTheConnection()
    {
        var head = ResponseHead.Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 42"u8);

        Assert.Equal(new ResponseHead(200, 42, Chunked: false, KeepAlive: true), head);
    }

    [Fact]
    public void ChunkedHeadWithConnectionClose()
    {
        var head = ResponseHead.Parse("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close"u8);

        Assert.Equal(503, head.Status);
        Assert.True(head.Chunked);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void Http10ClosesUnlessKeptAlive()
    {
        Assert.False(ResponseHead.Parse("HTTP/1.0 200 OK\r\nContent-Length: 1"u8).KeepAlive);
        Assert.True(ResponseHead.Parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1"u8).KeepAlive);
    }

    [Fact]
    public void NoContentHasNoBody()
    {
        Assert.Equal(0, ResponseHead.Parse("HTTP/1.1 204 No Content"u8).ContentLength);
    }

    [Fact]
    public void MalformedStatusLineIsRejected()
    {
        Assert.Throws<InvalidDataException>(() => ResponseHead.Parse("HTTP/2 200"u8));
    }

    [Theory]
    [InlineData("1a", 26)]
    [InlineData("FF;name=value", 255)]
    [InlineData("0", 0)]
    public void ChunkSizesAreHexWithOptionalExtensions(string line, long expected)
    {
        Assert.Equal(expected, HttpConnection.ParseChunkSize(Encoding.ASCII.GetBytes(line)));
    }

    [Fact]
    public void RoleChunkIsNotContent()
    {
        var detector = new FirstContentDetector();

        Assert.False(detector.Feed("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n"u8));
        Assert.False(detector.Feed("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n"u8));
        Assert.True(detector.Feed("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"u8));
    }

    [Fact]
    public void ReasoningIsNotContent()
    {
        var detector = new FirstContentDetector();

        Assert.False(detector.Feed("data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"u8));
    }

    [Fact]
    public void ContentSplitAcrossReadsIsFoundInThePieceThatCompletesIt()
    {
        var detector = new FirstContentDetector();
        var body = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n"u8.ToArray();
        var split = Array.IndexOf(body, (byte)':', 30) + 1; // inside "content":"

        Assert.False(detector.Feed(body.AsSpan(0, split)));
        Assert.True(detector.Feed(body.AsSpan(split)));
    }
}
