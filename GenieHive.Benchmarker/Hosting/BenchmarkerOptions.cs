using System.ComponentModel.DataAnnotations;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>
/// The benchmarker's own settings (<c>GenieHive:Benchmarker</c>). What runs, and when, is Control's
/// (<c>GenieHive:Benchmarks</c>: workloads, limits, schedule); Control's address is <c>services:control:http:0</c>.
/// </summary>
public sealed class BenchmarkerOptions
{
    public const string SectionName = "GenieHive:Benchmarker";

    /// <summary>
    /// The key presented to Control (its run API) and to the facade (the measured requests): one of their client keys.
    /// Empty (the default) when both have client auth off.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The facade's base URL, which cases are sent to as clients send requests. Default: <c>services:facade:http:0</c>
    /// (Aspire writes it when the AppHost gives the benchmarker a reference to the facade).
    /// </summary>
    public string? FacadeUrl { get; set; }

    /// <summary>Services of one run measured at the same time (each one case at a time). Default 4.</summary>
    [Range(1, 64)]
    public int MaxParallelServices { get; set; } = 4;

    /// <summary>The name shown on the runs it claims (<c>worker</c>). Default: this machine's name.</summary>
    [MaxLength(256)]
    public string? Name { get; set; }
}
