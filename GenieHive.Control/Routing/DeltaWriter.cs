using System.Buffers;
using System.Text.Json;
using GenieHive.Contracts.Routing;

namespace GenieHive.Control.Routing;

/// <summary>
/// Writes a <see cref="RoutingTableDelta"/> document from a <see cref="TableChange"/>: the changed elements go out as the
/// bytes they were serialized to once, so answering a facade costs a copy of what changed, never a serialization of
/// the table. The property names are the delta contract's (snake_case, as <c>GenieHiveJsonContext</c> reads them).
/// </summary>
internal static class DeltaWriter
{
    public static byte[] Write(string tableId, RoutingTable table, TableChange change)
    {
        var buffer = new ArrayBufferWriter<byte>(checked((int)Math.Min(int.MaxValue, change.UpsertedBytes + 1024)));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("table_id", tableId);
            writer.WriteNumber("from_version", change.FromVersion);
            writer.WriteNumber("version", change.Version);
            writer.WriteNumber("generated_at", table.GeneratedAt);
            writer.WriteString("strategy", table.Strategy);
            writer.WriteNumber("host_timeout_seconds", table.HostTimeoutSeconds);
            Write(writer, "services", "removed_services", change.Services);
            Write(writer, "hosts", "removed_hosts", change.Hosts);
            Write(writer, "roles", "removed_roles", change.Roles);
            Write(writer, "benchmarks", "removed_benchmarks", change.Benchmarks);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, string upsertedName, string removedName, ElementChange change)
    {
        writer.WriteStartArray(upsertedName);
        foreach (var (_, bytes) in change.Upserted)
        {
            writer.WriteRawValue(bytes, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteStartArray(removedName);
        foreach (var key in change.Removed)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
    }
}
