using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;

namespace GenieHive.Tests.Keys;

/// <summary>The shared key rules: the named key format, the model globs, the scope rule for the operator API, and the directory lookup.</summary>
public sealed class KeyRulesTests
{
    [Theory]
    [InlineData("mentor", "mentor", true)]
    [InlineData("mentor", "mentors", false)]
    [InlineData("qwen*", "qwen2.5-7b", true)]
    [InlineData("qwen*", "qwen", true)]
    [InlineData("*-chat", "hive-chat", true)]
    [InlineData("*-chat", "hive-chatty", false)]
    [InlineData("h?ve", "hive", true)]
    [InlineData("h?ve", "hve", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("Mentor", "mentor", false)]
    public void ModelGlobsMatchTheNameAsSent(string glob, string model, bool expected) =>
        Assert.Equal(expected, new ModelAllowlist([glob]).Allows(model));

    [Fact]
    public void AnEmptyAllowlistAllowsEveryModel() => Assert.True(ModelAllowlist.Everything.Allows("anything"));

    [Theory]
    [InlineData("GET", "/v1/cluster/hosts", KeyScope.OperatorRead)]
    [InlineData("HEAD", "/v1/cluster/hosts", KeyScope.OperatorRead)]
    [InlineData("POST", "/v1/cluster/routes/match", KeyScope.OperatorRead)]
    [InlineData("POST", "/v1/cluster/benchmarks/runs", KeyScope.OperatorWrite)]
    [InlineData("DELETE", "/v1/cluster/benchmarks/runs/r1", KeyScope.OperatorWrite)]
    [InlineData("POST", "/v1/cluster/benchmarks", KeyScope.OperatorWrite)]
    public void OperatorRequestsNeedReadOrWrite(string method, string path, KeyScope expected) =>
        Assert.Equal(expected, KeyScopes.ForOperatorRequest(method, path));

    [Theory]
    [InlineData("")]
    [InlineData("gh-0123456789abcdef-")]
    [InlineData("gh-0123456789ABCDEF-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gx-0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gh-0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("gh-0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gh-0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void KeysOutsideTheFormatAreNeverLookedUp(string key) => Assert.False(NamedKeyFormat.TryParse(key, out _, out _));

    [Fact]
    public void TheDirectoryResolvesOnlyTheIssuedSecretOfAnEnabledKey()
    {
        var secret = new byte[32];
        Random.Shared.NextBytes(secret);
        var hasher = new KeyHasher(secret);
        var id = NamedKeyFormat.NewId();
        var keySecret = NamedKeyFormat.NewSecret();
        var directory = NamedKeyDirectory.Build(new KeyTable(7, Convert.ToBase64String(secret),
        [
            new KeyTableEntry
            {
                Id = id, Name = "app", Hash = Convert.ToBase64String(hasher.Hash(keySecret)), Scopes = ["inference"], Models = ["hive-*"], RequestsPerMinute = 5,
            },
        ]));

        var key = NamedKeyFormat.Compose(id, keySecret);
        var identity = directory.Resolve(key);
        Assert.NotNull(identity);
        Assert.Equal(id, identity.Id);
        Assert.True(identity.Has(KeyScope.Inference));
        Assert.False(identity.Has(KeyScope.OperatorRead));
        Assert.Equal(5, identity.RequestsPerMinute);
        Assert.Null(directory.Resolve(NamedKeyFormat.Compose(id, NamedKeyFormat.NewSecret())));
        Assert.Null(directory.Resolve(NamedKeyFormat.Compose(NamedKeyFormat.NewId(), keySecret)));
        Assert.Null(NamedKeyDirectory.Empty.Resolve(key));
    }
}
