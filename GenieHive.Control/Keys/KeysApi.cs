using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Keys;

/// <summary>
/// Named keys on the admin API (scope <c>admin</c>; the facade re-exposes it): <c>POST /v1/admin/keys</c> (201 with the
/// raw key, shown once), <c>GET /v1/admin/keys</c> (no secrets), <c>POST .../{id}/disable|enable|rotate</c>,
/// <c>DELETE .../{id}</c>, and the key watch the facades follow (<c>GET /v1/admin/keys/watch?after=V&amp;wait=S</c>).
/// </summary>
public static class KeysApi
{
    public const int DefaultWaitSeconds = 8;
    public const int MaxWaitSeconds = 25;

    /// <summary>Maps the key endpoints under <c>/v1/admin/keys</c>.</summary>
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/admin/keys", "Keys").RequireScope(KeyScope.Admin);

        group.MapPost("/", CreateAsync);
        group.MapGet("/", List);
        group.MapGet("/watch", WatchAsync);
        group.MapPost("/{id}/disable", (string id, KeyRegistry keys, CancellationToken ct) => Answer(id, keys.SetEnabledAsync(id, false, ct)));
        group.MapPost("/{id}/enable", (string id, KeyRegistry keys, CancellationToken ct) => Answer(id, keys.SetEnabledAsync(id, true, ct)));
        group.MapPost("/{id}/rotate", (string id, KeyRegistry keys, CancellationToken ct) => Answer(id, keys.RotateAsync(id, ct)));
        group.MapDelete("/{id}", (string id, KeyRegistry keys, CancellationToken ct) => Answer(id, keys.DeleteAsync(id, ct)));
        return group;
    }

    private static async Task<Results<Created<KeyView>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, JsonBody body, KeyRegistry keys, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.KeyCreateRequest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var (valid, problem, field) = KeyRequestValidator.Validate(read.Value!);
        if (valid is null)
        {
            return Problems.BadRequest(problem!, field);
        }

        var created = await keys.CreateAsync(valid, cancellationToken);
        return TypedResults.Created($"/v1/admin/keys/{created.Id}", created);
    }

    private static Ok<ListResponse<KeyView>> List(KeyRegistry keys) => TypedResults.Ok(new ListResponse<KeyView>(keys.List()));

    private static async Task<Results<Ok<KeyView>, ProblemHttpResult>> Answer(string id, Task<KeyView?> change)
    {
        if (!NamedKeyFormat.IsId(id))
        {
            return UnknownKey(id);
        }

        return await change is { } view ? TypedResults.Ok(view) : UnknownKey(id);
    }

    private static async Task<Results<Ok<KeyTable>, NoContent, ProblemHttpResult>> WatchAsync(
        HttpContext context, KeyRegistry keys, IHostApplicationLifetime lifetime)
    {
        var (poll, problem) = LongPollQuery.Read(context.Request.Query, "key table", DefaultWaitSeconds, MaxWaitSeconds);
        if (problem is not null)
        {
            return problem;
        }

        var (after, wait) = poll;
        if (after is null)
        {
            return TypedResults.Ok(keys.Table);
        }

        // A stopping Control answers its waiters at once instead of holding shutdown.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        KeyTable? table;
        try
        {
            table = await keys.WaitForNewerAsync(after.Value, TimeSpan.FromSeconds(wait), linked.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            table = null;
        }

        return table is null ? TypedResults.NoContent() : TypedResults.Ok(table);
    }

    private static ProblemHttpResult UnknownKey(string id) =>
        Problems.NotFound("Unknown key", $"No key '{id}'.", new Dictionary<string, object?> { ["key_id"] = id });
}
