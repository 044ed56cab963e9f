using GenieHive.NodeAgent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent.Fakes;

/// <summary>Ways to stand up the node agent in a test.</summary>
public static class AgentHarness
{
    /// <summary>
    /// The agent's services from its real composition, without starting its loops: tests call the
    /// monitor and the session themselves.
    /// </summary>
    public static ServiceProvider BuildServices(IDictionary<string, string?> settings, TimeProvider? timeProvider = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(WithTestDefaults(settings));
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.AddNodeAgentServices();
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        return builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A generic host with the agent's composition (no web server), to observe what happens at start.</summary>
    public static IHost BuildHost(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(WithTestDefaults(settings));
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.AddNodeAgentServices();
        return builder.Build();
    }

    /// <summary>The whole agent in-process (its loops run), configured by <paramref name="settings"/>.</summary>
    public static WebApplicationFactory<NodeAgentMarker> CreateFactory(IDictionary<string, string?> settings, TimeProvider? timeProvider = null) =>
        new WebApplicationFactory<NodeAgentMarker>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in WithTestDefaults(settings))
            {
                web.UseSetting(key, value);
            }

            if (timeProvider is not null)
            {
                web.ConfigureTestServices(services => services.AddSingleton(timeProvider));
            }
        });

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Testing.Eventually.UntilAsync(condition, what, timeout ?? TimeSpan.FromSeconds(20));

    /// <summary>
    /// Drives the agent's loops on fake time: advances one <paramref name="step"/>, then gives the loops (and the real
    /// HTTP they do) up to two seconds to make <paramref name="condition"/> true, and so on. One step at a time, so that
    /// fake time never runs far ahead of a call in flight.
    /// </summary>
    public static Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, string what, int maxSteps = 25) =>
        AdvanceUntilAsync(time, step, () => Task.FromResult(condition()), what, maxSteps);

    /// <inheritdoc cref="AdvanceUntilAsync(FakeTimeProvider, TimeSpan, Func{bool}, string, int)"/>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<Task<bool>> condition, string what, int maxSteps = 25)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            if (await condition())
            {
                return;
            }

            time.Advance(step);
            if (await Testing.Eventually.WithinAsync(condition, Testing.Eventually.Seconds(2)))
            {
                return;
            }
        }

        Assert.Fail($"After {maxSteps} steps of {step.TotalSeconds} s of fake time, still waiting for {what}.");
    }

    // Zero-configuration probing of the machine's real ports is never wanted unless a test asks for it.
    private static Dictionary<string, string?> WithTestDefaults(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        all.TryAdd("GenieHive:Node:AutoDiscover", "false");
        all.TryAdd("GenieHive:Node:ProbeTimeoutSeconds", "5");
        return all;
    }
}
