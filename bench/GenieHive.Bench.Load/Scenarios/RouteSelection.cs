using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenieHive.Bench.Load.Report;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// Runs the BenchmarkDotNet route-selection bench (<c>bench/GenieHive.Bench.Routing</c>, its short job) after the
/// cluster has stopped, and reads its JSON report.
/// </summary>
internal static class RouteSelection
{
    public static async Task<List<RoutingResult>> RunAsync(BenchSettings settings, string artifactsDir, Action<string> log, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(settings.RepoRoot, "bench", "GenieHive.Bench.Routing", "bin", "Release", "net10.0", "GenieHive.Bench.Routing.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build Release first (bench/run.sh does): missing " + dll);
        }

        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        // The bench's own [ShortRunJob] is the job: any job option on the command line would add a second job.
        // The snapshot build is per routing-table version, not per request: the quick mode skips it.
        foreach (var arg in new[] { "--filter", settings.Quick ? "*RouteSelectionBenchmarks.Select*" : "*", "--exporters", "json", "--artifacts", artifactsDir })
        {
            info.ArgumentList.Add(arg);
        }

        var logPath = Path.Combine(artifactsDir, "benchmarkdotnet.log");
        Directory.CreateDirectory(artifactsDir);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(8), cancellationToken);
        await File.WriteAllTextAsync(logPath, await output + await errors, cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("The route-selection bench failed; see " + logPath);
        }

        var results = new List<RoutingResult>();
        foreach (var report in Directory.EnumerateFiles(Path.Combine(artifactsDir, "results"), "*-report*.json"))
        {
            results.AddRange(Parse(await File.ReadAllTextAsync(report, cancellationToken)));
        }

        foreach (var result in results)
        {
            log(string.Create(CultureInfo.InvariantCulture, $"  {result.Method,-26} {result.Services,6} services: mean {result.MeanNs / 1000:F3} µs, {result.AllocatedBytes ?? 0:F0} B/op"));
        }

        return results;
    }

    /// <summary>Reads the cases of a BenchmarkDotNet JSON report.</summary>
    public static IEnumerable<RoutingResult> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var list = new List<RoutingResult>();
        foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            var method = benchmark.TryGetProperty("MethodTitle", out var title) ? title.GetString()! : benchmark.GetProperty("Method").GetString()!;
            var parameters = benchmark.TryGetProperty("Parameters", out var p) ? p.GetString() ?? "" : "";
            var services = 0;
            foreach (var pair in parameters.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv.Length == 2 && kv[0] == "Services")
                {
                    services = int.Parse(kv[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
            }

            var stats = benchmark.GetProperty("Statistics");
            double? allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.TryGetProperty("BytesAllocatedPerOperation", out var bytes) && bytes.ValueKind == JsonValueKind.Number
                ? bytes.GetDouble()
                : null;
            list.Add(new RoutingResult(method.Trim('\''), services, stats.GetProperty("Mean").GetDouble(), stats.GetProperty("Median").GetDouble(), allocated));
        }

        return list;
    }
}
