using System.ComponentModel.DataAnnotations;

namespace GenieHive.ServiceDefaults;

/// <summary>
/// Kestrel's limits on what one client may hold or make a service hold, the same on every GenieHive service
/// (<c>GenieHive:ConnectionLimits</c>). Chosen against slow or idle clients (slowloris), floods of connections and
/// oversized request heads, with room for what real clients do: SSE streams that run for minutes, audio uploads.
/// </summary>
public sealed class ConnectionLimitsOptions
{
    public const string SectionName = "GenieHive:ConnectionLimits";

    /// <summary>Open connections a service accepts at once; beyond it new ones are closed at once (default 10,000).</summary>
    [Range(1, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Seconds a client has to send a whole request head (request line and headers), also for each next request on a
    /// kept-alive connection (default 10; Kestrel's own is 30). A slowloris holding partial heads is dropped after it.
    /// </summary>
    [Range(1, 600)]
    public double RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Seconds a connection may stay idle: between requests, and before the first byte of a new one (default 30;
    /// Kestrel's own is 130). A flood of connections that send nothing holds its slots only this long.
    /// </summary>
    [Range(1, 3600)]
    public double KeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Slowest request body a client may send, in bytes per second after <see cref="MinDataRateGraceSeconds"/>
    /// (default 240, Kestrel's): a body trickled slower is cut with 408.
    /// </summary>
    [Range(1, 1_000_000_000)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Slowest a client may read a response, in bytes per second after the grace period (default 240).</summary>
    [Range(1, 1_000_000_000)]
    public double MinResponseBytesPerSecond { get; set; } = 240;

    /// <summary>Seconds of grace before the minimum data rates apply (default 5).</summary>
    [Range(1, 600)]
    public double MinDataRateGraceSeconds { get; set; } = 5;

    /// <summary>Longest request line (method, path, query, version), bytes (default 8,192: longer gets 414).</summary>
    [Range(256, 1_048_576)]
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>Largest request head, all headers together, bytes (default 32,768: larger gets 431).</summary>
    [Range(1024, 1_048_576)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Most headers one request may carry (default 100: more gets 431).</summary>
    [Range(1, 10_000)]
    public int MaxRequestHeaderCount { get; set; } = 100;
}
