using System.Net;
using System.Net.Http.Headers;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorTranscriptionTests
{
    [Fact]
    public async Task JsonTranscriptSaysHowManyBytesArrived()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(12_345), ("model", "sim-whisper")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = (await response.ReadJsonAsync()).GetProperty("text").GetString()!;
        Assert.StartsWith("received 12345 bytes: ", text);
    }

    [Fact]
    public async Task TranscriptIsDeterministicFromTheBytes()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var first = await TranscribeTextAsync(client, Audio(64_000, seed: 1));
        var again = await TranscribeTextAsync(client, Audio(64_000, seed: 1));
        var other = await TranscribeTextAsync(client, Audio(64_000, seed: 2));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task TextFormatAnswersPlainText()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(100), ("model", "sim-whisper"), ("response_format", "text")), TestContext.Current.CancellationToken);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("received 100 bytes:", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SrtAndVttFormatsAnswerSubtitles()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var srt = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(96_000), ("model", "sim-whisper"), ("response_format", "srt")), TestContext.Current.CancellationToken);
        using var vtt = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(96_000), ("model", "sim-whisper"), ("response_format", "vtt")), TestContext.Current.CancellationToken);

        Assert.Equal("application/x-subrip", srt.Content.Headers.ContentType?.MediaType);
        var srtText = await srt.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("1\n00:00:00,000 --> 00:00:0", srtText);
        Assert.Contains("received 96000 bytes:", srtText);
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType?.MediaType);
        var vttText = await vtt.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("WEBVTT\n\n00:00:00.000 --> 00:00:0", vttText);
    }

    [Fact]
    public async Task VerboseJsonHasDurationSegmentsAndWordsWhenAsked()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(
            "/v1/audio/transcriptions",
            Form(Audio(320_000), ("model", "sim-whisper"), ("response_format", "verbose_json"), ("language", "en"), ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment")),
            TestContext.Current.CancellationToken);
        var body = await response.ReadJsonAsync();

        Assert.Equal("transcribe", body.GetProperty("task").GetString());
        Assert.Equal("en", body.GetProperty("language").GetString());
        Assert.Equal(10.0, body.GetProperty("duration").GetDouble(), 3);
        Assert.StartsWith("received 320000 bytes:", body.GetProperty("text").GetString());
        var segments = body.GetProperty("segments").EnumerateArray().ToList();
        Assert.NotEmpty(segments);
        Assert.Equal(10.0, segments[^1].GetProperty("end").GetDouble(), 3);
        var words = body.GetProperty("words").EnumerateArray().ToList();
        Assert.Equal("received", words[0].GetProperty("word").GetString());
        Assert.Equal(body.GetProperty("text").GetString()!.Split(' ').Length, words.Count);
    }

    [Fact]
    public async Task LargeUploadIsCountedWhole()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        const long size = 8 * 1024 * 1024 + 7;

        var text = await TranscribeTextAsync(client, new StreamContent(new GeneratedStream(size)));

        Assert.StartsWith($"received {size} bytes:", text);
    }

    [Fact]
    public async Task MissingFileAnswers400()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(null, ("model", "sim-whisper")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("file", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task MissingModelAnswers400()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(10)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task UnknownTranscriptionModelAnswers404()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(10), ("model", "whisper-large")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownResponseFormatAnswers400()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(Audio(10), ("model", "sim-whisper"), ("response_format", "mp3")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NonMultipartBodyAnswers415()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/audio/transcriptions", SimulatorTestKit.Json("{\"model\":\"sim-whisper\"}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("type").GetString());
    }

    private static async Task<string> TranscribeTextAsync(HttpClient client, HttpContent file)
    {
        using var response = await client.PostAsync("/v1/audio/transcriptions", Form(file, ("model", "sim-whisper")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("text").GetString()!;
    }

    private static ByteArrayContent Audio(int length, int seed = 0)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return new ByteArrayContent(bytes);
    }

    private static MultipartFormDataContent Form(HttpContent? file, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (file is not null)
        {
            file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(file, "file", "audio.wav");
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    // A body of the given size that is generated as it is read, so the test holds none of it either.
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) * 31);
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
