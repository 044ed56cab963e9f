using System.ComponentModel.DataAnnotations;

namespace GenieHive.Facade.Memory;

/// <summary>How the facade gives memory back when traffic stops (<c>GenieHive:Memory</c>).</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "GenieHive:Memory";

    /// <summary>
    /// Seconds without a new request (and none in flight) after which the facade returns its free memory to the
    /// operating system, once per quiet spell (default 30; 0 never does). Long enough that the pauses between an
    /// interactive user's requests do not trigger it: the request after a trim pays for regrowing the GC's budgets.
    /// </summary>
    [Range(0, 86400)]
    public double TrimAfterIdleSeconds { get; set; } = 30;
}
