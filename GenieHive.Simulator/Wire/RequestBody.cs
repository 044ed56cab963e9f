using System.Buffers;
using System.IO.Pipelines;

namespace GenieHive.Simulator.Wire;

/// <summary>Reads a whole JSON request body from the request pipe, without copying it.</summary>
public static class RequestBody
{
    /// <summary>Largest JSON body accepted (bytes); Kestrel's own default limit is 30 MB.</summary>
    public const long MaxJsonBytes = 32L * 1024 * 1024;

    /// <summary>
    /// Buffers the body in the pipe until the client has sent all of it (or more than <see cref="MaxJsonBytes"/>).
    /// The caller parses <see cref="ReadResult.Buffer"/> and then must call
    /// <c>reader.AdvanceTo(result.Buffer.End)</c>.
    /// </summary>
    public static async ValueTask<ReadResult> ReadAllAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled || result.Buffer.Length > MaxJsonBytes)
            {
                return result;
            }

            // Nothing consumed, everything examined: the next read returns once more bytes arrive.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>True when the body was cut at <see cref="MaxJsonBytes"/> rather than read to its end.</summary>
    public static bool IsTooLarge(in ReadResult result) => result.Buffer.Length > MaxJsonBytes;

    /// <summary>413 in OpenAI's shape.</summary>
    public static OpenAiError TooLarge { get; } = new(
        StatusCodes.Status413PayloadTooLarge,
        "The request body is too large.",
        OpenAiError.InvalidRequest,
        "request_too_large");

    /// <summary>Whether a sequence is empty or whitespace only (an empty body is a malformed request).</summary>
    public static bool IsBlank(in ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
