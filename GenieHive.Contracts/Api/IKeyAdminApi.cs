using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Keys;
using Refit;

namespace GenieHive.Contracts.Api;

/// <summary>
/// Control's admin API (scope <c>admin</c>; the facade re-exposes it at the same paths): named keys, the key watch the
/// facades follow, and the audit they report to.
/// </summary>
public interface IKeyAdminApi
{
    [Post("/v1/admin/keys")]
    Task<IApiResponse<KeyView>> CreateKeyAsync([Body] KeyCreateRequest request, CancellationToken cancellationToken = default);

    [Get("/v1/admin/keys")]
    Task<IApiResponse<ListResponse<KeyView>>> ListKeysAsync(CancellationToken cancellationToken = default);

    [Post("/v1/admin/keys/{id}/disable")]
    Task<IApiResponse<KeyView>> DisableKeyAsync(string id, CancellationToken cancellationToken = default);

    [Post("/v1/admin/keys/{id}/enable")]
    Task<IApiResponse<KeyView>> EnableKeyAsync(string id, CancellationToken cancellationToken = default);

    [Post("/v1/admin/keys/{id}/rotate")]
    Task<IApiResponse<KeyView>> RotateKeyAsync(string id, CancellationToken cancellationToken = default);

    [Delete("/v1/admin/keys/{id}")]
    Task<IApiResponse<KeyView>> DeleteKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Long poll: the key table at once when its version differs from <paramref name="after"/>, otherwise the next
    /// version within <paramref name="waitSeconds"/>, or 204.
    /// </summary>
    [Get("/v1/admin/keys/watch")]
    Task<IApiResponse<KeyTable>> WatchKeysAsync(
        [AliasAs("after")] long? after = null,
        [AliasAs("wait")] int? waitSeconds = null,
        CancellationToken cancellationToken = default);

    [Post("/v1/admin/audit")]
    Task<IApiResponse<StatusResponse>> ReportAuditAsync([Body] AuditBatch batch, CancellationToken cancellationToken = default);

    [Get("/v1/admin/audit")]
    Task<IApiResponse<AuditPage>> GetAuditAsync(
        [AliasAs("key_id")] string? keyId = null,
        [AliasAs("limit")] int? limit = null,
        [AliasAs("before")] long? before = null,
        [AliasAs("status")] int? status = null,
        [AliasAs("model")] string? model = null,
        CancellationToken cancellationToken = default);
}
