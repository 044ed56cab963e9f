using System.Net;

namespace GenieHive.Tests.Control;

/// <summary>Control and the facade never read one configuration section with two meanings.</summary>
public sealed class ConfigurationSectionTests
{
    [Fact]
    public async Task ControlsBodyLimitIsItsOwnSettingNotTheFacadesLimits()
    {
        var body = ControlTestData.JsonContent("{\"task\": \"" + new string('t', 8 * 1024) + "\"}");
        await using var facadeLimitSet = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Limits:MaxRequestBodyBytes"] = "2048" });
        await using var ownLimitSet = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:ControlApi:MaxRequestBodyBytes"] = "2048" });
        using var unaffected = facadeLimitSet.CreateClient();
        using var limited = ownLimitSet.CreateClient();

        using var accepted = await unaffected.PostAsync("/v1/cluster/routes/match", body, TestContext.Current.CancellationToken);
        using var refused = await limited.PostAsync("/v1/cluster/routes/match", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("GenieHive:ControlApi:MaxRequestBodyBytes", (await refused.JsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
