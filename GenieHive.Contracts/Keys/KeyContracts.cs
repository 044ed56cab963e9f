using System.Text.Json.Serialization;

namespace GenieHive.Contracts.Keys;

/// <summary><c>POST /v1/admin/keys</c>: a named key's powers and limits (all but name and scopes optional; null = no limit).</summary>
public sealed record KeyCreateRequest
{
    public string? Name { get; set; }

    public List<string>? Scopes { get; set; }

    /// <summary>Globs over model names as clients send them; empty or absent = every model.</summary>
    public List<string>? Models { get; set; }

    public int? RequestsPerMinute { get; set; }

    public long? TokensPerMinute { get; set; }

    public long? MonthlyTokenLimit { get; set; }
}

/// <summary>
/// A named key as the admin API shows it: never its hash; its raw <c>key</c> only in the answer that created or rotated
/// it (the one time it is shown).
/// </summary>
public sealed record KeyView
{
    public required string Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    public required string Name { get; init; }

    public required List<string> Scopes { get; init; }

    public required List<string> Models { get; init; }

    public int? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public long? MonthlyTokenLimit { get; init; }

    public required bool Enabled { get; init; }

    /// <summary>Tokens (prompt + completion) this calendar month (UTC), from the facades' audit reports.</summary>
    public required long MonthlyTokensUsed { get; init; }

    /// <summary>Unix seconds.</summary>
    public required double CreatedAt { get; init; }

    /// <summary>Unix seconds; when the secret last changed (creation or rotation).</summary>
    public required double RotatedAt { get; init; }
}

/// <summary>
/// <c>GET /v1/admin/keys/watch?after=V&amp;wait=S</c>: every enabled named key with its hash, and the hash secret, for
/// the facades to check keys locally. Admin scope only (the facades present a configured key).
/// </summary>
public sealed record KeyTable(long Version, string HashSecret, IReadOnlyList<KeyTableEntry> Keys);

/// <summary>One enabled key as the facades hold it.</summary>
public sealed record KeyTableEntry
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>HMAC-SHA-256 of the secret under the hash secret, base64.</summary>
    public required string Hash { get; init; }

    public required List<string> Scopes { get; init; }

    public required List<string> Models { get; init; }

    public int? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public long? MonthlyTokenLimit { get; init; }

    /// <summary>Tokens this month as Control has counted them (reported usage); the facade adds what it has not reported yet.</summary>
    public long MonthlyTokensUsed { get; init; }
}

/// <summary>One inference request as the audit keeps it: metadata only, never prompt or answer text.</summary>
public sealed record AuditRecord
{
    /// <summary>Control's sequence number (0 in a facade's report); the audit pages by it.</summary>
    public long Id { get; init; }

    /// <summary>The named key's id, <c>configured</c> for a configured key, <c>open</c> when auth is off.</summary>
    public required string KeyId { get; init; }

    public string? Model { get; init; }

    /// <summary>How the model matched (<c>role</c>, <c>asset</c>, <c>service</c>, ...); null when it was refused before routing.</summary>
    public string? Route { get; init; }

    public string? ServiceId { get; init; }

    public required string Endpoint { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>The refusal's error code (<c>insufficient_scope</c>, <c>rate_limit_exceeded</c>, ...) when there was one.</summary>
    public string? ErrorCode { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public double LatencyMs { get; init; }

    public string? RequestId { get; init; }

    public string? FacadeId { get; init; }

    /// <summary>Unix seconds.</summary>
    public required double At { get; init; }
}

/// <summary><c>POST /v1/admin/audit</c>: records a facade batched off its request path.</summary>
public sealed record AuditBatch(IReadOnlyList<AuditRecord> Records);

/// <summary><c>GET /v1/admin/audit</c>: a page of records, newest first, and the cursor of the next (older) page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Data, long? NextBefore)
{
    public string Object { get; set; } = "list";
}
