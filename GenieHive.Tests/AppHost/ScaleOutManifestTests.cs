using System.Diagnostics;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.AppHost;

/// <summary>
/// The AppHost's published manifest (<c>--publisher manifest</c>, run as an operator runs it): the scale-out shape has a
/// PostgreSQL executable with a connection string and two Controls on it; the default stays embedded SQLite.
/// </summary>
public sealed class ScaleOutManifestTests
{
    [Fact]
    public async Task ScaleOutPublishesPostgresWithItsConnectionStringAndTwoControlsOnIt()
    {
        var resources = await PublishAsync("--GenieHive:AppHost:ScaleOut=true");

        var postgres = resources["postgres"]!.AsObject();
        Assert.Equal("executable.v0", postgres["type"]!.GetValue<string>());
        Assert.Equal("Host=127.0.0.1;Port=5433;Database=geniehive;Username=postgres", postgres["connectionString"]!.GetValue<string>());
        Assert.Equal("executable.v0", resources["postgres-init"]!["type"]!.GetValue<string>());
        foreach (var control in new[] { "control", "control-2" })
        {
            var env = resources[control]!["env"]!.AsObject();
            Assert.Equal("postgres", env["GenieHive__Storage__Provider"]!.GetValue<string>());
            Assert.Equal("{postgres.connectionString}", env["ConnectionStrings__geniehive"]!.GetValue<string>());
        }

        Assert.NotNull(resources["facade-2"]);

        // Every facade and node agent has both Controls, control-2 second; the Controls and the benchmarker do not.
        foreach (var (name, resource) in resources)
        {
            if (resource!["type"]!.GetValue<string>() != "project.v0")
            {
                continue;
            }

            var env = resource["env"]!.AsObject();
            var hasSecond = env["services__control__http__1"]?.GetValue<string>() == "{control-2.bindings.http.url}";
            Assert.True(hasSecond == (name is "facade" or "facade-2" || env.ContainsKey("GenieHive__Node__HostId")), name + " " + env.ToJsonString());
        }
    }

    [Fact]
    public async Task TheDefaultShapeStaysOneControlOnEmbeddedSqlite()
    {
        var resources = await PublishAsync();

        Assert.Null(resources["postgres"]);
        Assert.Null(resources["control-2"]);
        Assert.Equal("sqlite", resources["control"]!["env"]!["GenieHive__Storage__Provider"]!.GetValue<string>());
    }

    private static async Task<JsonObject> PublishAsync(params string[] settings)
    {
        var output = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"manifest-{Guid.NewGuid():N}", "manifest.json");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GenieHive.AppHost.dll"), "--publisher", "manifest", "--output-path", output, .. settings])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(info)!;
        var log = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await log + await errors);
        try
        {
            return JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!["resources"]!.AsObject();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }
}
