using System.ComponentModel.DataAnnotations;

namespace GenieHive.Control.Keys;

/// <summary>The audit's retention (<c>GenieHive:Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "GenieHive:Audit";

    /// <summary>Days an audit record is kept (default 30); older ones are deleted hourly. Monthly usage is kept apart and is not affected.</summary>
    [Range(0.001, 3650)]
    public double RetentionDays { get; set; } = 30;
}
