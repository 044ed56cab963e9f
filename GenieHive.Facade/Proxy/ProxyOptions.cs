using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Proxy;

/// <summary>Timeouts of the upstream (model server) proxy (<c>GenieHive:Proxy</c>).</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "GenieHive:Proxy";

    /// <summary>Time allowed to open a TCP connection to a model server, in seconds (default 5).</summary>
    [Range(0.01, 600)]
    public double ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Time allowed from sending a request until the upstream's response headers and first bytes arrive, in
    /// seconds (default 300: local models can take minutes on a long prompt). Past it the service cools down
    /// and the next candidate is tried; with none left the client gets 504.
    /// </summary>
    [Range(0.01, 86400)]
    public double FirstByteTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest gap allowed between bytes of a response once it is being relayed, in seconds (default 300).</summary>
    [Range(0.01, 86400)]
    public double StreamIdleTimeoutSeconds { get; set; } = 300;
}
