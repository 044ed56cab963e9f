using Npgsql;

namespace GenieHive.Control.Leadership;

/// <summary>
/// PostgreSQL: a session-level advisory lock held on a dedicated connection (outside the pool, so nothing else runs
/// on it). The lock lives exactly as long as the session: when the connection drops, or the server ends the session,
/// the lock is free for another Control at once and this one knows it lost it on its next check.
/// </summary>
public sealed class PostgresLeaderLock(string connectionString) : ILeaderLock
{
    /// <summary>The advisory lock key of leadership (the schema lock's key plus one).</summary>
    public const long LeaderLockKey = Storage.PostgresStorageEngine.SchemaLockKey + 1;

    /// <summary>
    /// The server ends the lock's session once it is idle this long, which frees the lock of a Control that stopped
    /// checking it (paused, frozen, cut off) while its socket stays open. The elector checks every second, so a leader
    /// loses its lock only after missing four checks in a row (a busy machine's stall), not one.
    /// </summary>
    public static readonly TimeSpan IdleSessionTimeout = TimeSpan.FromSeconds(5);

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        Timeout = 5,
        CommandTimeout = 3,
        ApplicationName = "geniehive-control-leader",
    }.ToString();

    private NpgsqlConnection? _connection;
    private bool _held;

    public bool Hold()
    {
        try
        {
            if (_connection is null)
            {
                _connection = new NpgsqlConnection(_connectionString);
                _connection.Open();
                Execute($"SET idle_session_timeout = {(int)IdleSessionTimeout.TotalMilliseconds};");
            }

            // Holding: any round trip proves the session (and so the lock) is still there.
            _held = _held ? Execute("SELECT TRUE;") : Execute($"SELECT pg_try_advisory_lock({LeaderLockKey});");
            return _held;
        }
        catch (Exception ex) when (SessionFailed(ex))
        {
            // A session that failed once is not trusted again: the lock may already be another Control's.
            Close();
            return false;
        }
    }

    public void Release()
    {
        if (_held)
        {
            try
            {
                // Unlocked before the session ends, so a follower's next try wins without waiting for the server to
                // notice the closed connection.
                Execute($"SELECT pg_advisory_unlock({LeaderLockKey});");
            }
            catch (Exception ex) when (SessionFailed(ex))
            {
                // The session is gone already, and its lock with it.
            }
        }

        Close();
    }

    public void Dispose() => Release();

    private bool Execute(string sql)
    {
        using var command = new NpgsqlCommand(sql, _connection);
        return command.ExecuteScalar() is true;
    }

    /// <summary>
    /// What a broken lock session throws. A session the server ended (its idle timeout) can surface from Npgsql as an
    /// ArgumentOutOfRangeException while the reader consumes the rest of the reply, hiding the server's error (seen on
    /// Npgsql 10.0.3 under load); it means the same thing: the session, and so the lock, is gone.
    /// </summary>
    private static bool SessionFailed(Exception exception) =>
        exception is NpgsqlException or InvalidOperationException or TimeoutException or ArgumentOutOfRangeException;

    private void Close()
    {
        _held = false;
        _connection?.Dispose();
        _connection = null;
    }
}
