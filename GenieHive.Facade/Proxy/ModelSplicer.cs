namespace GenieHive.Facade.Proxy;

/// <summary>
/// Replaces the value of the top-level <c>model</c> by copying the bytes before it, the new JSON string and the
/// bytes after it: every other byte of the client's body reaches the upstream untouched.
/// </summary>
public static class ModelSplicer
{
    public static byte[] Splice(ReadOnlySpan<byte> body, int modelStart, int modelEnd, string upstreamModel)
    {
        var quoted = JsonStrings.QuotedUtf8(upstreamModel);
        var result = new byte[body.Length - (modelEnd - modelStart) + quoted.Length];
        body[..modelStart].CopyTo(result);
        quoted.CopyTo(result.AsSpan(modelStart));
        body[modelEnd..].CopyTo(result.AsSpan(modelStart + quoted.Length));
        return result;
    }
}
