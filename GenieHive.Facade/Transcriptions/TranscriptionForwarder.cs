using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Transcriptions;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>: a streaming multipart proxy. Form fields pass unchanged except <c>model</c>,
/// which is rewritten; the upload is never held in memory (streamed straight through when <c>model</c> comes first,
/// spooled to a temporary file otherwise) and is limited to <see cref="LimitsOptions.MaxTranscriptionBytes"/>.
/// </summary>
internal sealed class TranscriptionForwarder(ProxyForwarder proxy, IOptions<LimitsOptions> limits, TimeProvider time)
{
    private const int MaxFieldBytes = 1024 * 1024;

    public async Task ForwardAsync(HttpContext context)
    {
        var start = time.GetTimestamp();
        var request = context.Request;
        var maxBytes = limits.Value.MaxTranscriptionBytes;
        var boundary = BoundaryOf(request.ContentType);
        if (boundary is null)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "Transcription uploads must be multipart/form-data.", OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.UnsupportedMediaType);
            return;
        }

        if (request.ContentLength > maxBytes)
        {
            await ProxyForwarder.WriteTooLargeAsync(context, maxBytes);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes < long.MaxValue ? maxBytes + 1 : null;
        }

        var reader = new MultipartReader(boundary, new LimitedReadStream(request.Body, maxBytes)) { BodyLengthLimit = null };
        var fields = new List<FormField>();
        string? model = null;
        FileStream? spooled = null;
        string? fileName = null, fileContentType = null;
        var handedOver = false;
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
                        handedOver = true;
                        var streaming = new StreamingTranscriptionBody(fields, section, fileName, fileContentType, reader, MaxFieldBytes);
                        await proxy.RouteAndForwardAsync(context, OpenAiOperation.Transcriptions, model, streaming, start);
                        return;
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
            if (!context.Response.HasStarted)
            {
                await ProxyForwarder.WriteTooLargeAsync(context, maxBytes);
            }

            return;
        }
        catch (Exception ex) when (IsMalformed(ex) && !handedOver && !context.RequestAborted.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(spooled);
            await WriteAsync(context, TranscriptionForm.Malformed);
            return;
        }
        catch
        {
            await DisposeQuietlyAsync(spooled);
            throw;
        }

        if (spooled is null)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "Missing 'file' in request body.",
                OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.MissingParameter, "file");
            return;
        }

        await using var body = new SpooledTranscriptionBody(fields, spooled, fileName!, fileContentType!);
        if (string.IsNullOrEmpty(model))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "Missing 'model' in request body.",
                OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.MissingParameter, "model");
            return;
        }

        await proxy.RouteAndForwardAsync(context, OpenAiOperation.Transcriptions, model, body, start);
    }

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
            Path.Combine(Path.GetTempPath(), "geniehive-upload-" + Guid.NewGuid().ToString("N")),
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

    private static Task WriteAsync(HttpContext context, ClientBodyFailure failure) =>
        OpenAiErrors.WriteAsync(context, failure.StatusCode, failure.Message, OpenAiErrorTypes.InvalidRequest, failure.Code, failure.Param);
}
