using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace GenieHive.Tests.Facade;

public sealed class TranscriptionTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private FakeControl _control = null!;
    private FacadeHost _facade = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the fake whisper server parsed from the facade's multipart body.</summary>
    private readonly List<(string Name, string? FileName, string? ContentType, long Length, string? Text)> _parts = [];

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.HandlerReadsBody = true;
        _upstream.Handler = async (context, _) =>
        {
            var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).ToString();
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
            lock (_parts)
            {
                _parts.Clear();
            }

            string? format = null;
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                var disposition = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.Parse(section.ContentDisposition);
                var name = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                var fileName = disposition.FileName.HasValue ? Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(disposition.FileName).ToString() : null;
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, context.RequestAborted);
                var text = fileName is null ? Encoding.UTF8.GetString(buffer.ToArray()) : null;
                if (name == "response_format")
                {
                    format = text;
                }

                lock (_parts)
                {
                    _parts.Add((name, fileName, section.ContentType, buffer.Length, text));
                }
            }

            if (format == "text")
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("hello world\n", context.RequestAborted);
            }
            else
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"text":"hello world"}""", context.RequestAborted);
            }
        };
        var table = TestTables.Table(1,
            [TestTables.Service("whisper", _upstream.Url, ["whisper-small"], kind: ServiceKinds.Transcription)],
            [TestTables.Role("scribe", ServiceKinds.Transcription)]);
        _control = await FakeControl.StartAsync(table);
        _facade = await FacadeHost.StartAsync(_control, new Dictionary<string, string?> { ["GenieHive:Limits:MaxTranscriptionBytes"] = "3000000" });
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static ByteArrayContent Audio(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return content;
    }

    [Fact]
    public async Task ModelBeforeFileIsStreamedWithEveryFieldForwarded()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("scribe"), "model" },
            { new StringContent("de"), "language" },
            { Audio(1_000_000), "file", "talk.wav" },
            { new StringContent("verbose_json"), "response_format" },
            { new StringContent("0.2"), "temperature" },
            { new StringContent("word"), "timestamp_granularities[]" },
            { new StringContent("segment"), "timestamp_granularities[]" },
        };

        using var response = await _facade.Client.PostAsync("/v1/audio/transcriptions", form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"text":"hello world"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/v1/audio/transcriptions", _upstream.Requests.Single().Path);
        Assert.Equal(
            [("model", "whisper-small"), ("language", "de"), ("file", null), ("response_format", "verbose_json"), ("temperature", "0.2"),
             ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment")],
            _parts.Select(p => (p.Name, p.Text)));
        var file = _parts.Single(p => p.Name == "file");
        Assert.Equal(("talk.wav", "audio/wav", 1_000_000L), (file.FileName, file.ContentType, file.Length));
    }

    [Fact]
    public async Task FileBeforeModelIsSpooledAndForwardedWithItsLength()
    {
        using var form = new MultipartFormDataContent
        {
            { Audio(200_000), "file", "a.mp3" },
            { new StringContent("text"), "response_format" },
            { new StringContent("scribe"), "model" },
        };

        using var response = await _facade.Client.PostAsync("/v1/audio/transcriptions", form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("hello world\n", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal([("response_format", "text"), ("model", "whisper-small"), ("file", null)], _parts.Select(p => (p.Name, p.Text)));
        Assert.Equal(200_000L, _parts.Single(p => p.Name == "file").Length);
        Assert.True(_upstream.Requests.Single().Headers.ContainsKey("Content-Length"));
    }

    [Fact]
    public async Task UploadOverTheLimitGets413()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("scribe"), "model" },
            { Audio(3_500_000), "file", "big.wav" },
        };

        using var response = await _facade.Client.PostAsync("/v1/audio/transcriptions", form, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UploadOverTheLimitWithoutLengthGets413()
    {
        using var form = new MultipartFormDataContent
        {
            { Audio(3_500_000), "file", "big.wav" },
            { new StringContent("scribe"), "model" },
        };
        using var chunked = new StreamContent(await form.ReadAsStreamAsync(Ct));
        chunked.Headers.ContentType = form.Headers.ContentType;
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _facade.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _upstream.RequestCount);
    }

    [Fact]
    public async Task MissingFileOrModelGets400()
    {
        using var noFile = new MultipartFormDataContent { { new StringContent("scribe"), "model" } };
        using var noModel = new MultipartFormDataContent { { Audio(10), "file", "a.wav" } };

        using var first = await _facade.Client.PostAsync("/v1/audio/transcriptions", noFile, Ct);
        using var second = await _facade.Client.PostAsync("/v1/audio/transcriptions", noModel, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal("file", JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!["error"]!["param"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("model", JsonNode.Parse(await second.Content.ReadAsStringAsync(Ct))!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonBodyGets415()
    {
        using var response = await _facade.Client.PostAsync("/v1/audio/transcriptions", Requests.JsonBody("""{"model":"scribe"}"""), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
