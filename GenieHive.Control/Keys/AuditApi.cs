using System.Globalization;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using GenieHive.Control.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Keys;

/// <summary>
/// The metadata-only audit on the admin API (scope <c>admin</c>): <c>POST /v1/admin/audit</c> takes a facade's batch,
/// <c>GET /v1/admin/audit?key_id=&amp;status=&amp;model=&amp;since=&amp;before=&amp;limit=</c> pages it newest first
/// (<c>next_before</c> is the cursor of the next, older page).
/// </summary>
public static class AuditApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxBatchRecords = 10_000;

    /// <summary>Maps the audit endpoints under <c>/v1/admin/audit</c>.</summary>
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/admin/audit", "Audit").RequireScope(KeyScope.Admin);
        group.MapPost("/", ReportAsync);
        group.MapGet("/", Query);
        return group;
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> ReportAsync(
        HttpRequest request, JsonBody body, KeyRegistry keys, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.AuditBatch, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var records = read.Value!.Records;
        if (records is null || records.Count > MaxBatchRecords)
        {
            return Problems.BadRequest($"records must be a list of at most {MaxBatchRecords} audit records.", "records");
        }

        if (records.Any(r => r is null || string.IsNullOrEmpty(r.KeyId) || string.IsNullOrEmpty(r.Endpoint) || r.PromptTokens < 0 || r.CompletionTokens < 0))
        {
            return Problems.BadRequest("Every record needs key_id and endpoint, and non-negative token counts.", "records");
        }

        await keys.RecordAsync(records, cancellationToken);
        return TypedResults.Ok(new StatusResponse("ok"));
    }

    private static Results<Ok<AuditPage>, ProblemHttpResult> Query(HttpContext context, ControlDatabase database)
    {
        var query = context.Request.Query;
        if (!TryNumber<int>(query["limit"], out var limit) || limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {MaxLimit}.", "limit");
        }

        if (!TryNumber<int>(query["status"], out var status))
        {
            return Problems.BadRequest("status must be an HTTP status code.", "status");
        }

        if (!TryNumber<long>(query["before"], out var before))
        {
            return Problems.BadRequest("before must be an audit record id (next_before of the previous page).", "before");
        }

        if (!TryNumber<double>(query["since"], out var since))
        {
            return Problems.BadRequest("since must be Unix seconds.", "since");
        }

        var keyId = query["key_id"].ToString() is { Length: > 0 } k ? k : null;
        var model = query["model"].ToString() is { Length: > 0 } m ? m : null;
        var pageSize = limit ?? DefaultLimit;
        var records = database.Read(connection => KeyStore.QueryAudit(connection, new AuditQuery(keyId, status, model, since, before, pageSize)));
        var next = records.Count == pageSize ? records[^1].Id : (long?)null;
        return TypedResults.Ok(new AuditPage(records, next));
    }

    /// <summary>An optional number in the query: true with null when absent, false when present but not a finite number.</summary>
    private static bool TryNumber<T>(Microsoft.Extensions.Primitives.StringValues text, out T? value)
        where T : struct, System.Numerics.INumber<T>
    {
        value = null;
        if (text.ToString() is not { Length: > 0 } s)
        {
            return true;
        }

        // NaN cannot be bound as a SQLite value, and an infinite bound means nothing: neither is a number here.
        if (!T.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !T.IsFinite(parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }
}
