using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Keys;
using GenieHive.Control.Storage;

namespace GenieHive.Tests.Control.Storage;

/// <summary>Named keys, their monthly usage and the audit on both providers: what is written reads back the same.</summary>
public sealed class KeyStoreTests
{
    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task KeysUsageAndAuditReadBackAsWrittenOnEitherProvider(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        using var database = new ControlDatabase(storage.NewEngine(), TimeProvider.System);
        database.Initialize();
        var key = new StoredKey
        {
            Id = "0123456789abcdef",
            Name = "billing-app",
            Hash = [1, 2, 3, 250],
            Scopes = KeyScope.Inference | KeyScope.OperatorRead,
            Models = ["mentor", "qwen*"],
            RequestsPerMinute = 5,
            TokensPerMinute = null,
            MonthlyTokenLimit = 5_000_000_000,
            Enabled = true,
            CreatedAt = 1772366400.123456,
            RotatedAt = 1772366400.123456,
        };

        database.Write((connection, transaction) =>
        {
            KeyStore.Upsert(connection, transaction, key);
            KeyStore.Upsert(connection, transaction, key with { Enabled = false, RotatedAt = 1772366401.5 });
            KeyStore.AddUsage(connection, transaction, key.Id, "2026-03", 3_000_000_000);
            KeyStore.AddUsage(connection, transaction, key.Id, "2026-03", 7);
            KeyStore.InsertAudits(connection, transaction, [Audit(1, 200, model: "mentor"), Audit(2, 429, model: null)]);
        });
        var secret = "";
        database.Write((connection, transaction) => secret = KeyStore.HashSecret(connection, transaction, "first"));
        database.Write((connection, transaction) => Assert.Equal(secret, KeyStore.HashSecret(connection, transaction, "second")));

        var stored = Assert.Single(database.Read(connection => KeyStore.LoadKeys(connection)));
        Assert.Equal(key with { Enabled = false, RotatedAt = 1772366401.5, Hash = stored.Hash, Models = stored.Models }, stored);
        Assert.Equal(key.Hash, stored.Hash);
        Assert.Equal(key.Models, stored.Models);
        Assert.Equal("first", secret);
        Assert.Equal(3_000_000_007, database.Read(connection => KeyStore.LoadUsage(connection, "2026-03"))[key.Id]);
        Assert.Equal(2, database.Read(KeyStore.LastAuditId));

        var refused = Assert.Single(database.Read(connection => KeyStore.QueryAudit(connection, new AuditQuery(key.Id, 429, null, null, null, 10))));
        Assert.Equal(Audit(2, 429, model: null), refused);
        var page = database.Read(connection => KeyStore.QueryAudit(connection, new AuditQuery(null, null, null, 1772366400.0, Before: 2, Limit: 10)));
        Assert.Equal([1L], page.Select(r => r.Id));
        database.Write((connection, transaction) => Assert.Equal(2, KeyStore.PruneAudit(connection, transaction, cutoff: 1772366500)));
    }

    private static AuditRecord Audit(long id, int status, string? model) => new()
    {
        Id = id,
        KeyId = "0123456789abcdef",
        Model = model,
        Route = model is null ? null : "role",
        Endpoint = "/v1/chat/completions",
        StatusCode = status,
        ErrorCode = status == 429 ? "rate_limit_exceeded" : null,
        PromptTokens = 12,
        CompletionTokens = 3_000_000_000,
        LatencyMs = 12.5,
        At = 1772366400.25 + id,
    };
}
