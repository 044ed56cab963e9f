using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Proxy;

/// <summary>Request size limits (<c>GenieHive:Limits</c>); larger requests get 413 in OpenAI's shape.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "GenieHive:Limits";

    /// <summary>Largest JSON request body, in bytes (default 8 MiB).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest transcription upload (the whole multipart body), in bytes (default 25 MB, as OpenAI's).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxTranscriptionBytes { get; set; } = 25L * 1000 * 1000;
}
