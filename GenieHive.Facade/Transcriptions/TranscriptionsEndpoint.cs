using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Transcriptions;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>: a streaming multipart proxy. Form fields pass unchanged except <c>model</c>,
/// which is rewritten; the upload is never held in memory (streamed straight through when <c>model</c> comes first,
/// spooled to a temporary file otherwise) and is limited to <see cref="LimitsOptions.MaxTranscriptionBytes"/>. A
/// transcript in a text format is labelled <c>text/plain</c>, as OpenAI labels it.
/// </summary>
internal sealed class TranscriptionsEndpoint(IOptions<LimitsOptions> limits)
    : ProxyEndpoint<TranscriptionRequest>("transcriptions", ServiceKinds.Transcription, OpenAiProxyErrors.Instance)
{
    private const int MaxFieldBytes = 1024 * 1024;

    private static readonly UpstreamPath Path = new("/v1/audio/transcriptions");
    private static readonly StreamCopyRelay TranscriptRelay = new(TranscriptLabel.For);
    private static readonly ClientError NotMultipart = ClientError.UnsupportedMediaType("Transcription uploads must be multipart/form-data.");

    private readonly long _maxBytes = limits.Value.MaxTranscriptionBytes;

    public override async ValueTask<TranscriptionRequest?> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        var boundary = BoundaryOf(request.ContentType);
        if (boundary is null)
        {
            await Errors.WriteClientErrorAsync(context, NotMultipart);
            return null;
        }

        if (request.ContentLength > _maxBytes)
        {
            await Errors.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBytes));
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = _maxBytes < long.MaxValue ? _maxBytes + 1 : null;
        }

        var reader = new MultipartReader(boundary, new LimitedReadStream(request.Body, _maxBytes)) { BodyLengthLimit = null };
        var fields = new List<FormField>();
        string? model = null;
        FileStream? spooled = null;
        string? fileName = null, fileContentType = null;
        try
        {
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (TranscriptionForm.Describe(section) is { Name: "file", FileName: { } name } && spooled is null)
                {
                    fileName = name;
                    fileContentType = string.IsNullOrEmpty(section.ContentType) ? "application/octet-stream" : section.ContentType;
                    if (model is not null)
                    {
                        // The rest of the upload is read while it is sent upstream.
                        return new StreamingTranscriptionRequest(model, fields, section, fileName, fileContentType, reader, MaxFieldBytes);
                    }

                    spooled = CreateSpoolFile();
                    await section.Body.CopyToAsync(spooled, 64 * 1024, context.RequestAborted);
                    await spooled.FlushAsync(context.RequestAborted);
                    continue;
                }

                var field = await TranscriptionForm.ReadFieldAsync(section, MaxFieldBytes, context.RequestAborted);
                if (field is null)
                {
                    continue;
                }

                if (field.Name == "model")
                {
                    if (model is not null)
                    {
                        continue;
                    }

                    model = field.Value;
                }

                fields.Add(field);
            }
        }
        catch (RequestTooLargeException)
        {
            await DisposeQuietlyAsync(spooled);
            await Errors.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBytes));
            return null;
        }
        catch (Exception ex) when (IsMalformed(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(spooled);
            await Errors.WriteClientErrorAsync(context, TranscriptionForm.Malformed);
            return null;
        }
        catch (Exception)
        {
            await DisposeQuietlyAsync(spooled);
            throw;
        }

        if (spooled is null)
        {
            await Errors.WriteClientErrorAsync(context, ClientError.Missing("file"));
            return null;
        }

        if (string.IsNullOrEmpty(model))
        {
            await spooled.DisposeAsync();
            await Errors.WriteClientErrorAsync(context, ClientError.Missing("model"));
            return null;
        }

        return new SpooledTranscriptionRequest(model, fields, spooled, fileName!, fileContentType!);
    }

    public override HttpRequestMessage CreateUpstreamRequest(TranscriptionRequest request, RouteTarget target) =>
        new(HttpMethod.Post, Path.On(target.BaseUrl)) { Content = request.CreateContent(target.UpstreamModel) };

    public override IResponseRelay SelectRelay(TranscriptionRequest request, RouteTarget target, HttpResponseMessage response) =>
        MediaTypes.IsEventStream(response.Content.Headers.ContentType?.MediaType) ? SseRelay.Unchanged : TranscriptRelay;

    // InvalidDataException: a malformed part. IOException: the body ended before its closing boundary (a truncated
    // upload); but not Kestrel's BadHttpRequestException (also an IOException), whose own status (413) must stand.
    private static bool IsMalformed(Exception ex) =>
        ex is InvalidDataException || (ex is IOException && ex is not BadHttpRequestException);

    private static string? BoundaryOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).ToString();
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200 ? null : boundary;
    }

    private static FileStream CreateSpoolFile() =>
        new(
            System.IO.Path.Combine(System.IO.Path.GetTempPath(), "geniehive-upload-" + Guid.NewGuid().ToString("N")),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static async ValueTask DisposeQuietlyAsync(FileStream? file)
    {
        if (file is not null)
        {
            await file.DisposeAsync();
        }
    }
}
