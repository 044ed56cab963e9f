using System.Globalization;

namespace GenieHive.Facade.Proxy;

/// <summary>An engine's error answer, read whole (errors are small) so it can be relayed after the upstream response is gone.</summary>
internal sealed record UpstreamErrorAnswer(int StatusCode, byte[] Body, string? ContentType, string? RetryAfter)
{
    private const int MaxBytes = 64 * 1024;

    /// <summary>An answer the engine sent with a success status that no client could use, relayed as a 502 saying why.</summary>
    public static UpstreamErrorAnswer Unusable(string why) =>
        new(StatusCodes.Status502BadGateway, System.Text.Encoding.UTF8.GetBytes("The upstream answered " + why + "."), "text/plain", null);

    /// <summary>
    /// Reads up to 64 KB of the body, within the attempt's idle timeout; what arrives in time is kept.
    /// <paramref name="retryAfterSeconds"/> is relayed as the client's <c>Retry-After</c>, rounded up.
    /// </summary>
    public static async Task<UpstreamErrorAnswer> ReadAsync(HttpResponseMessage response, AttemptDeadline deadline, double? retryAfterSeconds = null)
    {
        using var buffer = new PooledBuffer(4096);
        try
        {
            deadline.ExtendForIdle();
            using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            while (buffer.Length < MaxBytes)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(Math.Min(8192, MaxBytes - buffer.Length)), deadline.Token);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(Math.Min(read, MaxBytes - buffer.Length));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // An error body that cannot be read completely still says what it said so far.
        }

        return new UpstreamErrorAnswer(
            (int)response.StatusCode,
            buffer.Span.ToArray(),
            response.Content.Headers.ContentType?.ToString(),
            retryAfterSeconds is { } seconds ? Math.Ceiling(seconds).ToString(CultureInfo.InvariantCulture) : null);
    }
}
