using System.Data;
using System.Data.Common;
using System.Globalization;

namespace GenieHive.Control.Storage;

/// <summary>
/// The counters Control keeps in <c>control_state</c> (the routing-table version, the leadership epoch, audit record ids, ...): one row per
/// key, its value a decimal integer as text, read and advanced in the SQL both engines run.
/// </summary>
public static class ControlState
{
    /// <summary>The counter's stored value, 0 when it was never set.</summary>
    public static long Read(DbConnection connection, DbTransaction? transaction, string key)
    {
        using var command = connection.Command(transaction, "SELECT value FROM control_state WHERE key = @key;");
        command.Add("@key", DbType.String, key);
        return command.ExecuteScalar() is string text && long.TryParse(text, CultureInfo.InvariantCulture, out var stored) ? stored : 0;
    }

    /// <summary>
    /// One atomic step on the counter: the larger of (stored + 1) and <paramref name="floor"/>, stored and returned.
    /// On PostgreSQL the row stays locked until the transaction ends, so steps of concurrent Controls queue up.
    /// </summary>
    public static long Advance(DbConnection connection, DbTransaction transaction, string key, long floor = 1) =>
        Reserve(connection, transaction, key, 1, floor - 1);

    /// <summary>
    /// Reserves <paramref name="count"/> numbers in one atomic step and returns the first: the counter moves to the
    /// larger of its stored value and <paramref name="floor"/>, plus <paramref name="count"/>. The row stays locked
    /// until the transaction ends, as with <see cref="Advance"/>, so concurrent Controls get disjoint blocks.
    /// </summary>
    public static long Reserve(DbConnection connection, DbTransaction transaction, string key, long count, long floor = 0)
    {
        using var command = connection.Command(transaction, """
            INSERT INTO control_state (key, value) VALUES (@key, CAST(@floor + @count AS TEXT))
            ON CONFLICT (key) DO UPDATE SET value = CAST(
                CASE WHEN CAST(control_state.value AS BIGINT) > @floor THEN CAST(control_state.value AS BIGINT) ELSE @floor END + @count AS TEXT)
            RETURNING value;
            """);
        command.Add("@key", DbType.String, key);
        command.Add("@floor", DbType.Int64, floor);
        command.Add("@count", DbType.Int64, count);
        return long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture) - count + 1;
    }

    /// <summary>
    /// True when the counter still holds <paramref name="expected"/>. The check is an UPDATE that changes nothing, so on
    /// PostgreSQL it locks the row until the transaction ends: an <see cref="Advance"/> by another Control waits for
    /// this transaction, and one that committed first makes the check fail (READ COMMITTED re-reads the row).
    /// </summary>
    public static bool HoldsAndLocks(DbConnection connection, DbTransaction transaction, string key, long expected)
    {
        using var command = connection.Command(transaction, "UPDATE control_state SET value = value WHERE key = @key AND value = @value;");
        command.Add("@key", DbType.String, key);
        command.Add("@value", DbType.String, expected.ToString(CultureInfo.InvariantCulture));
        return command.ExecuteNonQuery() == 1;
    }
}
