using System.Threading.Channels;
using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Observations;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Keys;

/// <summary>
/// Audit records waiting for <see cref="AuditReporter"/>: the request path only writes one into a bounded channel (never
/// waits); a full channel drops the record and counts it (<c>geniehive.facade.audit.dropped</c>). Metadata only: no
/// prompt or answer text is ever put in a record.
/// </summary>
public sealed class AuditQueue(IOptions<AuditOptions> options, FacadeTelemetry telemetry)
{
    private readonly Channel<AuditRecord> _records = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(options.Value.MaxPendingRecords) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
        _ => telemetry.AuditDropped.Add(1));

    internal ChannelReader<AuditRecord> Reader => _records.Reader;

    public void Add(AuditRecord record) => _records.Writer.TryWrite(record);

    /// <summary>Records a request the key gate or the limits refused.</summary>
    public void Refused(HttpContext context, ClientIdentity identity, string? model, KeyRefusal refusal, TimeProvider time) =>
        Add(new AuditRecord
        {
            KeyId = identity.Id,
            Model = model,
            Endpoint = context.Request.Path.Value ?? "",
            StatusCode = refusal.StatusCode,
            ErrorCode = refusal.Code,
            RequestId = context.Response.Headers[GenieHiveHeaders.RequestId].ToString(),
            FacadeId = ObservationReporter.ReporterId,
            At = time.UnixSeconds(),
        });
}
