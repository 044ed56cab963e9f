using GenieHive.Facade.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Facade;

/// <summary>Auth can only be off when no key is configured: a blank key stops the facade instead of opening it.</summary>
public sealed class AuthSettingsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task FacadeRefusesToStartWithABlankClientKey(string blank)
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));

        var failure = await FacadeHost.StartFailureAsync(control, new Dictionary<string, string?> { ["GenieHive:Auth:ClientApiKeys:0"] = blank });

        Assert.Contains(nameof(OptionsValidationException), failure, StringComparison.Ordinal);
        Assert.Contains("GenieHive:Auth:ClientApiKeys", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FacadeRefusesToStartWithAKeyNoClientCouldPresent()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));

        var failure = await FacadeHost.StartFailureAsync(control, new Dictionary<string, string?> { ["GenieHive:Auth:ClientApiKeys:0"] = ClientKeysTests.LongestKey + "k" });

        Assert.Contains(nameof(OptionsValidationException), failure, StringComparison.Ordinal);
        Assert.Contains("longer than " + ClientKeys.MaxKeyChars, failure, StringComparison.Ordinal);
    }
}
