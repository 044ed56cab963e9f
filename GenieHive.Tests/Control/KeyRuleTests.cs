using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Control;

/// <summary>One key rule for Control and the facade: how a key is presented, compared and limited.</summary>
public sealed class KeyRuleTests
{
    private static readonly string LongestKey = new('k', ApiKeys.MaxKeyChars);

    [Theory]
    [InlineData("GenieHive:Auth:ClientApiKeys:0")]
    [InlineData("GenieHive:Auth:NodeApiKeys:0")]
    public async Task ControlRefusesToStartWithAKeyNoClientCouldPresent(string setting)
    {
        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { [setting] = LongestKey + "k" });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(setting + " is longer than " + ApiKeys.MaxKeyChars, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EitherHeaderMayCarryTheKeyAndConfiguredKeysAreTrimmed()
    {
        var keys = new ApiKeySet([" spaced-key ", LongestKey, ""]);

        Assert.True(keys.IsEnabled);
        Assert.True(keys.Accepts("spaced-key", null));
        Assert.True(keys.Accepts(null, "bearer  spaced-key "));
        Assert.True(keys.Accepts("stale-key", "Bearer " + LongestKey));
        Assert.False(keys.Accepts("stale-key", "Basic spaced-key"));
        Assert.False(keys.Accepts(LongestKey + "k", null));
        Assert.False(keys.Accepts(null, null));
        Assert.False(new ApiKeySet([" "]).IsEnabled);
    }
}
