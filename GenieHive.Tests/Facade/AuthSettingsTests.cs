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

        var error = await Record.ExceptionAsync(async () =>
        {
            await using var facade = await FacadeHost.StartAsync(
                control, new Dictionary<string, string?> { ["GenieHive:Auth:ClientApiKeys:0"] = blank }, waitForTable: false);
        });

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains("GenieHive:Auth:ClientApiKeys", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FacadeRefusesToStartWithAKeyNoClientCouldPresent()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));

        var error = await Record.ExceptionAsync(async () =>
        {
            await using var facade = await FacadeHost.StartAsync(
                control, new Dictionary<string, string?> { ["GenieHive:Auth:ClientApiKeys:0"] = ClientKeysTests.LongestKey + "k" }, waitForTable: false);
        });

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains("longer than " + ClientKeys.MaxKeyChars, validation.Message, StringComparison.Ordinal);
    }

    private static Exception? Unwrap(Exception? error)
    {
        while (error is AggregateException { InnerException: { } inner })
        {
            error = inner;
        }

        return error;
    }
}
