using System.Data;
using System.Data.Common;

namespace GenieHive.Control.Storage;

/// <summary>Parameters in the form both providers bind: <c>@name</c> in the SQL, a <see cref="DbType"/> on the value.</summary>
public static class DbCommands
{
    /// <summary>A command on <paramref name="connection"/> inside <paramref name="transaction"/> (when given).</summary>
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Adds a parameter of <paramref name="type"/> to set per row (<paramref name="name"/> with its <c>@</c>).</summary>
    public static DbParameter Add(this DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a parameter with its value; null is stored as SQL NULL.</summary>
    public static DbParameter Add(this DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.Add(name, type);
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }
}
