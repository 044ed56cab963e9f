using System.ComponentModel.DataAnnotations;

namespace GenieHive.Control.Http;

/// <summary>Request limits (<c>GenieHive:Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "GenieHive:Limits";

    /// <summary>Largest request body accepted, in bytes (default 1 MiB); larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
