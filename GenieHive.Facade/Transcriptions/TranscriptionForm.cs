using System.Text;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Transcriptions;

/// <summary>Reading the parts of an incoming transcription upload.</summary>
internal static class TranscriptionForm
{
    public static ClientError Malformed { get; } =
        new(StatusCodes.Status400BadRequest, "The multipart body could not be read.", OpenAiErrorCodes.InvalidJson);

    public static ClientError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge,
            "The upload is larger than the limit of " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes.",
            OpenAiErrorCodes.RequestTooLarge);

    /// <summary>The part's form name and, for a file part, its file name; null for a part that is not form data.</summary>
    public static (string Name, string? FileName)? Describe(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
        string? fileName = null;
        if (disposition.IsFileDisposition())
        {
            fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString();
            if (string.IsNullOrEmpty(fileName))
            {
                fileName = "audio";
            }
        }

        return (name, fileName);
    }

    /// <summary>Reads a text field; file parts other than the upload's <c>file</c> are drained and dropped (null).</summary>
    public static async Task<FormField?> ReadFieldAsync(MultipartSection section, int maxBytes, CancellationToken cancellationToken)
    {
        var described = Describe(section);
        if (described is not { FileName: null } field)
        {
            await section.Body.CopyToAsync(Stream.Null, cancellationToken);
            return null;
        }

        using var buffer = new PooledBuffer(256);
        while (true)
        {
            var read = await section.Body.ReadAsync(buffer.GetMemory(1024), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.Length > maxBytes)
            {
                throw new InvalidDataException("Form field '" + field.Name + "' is too long.");
            }
        }

        return new FormField(field.Name, Encoding.UTF8.GetString(buffer.Span));
    }
}
