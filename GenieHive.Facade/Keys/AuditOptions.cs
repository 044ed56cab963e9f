using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Keys;

/// <summary>How the facade reports its audit records to Control (<c>GenieHive:Audit</c>; Control's retention lives there too).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "GenieHive:Audit";

    /// <summary>Seconds between reports (default 1). Records wait in memory meanwhile, off the request path.</summary>
    [Range(0.05, 60)]
    public double ReportIntervalSeconds { get; set; } = 1;

    /// <summary>Records held while Control is unreachable (default 100,000); past it the oldest are dropped and counted.</summary>
    [Range(100, 10_000_000)]
    public int MaxPendingRecords { get; set; } = 100_000;
}
