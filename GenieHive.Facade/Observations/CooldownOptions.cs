using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Observations;

/// <summary>Local cooldowns after upstream failures (<c>GenieHive:Cooldown</c>).</summary>
public sealed class CooldownOptions
{
    public const string SectionName = "GenieHive:Cooldown";

    /// <summary>Cooldown after the first failure, in seconds (default 2); it doubles with each consecutive failure.</summary>
    [Range(0.001, 3600)]
    public double BaseSeconds { get; set; } = 2;

    /// <summary>
    /// Longest cooldown after repeated failures, in seconds (default 60). A 429's <c>Retry-After</c> is honoured
    /// as sent (up to one hour), not capped by this.
    /// </summary>
    [Range(0.001, 86400)]
    public double MaxSeconds { get; set; } = 60;
}
