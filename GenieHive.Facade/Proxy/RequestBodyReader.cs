using Microsoft.AspNetCore.Http.Features;

namespace GenieHive.Facade.Proxy;

/// <summary>Reads a request body into a pooled buffer, refusing bodies over a limit before they are held whole.</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/> (the caller answers 413).</summary>
    public static async ValueTask<PooledBuffer?> ReadAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our limit, not Kestrel's default, decides; one byte more lets us see that it was exceeded.
            sizeFeature.MaxRequestBodySize = (long)maxBytes + 1;
        }

        var declared = request.ContentLength;
        var buffer = new PooledBuffer(declared is > 0 && declared < maxBytes ? (int)declared.Value + 1 : 16 * 1024);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(1024), context.RequestAborted);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.Length > maxBytes)
                {
                    buffer.Dispose();
                    return null;
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
