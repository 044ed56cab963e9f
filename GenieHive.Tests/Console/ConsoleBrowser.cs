using System.Collections.Concurrent;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace GenieHive.Tests.Console;

/// <summary>
/// One headless Chromium for the console's browser tests: Debian's <c>chromium</c> driven by Playwright (which cannot
/// download its own browser here). Missing chromium skips those tests with the reason, nothing else.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Where the screenshots for the README go, when set (the tests otherwise take none).</summary>
    public const string ScreenshotsVariable = "GENIEHIVE_CONSOLE_SCREENSHOTS";

    private IPlaywright? _playwright;

    /// <summary><c>GENIEHIVE_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c>; null when neither exists.</summary>
    public static string? ChromiumPath =>
        Environment.GetEnvironmentVariable("GENIEHIVE_CHROMIUM") is { Length: > 0 } path && File.Exists(path) ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : null;

    public static string SkipReason =>
        "Chromium is not installed (apt-get install -y chromium, or set GENIEHIVE_CHROMIUM to a Chromium binary): "
        + "the console's browser tests need it.";

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (ChromiumPath is not { } chromium)
        {
            return;
        }

        // Assertions wait for what a person would see; the machine is shared, so give them time.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // As root Chromium needs --no-sandbox; the rest keeps it from calling home on a closed network.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (its own session storage) on the facade at <paramref name="origin"/>; skips without chromium.</summary>
    public async Task<ConsolePage> OpenAsync(Uri origin)
    {
        Assert.SkipWhen(Browser is null, SkipReason);
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = origin.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        var page = new ConsolePage(context, await context.NewPageAsync(), origin);
        await page.InterceptAsync();
        return page;
    }
}

/// <summary>
/// One tab of the console. Every request the page makes is checked against the facade's origin (any other is
/// recorded and aborted), and every script error and console error is recorded, for <see cref="AssertClean"/>.
/// </summary>
public sealed class ConsolePage(IBrowserContext context, IPage page, Uri origin) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _foreign = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public IPage Page { get; } = page;

    public Uri Origin { get; } = origin;

    internal async Task InterceptAsync()
    {
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme == Origin.Scheme && url.Host == Origin.Host && url.Port == Origin.Port)
            {
                await route.ContinueAsync();
                return;
            }

            _foreign.Enqueue(route.Request.Url);
            await route.AbortAsync();
        });
        Page.PageError += (_, error) => _errors.Enqueue("page error: " + error);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue("console error: " + message.Text);
            }
        };
    }

    /// <summary>Opens the console, signs in with <paramref name="key"/> and waits for the views' menu.</summary>
    public async Task SignInAsync(string key)
    {
        await Page.GotoAsync("/console");
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Console views" })).ToBeVisibleAsync();
    }

    /// <summary>A table by its accessible name (the console labels every table's region and caption).</summary>
    public ILocator Table(string name) => Page.GetByRole(AriaRole.Region, new() { Name = name, Exact = true }).GetByRole(AriaRole.Table);

    /// <summary>The row of <paramref name="table"/> whose row header (its first named cell) is <paramref name="name"/>.</summary>
    public ILocator Row(string table, string name) =>
        Table(table).GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    /// <summary>No axe-core violation on the page as it stands.</summary>
    public async Task AssertAccessibleAsync(string view)
    {
        var result = await Page.RunAxe();
        var violations = string.Join("\n", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"));
        Assert.True(result.Violations.Length == 0, $"Accessibility violations on {view}:\n{violations}");
    }

    /// <summary>
    /// Nothing left the facade's origin and no script failed. Chromium logs every refused fetch as a console error
    /// ("Failed to load resource"); those with an <paramref name="expectedStatuses"/> status are the test's own doing.
    /// </summary>
    public void AssertClean(params int[] expectedStatuses)
    {
        Assert.Empty(_foreign);
        var unexpected = _errors.Where(error => !expectedStatuses.Any(status =>
            error.Contains("Failed to load resource: the server responded with a status of " + status, StringComparison.Ordinal)));
        Assert.Empty(unexpected);
    }

    /// <summary>
    /// Saves a PNG named <paramref name="name"/> (the whole page, or what a laptop screen shows) when
    /// <see cref="ConsoleBrowser.ScreenshotsVariable"/> names a folder.
    /// </summary>
    public async Task ScreenshotAsync(string name, bool fullPage = true)
    {
        if (Environment.GetEnvironmentVariable(ConsoleBrowser.ScreenshotsVariable) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = fullPage });
        }
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
