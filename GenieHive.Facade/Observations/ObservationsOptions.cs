using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Observations;

/// <summary>Reporting of measured traffic to Control (<c>GenieHive:Observations</c>).</summary>
public sealed class ObservationsOptions
{
    public const string SectionName = "GenieHive:Observations";

    /// <summary>Seconds between two reports to Control (default 2).</summary>
    [Range(0.05, 3600)]
    public double IntervalSeconds { get; set; } = 2;

    /// <summary>Requests kept per service for the percentiles (default 256, the most recent).</summary>
    [Range(8, 65536)]
    public int WindowSize { get; set; } = 256;

    /// <summary>Oldest request counted in the percentiles, in seconds (default 300).</summary>
    [Range(1, 86400)]
    public double WindowSeconds { get; set; } = 300;
}
