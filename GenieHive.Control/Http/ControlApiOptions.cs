using System.ComponentModel.DataAnnotations;

namespace GenieHive.Control.Http;

/// <summary>
/// Limits of Control's own HTTP API (<c>GenieHive:ControlApi</c>). Not <c>GenieHive:Limits</c>: that section is the
/// facade's (client request limits), and one configuration shared by both services must not set both.
/// </summary>
public sealed class ControlApiOptions
{
    public const string SectionName = "GenieHive:ControlApi";

    /// <summary>Largest request body accepted, in bytes (default 1 MiB); larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
