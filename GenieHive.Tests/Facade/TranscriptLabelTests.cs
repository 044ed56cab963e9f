using System.Net.Http.Headers;
using GenieHive.Facade.Transcriptions;

namespace GenieHive.Tests.Facade;

public sealed class TranscriptLabelTests
{
    [Theory]
    [InlineData("text/html; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("application/x-subrip", "text/plain; charset=utf-8")]
    [InlineData("text/vtt; charset=iso-8859-1", "text/plain; charset=iso-8859-1")]
    [InlineData("text/plain; charset=utf-8", null)]
    [InlineData("application/json", null)]
    [InlineData("application/json; charset=utf-8", null)]
    public void TextTranscriptsAreLabelledPlainTextAsOpenAiLabelsThem(string upstream, string? expected)
    {
        Assert.Equal(expected, TranscriptLabel.For(MediaTypeHeaderValue.Parse(upstream)));
    }

    [Fact]
    public void AnUnlabelledTranscriptKeepsNoLabel()
    {
        Assert.Null(TranscriptLabel.For(null));
    }
}
