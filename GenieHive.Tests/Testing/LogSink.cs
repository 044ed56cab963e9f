using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Testing;

/// <summary>One log line (or scope) written by one of the cluster's services.</summary>
public sealed record LogEntry(string App, LogLevel Level, string Category, string Text);

/// <summary>
/// Every log line of every service in a <see cref="TestCluster"/>, in memory instead of on the console: the last warnings go
/// into failure messages, and the key test searches all of it.
/// </summary>
public sealed class LogSink
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IEnumerable<LogEntry> Entries => _entries;

    public void Add(LogEntry entry) => _entries.Enqueue(entry);

    /// <summary>
    /// The last warnings and errors of each service, for a failure message. Per service, because one service's retries
    /// (an agent's circuit breaker, a facade's refused reports) can fill any window of the whole log and hide the one
    /// line that explains them, such as why Control stopped.
    /// </summary>
    public string Tail(int perApp = 12) =>
        string.Join('\n', _entries.Where(e => e.Level >= LogLevel.Warning)
            .GroupBy(e => e.App)
            .SelectMany(app => app.TakeLast(perApp))
            .Select(e => $"[{e.App}] {e.Level} {e.Category}: {e.Text}"));
}

/// <summary>Writes one service's logs (and the scopes it opens) into a <see cref="LogSink"/>.</summary>
public sealed class SinkLoggerProvider(string app, LogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SinkLogger(app, categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(string app, string category, LogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            // Scopes are recorded too: a key must not leak through them either.
            sink.Add(new LogEntry(app, LogLevel.Trace, category, "scope: " + Describe(state)));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception) + " | " + Describe(state) + (exception is null ? "" : " | " + exception);
            sink.Add(new LogEntry(app, logLevel, category, text));
        }

        // The structured values as well as the message: a template may leave a value out of its text.
        private static string Describe<TState>(TState state) =>
            state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(", ", values.Select(pair => pair.Key + "=" + pair.Value))
                : state?.ToString() ?? "";
    }
}
