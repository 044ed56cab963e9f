using System.Text;

namespace GenieHive.Bench.Soak.Verification;

/// <summary>What a service logged during the measured phase (console logger's simple format).</summary>
internal sealed record LogScanResult(string Service, long Bytes, int Errors, int Warnings, int StaleHostWarnings, IReadOnlyList<string> Examples);

/// <summary>
/// Counts error (<c>fail:</c>, <c>crit:</c>) and warning (<c>warn:</c>) entries in a service's log between two byte
/// offsets: the start and the end of the measured phase. Stale-host warnings are counted apart: none may appear
/// while every node heartbeats.
/// </summary>
internal static class LogScan
{
    public static long Length(string? path) => path is not null && File.Exists(path) ? new FileInfo(path).Length : 0;

    public static LogScanResult Scan(string service, string? path, long from, long to)
    {
        if (path is null || !File.Exists(path) || to <= from)
        {
            return new LogScanResult(service, 0, 0, 0, 0, []);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        var buffer = new byte[to - from];
        stream.ReadExactly(buffer);
        var lines = Encoding.UTF8.GetString(buffer).Split('\n');

        var errors = 0;
        var warnings = 0;
        var stale = 0;
        var examples = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var isError = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
            var isWarning = line.StartsWith("warn:", StringComparison.Ordinal);
            if (!isError && !isWarning)
            {
                continue;
            }

            // The simple formatter writes the category on the first line and the message, indented, on the next.
            var message = i + 1 < lines.Length ? lines[i + 1].Trim() : "";
            if (isError)
            {
                errors++;
            }
            else
            {
                warnings++;
                if (message.Contains("is stale", StringComparison.Ordinal))
                {
                    stale++;
                }
            }

            if (examples.Count < 10)
            {
                examples.Add(line.Trim() + " " + message);
            }
        }

        return new LogScanResult(service, buffer.Length, errors, warnings, stale, examples);
    }
}
