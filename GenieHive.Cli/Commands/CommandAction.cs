using System.CommandLine;

namespace GenieHive.Cli.Commands;

/// <summary>Runs a command body with the shared error handling: API failures exit 1, usage mistakes 2.</summary>
public static class CommandAction
{
    public static void Set(Command command, CliConsole console, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parsed, cancellationToken) =>
        {
            try
            {
                return await body(parsed, cancellationToken);
            }
            catch (CliFailure ex)
            {
                await console.Error.WriteLineAsync("error: " + ex.Message);
                return CliApplication.Failure;
            }
            catch (CliUsageException ex)
            {
                await console.Error.WriteLineAsync("error: " + ex.Message);
                return CliApplication.UsageError;
            }
        });
}
