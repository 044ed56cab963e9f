using System.Globalization;
using OpenAI.Audio;

namespace GenieHive.Tests.Compat;

/// <summary>Transcriptions through the facade with the OpenAI SDK's <see cref="AudioClient"/>, in every response format.</summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class TranscriptionCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("json", "application/json")]
    [InlineData("text", "text/plain")]
    // Subtitles come labelled text/plain, as OpenAI labels them (engines say application/x-subrip and text/vtt).
    [InlineData("srt", "text/plain")]
    [InlineData("vtt", "text/plain")]
    [InlineData("verbose_json", "application/json")]
    public async Task EveryResponseFormatReachesTheSdkWithTheWholeUpload(string format, string mediaType)
    {
        var wav = Audio.Wav(0.5);
        var audio = fixture.Cluster.OpenAi().GetAudioClient(SimulatedCluster.TranscriptionRole);
        using var file = new MemoryStream(wav);

        var result = await audio.TranscribeAudioAsync(file, "hello.wav", new AudioTranscriptionOptions
        {
            ResponseFormat = new AudioTranscriptionFormat(format),
            Language = "en",
            Prompt = "A greeting.",
            Temperature = 0,
        }, Ct).WaitAsync(Bound, Ct);

        AudioTranscription transcription = result;
        Assert.StartsWith(mediaType, result.GetRawResponse().Headers.TryGetValue("Content-Type", out var type) ? type : "", StringComparison.Ordinal);
        // The engine says how many bytes of audio it received: the upload crossed the facade whole.
        Assert.Contains("received " + wav.Length.ToString(CultureInfo.InvariantCulture) + " bytes", transcription.Text, StringComparison.Ordinal);
        switch (format)
        {
            case "srt":
                Assert.Contains(" --> ", transcription.Text, StringComparison.Ordinal);
                break;
            case "vtt":
                Assert.StartsWith("WEBVTT", transcription.Text, StringComparison.Ordinal);
                break;
            case "verbose_json":
                Assert.NotEmpty(transcription.Segments);
                Assert.True(transcription.Duration > TimeSpan.Zero);
                Assert.False(string.IsNullOrEmpty(transcription.Language));
                break;
        }
    }

    [Fact]
    public async Task VerboseJsonWithWordTimestampsCarriesWordsAndSegments()
    {
        var audio = fixture.Cluster.OpenAi().GetAudioClient(SimulatedCluster.TranscriptionModel);
        using var file = new MemoryStream(Audio.Wav(1));

        AudioTranscription transcription = await audio.TranscribeAudioAsync(file, "speech.wav", new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment,
        }, Ct).WaitAsync(Bound, Ct);

        Assert.NotEmpty(transcription.Words);
        Assert.NotEmpty(transcription.Segments);
        Assert.Equal("received", transcription.Words[0].Word);
        Assert.True(transcription.Words[^1].EndTime <= transcription.Duration + TimeSpan.FromMilliseconds(1));
    }
}
