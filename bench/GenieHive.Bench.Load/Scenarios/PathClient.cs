using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using GenieHive.Bench.Load.Http;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// One client of one path: a keep-alive connection to <see cref="Target"/> (reopened after an error or a close) and
/// what its measured requests took. The load loops decide when to send and whether a request counts.
/// </summary>
internal sealed class PathClient(Target target) : IDisposable
{
    private HttpConnection? _connection;

    public Target Target { get; } = target;

    public LatencySamples Latency { get; } = new(1024);

    public LatencySamples FirstContent { get; } = new(64);

    public int Errors { get; private set; }

    public int MissingContent { get; private set; }

    public string? FirstError { get; private set; }

    public long FirstStart { get; private set; } = long.MaxValue;

    public long LastEnd { get; private set; } = long.MinValue;

    /// <summary>
    /// Sends the target's request once and waits for the whole response. Recorded when <paramref name="measuring"/>
    /// and the response ended by <paramref name="stopAt"/>; false when it ended after that (the caller stops).
    /// </summary>
    public async Task<bool> SendAsync(bool measuring, long stopAt, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await HttpConnection.OpenAsync(Target.EndPoint, cancellationToken);
            var exchange = await _connection.SendAsync(Target.Request, Target.Streaming, cancellationToken);
            if (!exchange.KeepAlive)
            {
                _connection.Dispose();
                _connection = null;
            }

            if (!measuring)
            {
                return true;
            }

            if (exchange.Ended > stopAt)
            {
                return false;
            }

            Record(exchange);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
        {
            Errors++;
            FirstError ??= ex.GetType().Name + " from " + Target.Name + ": " + ex.Message;
            _connection?.Dispose();
            _connection = null;
        }

        return true;
    }

    /// <summary>What the clients of one path measured, together, as one <see cref="LoadResult"/>.</summary>
    public static LoadResult Merge(IReadOnlyCollection<PathClient> clients)
    {
        var latency = new LatencySamples(clients.Sum(c => c.Latency.Count));
        var firstContent = new LatencySamples(clients.Sum(c => c.FirstContent.Count));
        long firstStart = long.MaxValue, lastEnd = long.MinValue;
        foreach (var client in clients)
        {
            latency.AddRange(client.Latency);
            firstContent.AddRange(client.FirstContent);
            firstStart = Math.Min(firstStart, client.FirstStart);
            lastEnd = Math.Max(lastEnd, client.LastEnd);
        }

        return new LoadResult(
            latency,
            firstContent,
            clients.Sum(c => c.Errors),
            clients.Sum(c => c.MissingContent),
            clients.Select(c => c.FirstError).FirstOrDefault(e => e is not null),
            firstStart == long.MaxValue ? 0 : (lastEnd - firstStart) / (double)Stopwatch.Frequency);
    }

    public void Dispose() => _connection?.Dispose();

    private void Record(Exchange exchange)
    {
        if (exchange.Status != 200)
        {
            Errors++;
            FirstError ??= "HTTP " + exchange.Status.ToString(CultureInfo.InvariantCulture) + " from " + Target.Name;
            return;
        }

        Latency.AddTicks(exchange.ElapsedTicks);
        if (Target.Streaming)
        {
            if (exchange.FirstContentAt == 0)
            {
                MissingContent++;
            }
            else
            {
                FirstContent.AddTicks(exchange.FirstContentTicks);
            }
        }

        FirstStart = Math.Min(FirstStart, exchange.Started);
        LastEnd = Math.Max(LastEnd, exchange.Ended);
    }
}
