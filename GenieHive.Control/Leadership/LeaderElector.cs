using System.Data.Common;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Leadership;

/// <summary>
/// Elects the one Control among those sharing a database that runs the loops which must run once (lease sweeps,
/// audit retention, scheduled benchmark runs). Every <see cref="Interval"/> it holds or tries the engine's
/// <see cref="ILeaderLock"/>; each win raises the leadership epoch in the database, and the new
/// <see cref="LeaderTerm"/> carries it into fenced writes. A lost lock, or a fenced write refused, ends the term at once.
/// On SQLite the lock is always held, so the one Control leads from start-up.
/// </summary>
public sealed partial class LeaderElector : BackgroundService
{
    /// <summary>How often a follower tries the lock and a leader checks it still holds it.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ControlDatabase _database;
    private readonly ILogger<LeaderElector> _logger;
    private readonly ILeaderLock _lock;
    private LeaderTerm? _term;
    private int _releaseRequested;

    public LeaderElector(IStorageEngine engine, ControlDatabase database, ControlTelemetry telemetry, ILogger<LeaderElector> logger)
    {
        _database = database;
        _logger = logger;
        _lock = engine.CreateLeaderLock();
        telemetry.ObserveLeadership(() => Current?.Epoch ?? 0);
    }

    /// <summary>This Control's term while it leads; null while another Control does (or none can be reached).</summary>
    public LeaderTerm? Current => Volatile.Read(ref _term);

    /// <summary>
    /// Runs a leader's loop step under the current term; nothing when this Control does not lead. A fenced write the
    /// step makes that is refused ends the step quietly: the elector logged it and stepped down, and the new leader
    /// takes the loop over. A step the database failed (restarting, unreachable, a pooled session it ended) is logged
    /// and runs again on its loop's next tick: left to escape, it would end the loop and, with it, the whole Control
    /// (a background service's failure stops the host).
    /// </summary>
    public async Task WhileLeadingAsync(string loop, Func<LeaderTerm, Task> step)
    {
        if (Current is not { } term)
        {
            return;
        }

        try
        {
            await step(term);
        }
        catch (LeadershipLostException)
        {
        }
        catch (DbException ex)
        {
            LogStepFailed(_logger, loop, ex);
        }
    }

    /// <summary>Tries once before the loops start, so a Control alone on its database leads from its first tick.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Campaign();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time whatever clock Control's business runs on: the lock's session times out on the server's clock.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Campaign();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Lets the lock go on a clean stop, so another Control takes over within a second instead of a timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref _term, null) is { } term)
        {
            LogLost(_logger, term.Epoch, "Control is stopping");
        }

        _lock.Dispose();
    }

    /// <summary>One step: win the lock and a new epoch, or check the lock is still held.</summary>
    public void Campaign()
    {
        if (Interlocked.Exchange(ref _releaseRequested, 0) == 1)
        {
            _lock.Release();
        }

        var held = _lock.Hold();
        var term = Current;
        if (!held)
        {
            if (term is not null && Interlocked.CompareExchange(ref _term, null, term) == term)
            {
                LogLost(_logger, term.Epoch, "its lock's connection to the database was lost");
            }

            return;
        }

        if (term is not null)
        {
            return;
        }

        long epoch = 0;
        try
        {
            _database.Write((connection, transaction) => epoch = ControlState.Advance(connection, transaction, LeaderFence.EpochKey));
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Without a stored epoch nothing could be fenced: give the lock back and try again on the next tick.
            _lock.Release();
            LogEpochNotStored(_logger, ex);
            return;
        }

        Volatile.Write(ref _term, new LeaderTerm(epoch, Refused));
        LogBecameLeader(_logger, epoch);
    }

    private void Refused(LeaderTerm term)
    {
        if (Interlocked.CompareExchange(ref _term, null, term) == term)
        {
            // The lock is given back on the loop's thread, which owns its connection.
            Volatile.Write(ref _releaseRequested, 1);
            LogLost(_logger, term.Epoch, "a write under its epoch was refused: another Control was elected since");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Became leader at epoch {Epoch}")]
    private static partial void LogBecameLeader(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost leadership at epoch {Epoch}: {Reason}")]
    private static partial void LogLost(ILogger logger, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The leader's {Loop} failed on the database; it runs again on its next tick")]
    private static partial void LogStepFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Won the leader lock but could not store a new epoch; trying again")]
    private static partial void LogEpochNotStored(ILogger logger, Exception exception);
}
