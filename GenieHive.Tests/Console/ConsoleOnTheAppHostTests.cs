using System.Text.RegularExpressions;
using GenieHive.Tests.AppHost;
using GenieHive.Tests.Scenarios.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GenieHive.Tests.Console;

/// <summary>
/// Issue 19's "done when", on the topology <c>dotnet run --project GenieHive.AppHost</c> starts: sign in at
/// <c>/console</c>, see the two simulated hosts, their models and live signals, and read why <c>mentor</c> goes where
/// it goes, without reading JSON.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConsoleOnTheAppHostTests(ClusterFixture cluster, ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task ANewUserSeesBothSimulatedHostsAndCanExplainWhyMentorGoesWhereItGoes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var tab = await browser.OpenAsync(cluster.FacadeBaseAddress);
        var page = tab.Page;
        for (var i = 0; i < 8; i++)
        {
            using var request = Chat.Request("mentor", stream: true, maxTokens: 24);
            using var response = await cluster.Facade.SendAsync(request, ct);
            await response.Content.ReadAsStringAsync(ct);
        }

        await tab.SignInAsync(ClusterFixture.ClientKey);

        await Expect(tab.Row("What is loaded where", "alpha-chat")).ToContainTextAsync("qwen3-sim-8b");
        await Expect(tab.Row("What is loaded where", "beta-chat")).ToContainTextAsync("mistral-sim-7b");
        await Expect(tab.Row("What is loaded where", "alpha-embed")).ToContainTextAsync("sim-embed-small");
        await tab.ScreenshotAsync("console-cluster");

        await page.GetByRole(AriaRole.Link, new() { Name = "Hosts", Exact = true }).ClickAsync();
        await Expect(tab.Row("Hosts", "alpha")).ToContainTextAsync("Alpha (simulated, fast)");
        await Expect(tab.Row("Hosts", "beta").Locator("[data-host-state]")).ToHaveAttributeAsync("data-host-state", "online");
        await tab.ScreenshotAsync("console-hosts");

        // Live signals under traffic: the mentor requests are measured by the facade, and each update adds a reading.
        await using (Traffic.Start(cluster.Facade, "mentor", clients: 2))
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Services", Exact = true }).ClickAsync();
            await Expect(tab.Table("Services and their live signals")).ToContainTextAsync("measured");
            await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex(@"^p50 ms of alpha-chat, last ([4-9]|\d\d) readings") })).ToBeVisibleAsync();
            await tab.ScreenshotAsync("console-services");
        }

        await page.GotoAsync("/console/routes?model=mentor");
        await Expect(page.Locator("#route-verdict")).ToHaveTextAsync(new Regex(@"^mentor → (alpha|beta)-chat on host (alpha|beta), as model qwen3-sim-8b$"));
        await Expect(tab.Row("Ranked candidates", "alpha-chat")).ToBeVisibleAsync();
        await Expect(tab.Row("Ranked candidates", "beta-chat")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List).Filter(new() { HasText = "is a role" })).ToContainTextAsync("Preferred model families, in order: qwen3, mistral");
        await tab.ScreenshotAsync("console-routes");

        await page.GotoAsync("/console/requests");
        await Expect(tab.Table("Recent requests")).ToContainTextAsync("role mentor · scored, 2 candidates");
        await tab.ScreenshotAsync("console-requests", fullPage: false);

        // A benchmark run from the console, watched to its end: the fast host answers three short cases in a few seconds.
        await page.GetByRole(AriaRole.Link, new() { Name = "Benchmarks", Exact = true }).ClickAsync();
        await page.GetByLabel("Workload").SelectOptionAsync("chat.short_reasoning");
        await page.GetByLabel("Service", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Target name").SelectOptionAsync("alpha-chat");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
        await Expect(page.Locator("#bench-outcome")).ToContainTextAsync("against service alpha-chat (1 service, 3 cases each)");
        var services = page.GetByRole(AriaRole.Region, new() { NameRegex = new Regex("^Services of run_") }).GetByRole(AriaRole.Table);
        await Expect(services).ToContainTextAsync("3/3 done, 3 passed", new() { Timeout = 60_000 });
        await Expect(services).ToContainTextAsync("100%");
        await Expect(page.GetByRole(AriaRole.Region, new() { NameRegex = new Regex("^Cases of run_") })).ToContainTextAsync("pass");
        await tab.ScreenshotAsync("console-benchmarks");
        tab.AssertClean();
    }
}
