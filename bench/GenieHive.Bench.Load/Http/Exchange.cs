using System.Diagnostics;

namespace GenieHive.Bench.Load.Http;

/// <summary>One request and its response, as <see cref="Stopwatch"/> timestamps.</summary>
/// <param name="Status">The response status.</param>
/// <param name="Started">Before the request's first byte was sent.</param>
/// <param name="HeadersAt">When the response headers had arrived.</param>
/// <param name="FirstContentAt">When the first generated text arrived (0 when not watched or never seen).</param>
/// <param name="Ended">When the last byte of the body had arrived.</param>
/// <param name="BodyBytes">Body length (after chunk decoding).</param>
/// <param name="KeepAlive">False when the server closes the connection after this response.</param>
internal readonly record struct Exchange(int Status, long Started, long HeadersAt, long FirstContentAt, long Ended, long BodyBytes, bool KeepAlive)
{
    /// <summary>Request start to last body byte.</summary>
    public long ElapsedTicks => Ended - Started;

    /// <summary>Request start to first generated text (0 when none was seen).</summary>
    public long FirstContentTicks => FirstContentAt == 0 ? 0 : FirstContentAt - Started;
}
