using System.Diagnostics;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.Compat;

/// <summary>
/// The official npm SDKs (<c>@anthropic-ai/sdk</c>, <c>openai</c>) from <c>Compat/npm</c>, installed by <c>npm ci</c>
/// (from its lock file, into its git-ignored <c>node_modules</c>; <c>.ci/run</c> does it beforehand) and driven by the
/// scripts there. When node or npm is missing, or the install fails, <see cref="Unavailable"/> says why and the tests skip.
/// </summary>
internal static class NpmSdks
{
    private static readonly Lazy<(string? Directory, string? Problem)> Install = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the SDKs cannot run here, or null when they can.</summary>
    public static string? Unavailable => Install.Value.Problem;

    /// <summary>Runs <c>node SCRIPT ARGS</c> in the SDK folder and parses the one JSON object it prints.</summary>
    public static async Task<JsonNode> RunAsync(string script, params string[] arguments)
    {
        var (output, errors, exitCode) = await RunProcessAsync("node", Install.Value.Directory!, TimeSpan.FromSeconds(120), [script, .. arguments]);
        Assert.True(exitCode == 0, "node " + script + " failed (" + exitCode + "): " + errors + output);
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static (string?, string?) Prepare()
    {
        var directory = FindSdkDirectory();
        if (directory is null)
        {
            return (null, "GenieHive.Tests/Compat/npm was not found above " + AppContext.BaseDirectory);
        }

        try
        {
            if (!File.Exists(Path.Combine(directory, "node_modules", "@anthropic-ai", "sdk", "package.json"))
                || !File.Exists(Path.Combine(directory, "node_modules", "openai", "package.json")))
            {
                var (output, errors, exitCode) = RunProcessAsync("npm", directory, TimeSpan.FromSeconds(300), ["ci", "--no-audit", "--no-fund"])
                    .GetAwaiter().GetResult();
                if (exitCode != 0)
                {
                    return (null, "npm ci failed in " + directory + ": " + errors + output);
                }
            }

            return (directory, null);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return (null, "node and npm are needed for the npm SDK tests: " + ex.Message);
        }
    }

    private static async Task<(string Output, string Errors, int ExitCode)> RunProcessAsync(string file, string directory, TimeSpan bound, string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " did not finish within " + bound.TotalSeconds + " s.");
        }

        return (await output, await errors, process.ExitCode);
    }

    private static string? FindSdkDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "GenieHive.Tests", "Compat", "npm");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
