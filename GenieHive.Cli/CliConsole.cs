namespace GenieHive.Cli;

/// <summary>
/// Where the command line writes: its standard output and error, and whether the output is a terminal (then
/// <c>--watch</c> redraws its progress in place instead of printing each change).
/// </summary>
public sealed class CliConsole(TextWriter output, TextWriter error, bool interactive = false)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Interactive { get; } = interactive;
}

/// <summary>A failure to report as <c>error: ...</c> with exit code 1 (the API refused, or could not be reached).</summary>
public sealed class CliFailure(string message) : Exception(message);
