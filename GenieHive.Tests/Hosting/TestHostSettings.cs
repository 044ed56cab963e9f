using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Hosting;

/// <summary>How a test configures a service it hosts: settings that win over its appsettings.json, and an optional fake clock.</summary>
internal static class TestHostSettings
{
    public static void Apply(IWebHostBuilder builder, IDictionary<string, string?> settings, FakeTimeProvider? time)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            if (time is not null)
            {
                services.AddSingleton<TimeProvider>(time);
            }
        });
    }
}
