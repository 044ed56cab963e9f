using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Tests.Control;
using Microsoft.Data.Sqlite;

namespace GenieHive.Tests.Keys;

/// <summary>
/// Control's admin API in process, on its own SQLite file: bad input is a 400 ProblemDetails naming the field (never a
/// 500), unknown ids 404, a named key's scopes are enforced on Control itself, and only the HMAC is stored.
/// </summary>
public sealed class AdminApiTests(KeyedControlFixture control) : IClassFixture<KeyedControlFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadCreates => new()
    {
        { "{}", "name" },
        { """{"name":"a"}""", "scopes" },
        { """{"name":"a","scopes":[]}""", "scopes" },
        { """{"name":"a","scopes":["root"]}""", "scopes" },
        { """{"name":"a","scopes":["inference"],"models":[""]}""", "models" },
        { """{"name":"a","scopes":["inference"],"requests_per_minute":0}""", "requests_per_minute" },
        { """{"name":"a","scopes":["inference"],"tokens_per_minute":-5}""", "tokens_per_minute" },
        { """{"name":"a","scopes":["inference"],"monthly_token_limit":0}""", "monthly_token_limit" },
        { """{"name":"   ","scopes":["inference"]}""", "name" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateIsA400NamingTheField(string json, string field)
    {
        using var client = Admin();
        using var response = await client.PostAsync("/v1/admin/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    // Issue 20: non-finite and out-of-range numbers in the audit query must be a 400 naming the parameter.
    [Theory]
    [InlineData("since=NaN", "since")]
    [InlineData("since=1e400", "since")]
    [InlineData("since=-1e400", "since")]
    [InlineData("since=Infinity", "since")]
    [InlineData("limit=1e10", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("before=bm90IGEgY3Vyc29y", "before")]
    [InlineData("before=%00%ff", "before")]
    [InlineData("before=1e400", "before")]
    [InlineData("status=NaN", "status")]
    public async Task ABadAuditQueryIsA400NamingTheParameter(string query, string field)
    {
        using var client = Admin();
        using var response = await client.GetAsync("/v1/admin/audit?" + query, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("POST", "/v1/admin/keys", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/v1/admin/keys/0123456789abcdef/disable", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/v1/admin/keys/not-an-id/rotate", null, HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/v1/admin/keys/0123456789abcdef", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/v1/admin/audit?limit=0", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/admin/audit?limit=abc", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/admin/audit?before=x", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/admin/audit?since=yesterday", null, HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/admin/keys/watch?after=x", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", "/v1/admin/audit", """{"records":[{"key_id":"","endpoint":"/v1/x","status_code":200,"at":1}]}""", HttpStatusCode.BadRequest)]
    public async Task BadAdminRequestsAreRefusedWithProblemDetails(string method, string path, string? json, HttpStatusCode expected)
    {
        using var client = Admin();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ANamedKeyHoldsOnlyItsScopesOnControlAndOnlyItsHmacIsStored()
    {
        using var admin = Admin();
        using var created = await admin.PostAsync("/v1/admin/keys",
            new StringContent("""{"name":"reader","scopes":["operator.read"]}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;

        using var reader = control.Factory.CreateClient();
        reader.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, key);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/cluster/hosts", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsJsonAsync("/v1/cluster/routes/match", new { task = "code" }, Ct)).StatusCode);
        using var ingest = await reader.PostAsync("/v1/cluster/benchmarks", new StringContent("""{"samples":[]}""", Encoding.UTF8, "application/json"), Ct);
        var refusal = await ingest.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.Forbidden, ingest.StatusCode);
        Assert.Equal("insufficient_scope", refusal.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        // A wrong secret for a real id, and a well-formed key nobody issued, are both plain 401s.
        using var wrong = control.Factory.CreateClient();
        wrong.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, key[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/cluster/hosts", Ct)).StatusCode);

        var secret = key[(key.LastIndexOf('-') + 1)..];
        using var connection = new SqliteConnection("Data Source=" + control.Factory.DatabasePath + ";Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name || ' ' || secret_hash || ' ' || scopes_json FROM api_keys;";
        var rows = new List<string>();
        using (var rowsReader = await command.ExecuteReaderAsync(Ct))
        {
            while (await rowsReader.ReadAsync(Ct))
            {
                rows.Add(rowsReader.GetString(0));
            }
        }

        Assert.Contains(rows, row => row.StartsWith("reader ", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, row => row.Contains(secret, StringComparison.Ordinal) || row.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryKeyChangeReachesControlsAuthAndTheWatchedTableAtOnce()
    {
        // Control keeps each key's published entry between versions; a change that forgot to refresh it would leave a
        // disabled, rotated or deleted key in force.
        using var admin = Admin();
        async Task<(string Id, string Key)> CreateAsync(string name)
        {
            using var created = await admin.PostAsync("/v1/admin/keys",
                new StringContent("{\"name\":\"" + name + "\",\"scopes\":[\"operator.read\"]}", Encoding.UTF8, "application/json"), Ct);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
            return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
        }

        async Task<HttpStatusCode> ReadWithAsync(string key)
        {
            using var client = control.Factory.CreateClient();
            client.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, key);
            using var response = await client.GetAsync("/v1/cluster/hosts", Ct);
            return response.StatusCode;
        }

        var kept = await CreateAsync("kept");
        var disabled = await CreateAsync("disabled");
        var rotated = await CreateAsync("rotated");
        var deleted = await CreateAsync("deleted");
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(disabled.Key));
        (await admin.PostAsync("/v1/admin/keys/" + disabled.Id + "/disable", null, Ct)).Dispose();
        using var rotation = await admin.PostAsync("/v1/admin/keys/" + rotated.Id + "/rotate", null, Ct);
        var newKey = (await rotation.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        (await admin.DeleteAsync("/v1/admin/keys/" + deleted.Id, Ct)).Dispose();

        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(kept.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithAsync(disabled.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithAsync(rotated.Key));
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(newKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithAsync(deleted.Key));

        var table = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/keys/watch", Ct);
        var ids = table.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains(kept.Id, ids);
        Assert.Contains(rotated.Id, ids);
        Assert.DoesNotContain(disabled.Id, ids);
        Assert.DoesNotContain(deleted.Id, ids);

        (await admin.PostAsync("/v1/admin/keys/" + disabled.Id + "/enable", null, Ct)).Dispose();
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(disabled.Key));
    }

    private HttpClient Admin()
    {
        var client = control.Factory.CreateClient();
        client.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, KeyedControlFixture.ClientKey);
        return client;
    }
}
