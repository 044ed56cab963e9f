using System.Buffers;
using System.Net;
using GenieHive.Facade.Proxy;
using Microsoft.AspNetCore.WebUtilities;

namespace GenieHive.Facade.Transcriptions;

/// <summary>A transcription upload as the endpoint read it: the multipart body to send each target, with that target's model.</summary>
internal abstract class TranscriptionRequest(string model) : ProxyRequest(model)
{
    public abstract HttpContent CreateContent(string upstreamModel);
}

/// <summary>
/// An upload whose file came before <c>model</c>: the file was spooled to a temporary file (deleted on close), so the
/// body can be sent again to another target, with an exact length.
/// </summary>
internal sealed class SpooledTranscriptionRequest(
    string model,
    IReadOnlyList<FormField> fields,
    FileStream file,
    string fileName,
    string fileContentType) : TranscriptionRequest(model)
{
    public override HttpContent CreateContent(string upstreamModel) =>
        new SpooledMultipartContent(fields, file, fileName, fileContentType, upstreamModel);

    public override ValueTask DisposeAsync() => file.DisposeAsync();

    private sealed class SpooledMultipartContent : HttpContent
    {
        private readonly MultipartParts _parts = new();
        private readonly List<byte[]> _fieldParts = [];
        private readonly byte[] _fileHeader;
        private readonly FileStream _file;

        public SpooledMultipartContent(IReadOnlyList<FormField> fields, FileStream file, string fileName, string contentType, string upstreamModel)
        {
            _file = file;
            foreach (var field in fields)
            {
                _fieldParts.Add(_parts.Field(field.Name, field.Name == "model" ? upstreamModel : field.Value));
            }

            _fileHeader = _parts.FileHeader(fileName, contentType);
            Headers.TryAddWithoutValidation("Content-Type", _parts.ContentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            foreach (var part in _fieldParts)
            {
                await stream.WriteAsync(part, cancellationToken);
            }

            await stream.WriteAsync(_fileHeader, cancellationToken);
            _file.Position = 0;
            await _file.CopyToAsync(stream, 64 * 1024, cancellationToken);
            await stream.WriteAsync(MultipartParts.LineBreak, cancellationToken);
            await stream.WriteAsync(_parts.Closing, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = _fileHeader.Length + _file.Length + MultipartParts.LineBreak.Length + _parts.Closing.Length;
            foreach (var part in _fieldParts)
            {
                length += part.Length;
            }

            return true;
        }
    }
}

/// <summary>
/// An upload whose <c>model</c> came before the file: the outgoing multipart body is written while the incoming one is
/// read (file bytes straight through, later fields after it), so the upload is never held. It can be sent only once:
/// a retry is possible only while it has not started (a connect failure).
/// </summary>
internal sealed class StreamingTranscriptionRequest(
    string model,
    IReadOnlyList<FormField> fieldsBefore,
    MultipartSection fileSection,
    string fileName,
    string fileContentType,
    MultipartReader reader,
    int maxFieldBytes) : TranscriptionRequest(model)
{
    private int _started;
    private ClientError? _failure;

    public override bool CanRetry => Volatile.Read(ref _started) == 0;

    public override ClientError? ClientFailure => _failure;

    public override HttpContent CreateContent(string upstreamModel) => new StreamingMultipartContent(this, upstreamModel);

    private async Task WriteAsync(Stream output, MultipartParts parts, string upstreamModel, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A streamed upload can be sent only once.");
        }

        try
        {
            foreach (var field in fieldsBefore)
            {
                await output.WriteAsync(parts.Field(field.Name, field.Name == "model" ? upstreamModel : field.Value), cancellationToken);
            }

            await output.WriteAsync(parts.FileHeader(fileName, fileContentType), cancellationToken);
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await fileSection.Body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            await output.WriteAsync(MultipartParts.LineBreak, cancellationToken);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var field = await TranscriptionForm.ReadFieldAsync(section, maxFieldBytes, cancellationToken);
                // Only one file per upload, and the model was already decided.
                if (field is not null && field.Name != "model")
                {
                    await output.WriteAsync(parts.Field(field.Name, field.Value), cancellationToken);
                }
            }

            await output.WriteAsync(parts.Closing, cancellationToken);
        }
        catch (RequestTooLargeException ex)
        {
            _failure = TranscriptionForm.TooLarge(ex.Limit);
            throw;
        }
        catch (InvalidDataException)
        {
            _failure = TranscriptionForm.Malformed;
            throw;
        }
    }

    private sealed class StreamingMultipartContent : HttpContent
    {
        private readonly StreamingTranscriptionRequest _body;
        private readonly string _upstreamModel;
        private readonly MultipartParts _parts = new();

        public StreamingMultipartContent(StreamingTranscriptionRequest body, string upstreamModel)
        {
            _body = body;
            _upstreamModel = upstreamModel;
            Headers.TryAddWithoutValidation("Content-Type", _parts.ContentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _body.WriteAsync(stream, _parts, _upstreamModel, cancellationToken);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
