using GenieHive.Facade.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Facade;

/// <summary>The fixed-width key compare: exactly the configured keys pass, by either header.</summary>
public sealed class ClientKeysTests
{
    internal static readonly string LongestKey = new('k', ClientKeys.MaxKeyChars);

    [Theory]
    [InlineData("alpha-key", true)]
    [InlineData("alpha-key-2", true)]
    [InlineData("clé-ünïcode-🐝", true)]
    [InlineData("alpha-ke", false)]
    [InlineData("alpha-key-", false)]
    [InlineData("alpha-key-22", false)]
    [InlineData("ALPHA-KEY", false)]
    [InlineData("alpha-key\0", false)]
    [InlineData("clé-ünïcode-", false)]
    [InlineData("x", false)]
    public void OnlyAConfiguredKeyPasses(string presented, bool expected)
    {
        var keys = Keys("alpha-key", "alpha-key-2", "clé-ünïcode-🐝", LongestKey);

        Assert.Equal(expected, keys.IsAuthorized(WithApiKey(presented)));
        Assert.Equal(expected, keys.IsAuthorized(WithBearer(presented)));
    }

    [Fact]
    public void TheLongestAllowedKeyPassesAndOneCharMoreDoesNot()
    {
        var keys = Keys("alpha-key", LongestKey);

        Assert.True(keys.IsAuthorized(WithApiKey(LongestKey)));
        Assert.False(keys.IsAuthorized(WithApiKey(LongestKey + "k")));
        Assert.False(keys.IsAuthorized(WithApiKey(LongestKey[..^1])));
    }

    [Fact]
    public void NoHeaderOrAnEmptyKeyIsRefused()
    {
        var keys = Keys("alpha-key");

        Assert.False(keys.IsAuthorized(new DefaultHttpContext().Request));
        Assert.False(keys.IsAuthorized(WithApiKey("")));
        Assert.False(keys.IsAuthorized(WithBearer("   ")));
    }

    private static ClientKeys Keys(params string[] keys) =>
        new(Options.Create(new AuthOptions { ClientApiKeys = keys }));

    private static HttpRequest WithApiKey(string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Api-Key"] = key;
        return context.Request;
    }

    private static HttpRequest WithBearer(string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + key;
        return context.Request;
    }
}
