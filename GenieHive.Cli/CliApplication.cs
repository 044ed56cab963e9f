using System.CommandLine;
using GenieHive.Cli.Commands;

namespace GenieHive.Cli;

/// <summary>
/// The command tree: <c>bench run|list|show|workloads</c>, <c>routes explain|match</c>, <c>cluster</c> and
/// <c>keys create|list|disable|enable|rotate|delete</c>, with the
/// global options <c>--url</c> (env <c>GENIEHIVE_URL</c>, default http://localhost:8800, the facade) and
/// <c>--key</c> (env <c>GENIEHIVE_API_KEY</c>, default dev-key). Exit codes: 0 success, 1 the API refused or could
/// not be reached (or a watched run did not complete), 2 a usage error.
/// </summary>
public static class CliApplication
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>Parses and runs one command line. <paramref name="handler"/> replaces the network (tests).</summary>
    public static async Task<int> RunAsync(
        string[] args,
        CliConsole console,
        Func<string, string?> environment,
        HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default)
    {
        var global = new GlobalOptions(environment, handler);
        var root = new RootCommand("geniehive: benchmark the GenieHive cluster, explain its routes and show its state.");
        root.Options.Add(global.Url);
        root.Options.Add(global.Key);
        root.Subcommands.Add(BenchCommands.Create(global, console));
        root.Subcommands.Add(RoutesCommands.Create(global, console));
        root.Subcommands.Add(ClusterCommand.Create(global, console));
        root.Subcommands.Add(KeysCommands.Create(global, console));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync("error: " + error.Message);
            }

            await console.Error.WriteLineAsync("Run 'geniehive --help' for usage.");
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
    }
}

/// <summary>The options every command shares, and how a command connects with them.</summary>
public sealed class GlobalOptions(Func<string, string?> environment, HttpMessageHandler? handler)
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The facade's address (env {ClusterConnection.UrlVariable}; default {ClusterConnection.DefaultUrl}).",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"The client API key (env {ClusterConnection.KeyVariable}; default {ClusterConnection.DefaultKey}).",
        Recursive = true,
    };

    public ClusterConnection Connect(ParseResult parsed)
    {
        var url = parsed.GetValue(Url) ?? NonEmpty(environment(ClusterConnection.UrlVariable)) ?? ClusterConnection.DefaultUrl;
        var key = parsed.GetValue(Key) ?? NonEmpty(environment(ClusterConnection.KeyVariable)) ?? ClusterConnection.DefaultKey;
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"--url must be an http(s) address, got '{url}'");
        }

        return new ClusterConnection(address, key, handler);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A usage mistake found after parsing (exit code 2).</summary>
public sealed class CliUsageException(string message) : Exception(message);
