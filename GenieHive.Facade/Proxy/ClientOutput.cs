namespace GenieHive.Facade.Proxy;

/// <summary>Writes to the client's response; false when the client is gone (the caller stops relaying).</summary>
internal static class ClientOutput
{
    public static async ValueTask<bool> FlushAsync(HttpContext context)
    {
        try
        {
            var result = await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            return !result.IsCanceled && !result.IsCompleted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    public static async ValueTask<bool> WriteAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var result = await context.Response.BodyWriter.WriteAsync(bytes, context.RequestAborted);
            return !result.IsCanceled && !result.IsCompleted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
