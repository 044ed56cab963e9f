using System.Net.Http.Json;
using GenieHive.Cli;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Benchmarks;
using static GenieHive.Tests.Benchmarks.BenchmarkCluster;

namespace GenieHive.Tests.Cli;

/// <summary>The command line against a running facade (the same in-process cluster as the run tests).</summary>
[Collection(BenchmarkClusterCollection.Name)]
public sealed class CliTests(BenchmarkCluster cluster)
{
    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?>
        {
            [ClusterConnection.UrlVariable] = cluster.Facade.Url,
            [ClusterConnection.KeyVariable] = ClientKey,
        };
        var exitCode = await CliApplication.RunAsync(args, new CliConsole(output, error), name => environment.GetValueOrDefault(name), cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ geniehive {string.Join(' ', args)}\n{output}{error}");
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task BenchRunWatchFollowsTheRunToTheEndAndShowsTheResults()
    {
        var (exitCode, output, error) = await RunAsync("bench", "run", BuiltInWorkloads.ShortReasoning, "--service", FastChat, "--watch", "--interval", "0.2");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Matches(@"Run run_[0-9a-f]{12} queued: chat\.short_reasoning against service fast-chat \(1 service, 3 cases each\)\.", output);
        Assert.Contains("3/3 cases", output, StringComparison.Ordinal);
        Assert.Contains("Status    completed", output, StringComparison.Ordinal);
        Assert.Contains("SERVICE    HOST       ASSET     STATUS     PASS", output, StringComparison.Ordinal);
        Assert.Matches(@"fast-chat\s+fast-host\s+sim-chat\s+completed\s+100%", output);
        Assert.Matches(@"fast-chat\s+journey-time\s+1\s+pass", output);
    }

    [Fact]
    public async Task BenchShowAndListPrintAFinishedRun()
    {
        var run = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.StructuredJson, ServiceId = FastChat });
        await cluster.WaitForRunAsync(run.Id);

        var show = await RunAsync("bench", "show", run.Id);
        var list = await RunAsync("bench", "list", "--limit", "5");

        Assert.Equal(0, show.ExitCode);
        Assert.Contains($"Run       {run.Id}", show.Output, StringComparison.Ordinal);
        Assert.Contains("Workload  chat.structured_json (chat), 3 cases per service", show.Output, StringComparison.Ordinal);
        // The simulator answers with words, not JSON: every case answered and failed its check.
        Assert.Matches(@"fast-chat\s+order\s+1\s+fail", show.Output);
        Assert.Contains("the answer is not JSON", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("RUN", list.Output, StringComparison.Ordinal);
        Assert.Matches($@"{run.Id}\s+completed\s+chat\.structured_json\s+service fast-chat\s+1\s+1", list.Output);
    }

    [Fact]
    public async Task BenchWorkloadsListsTheBuiltInWorkloads()
    {
        var (exitCode, output, _) = await RunAsync("bench", "workloads");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"chat\.structured_json\s+chat\s+3\s+json_schema\s+builtin", output);
        Assert.Matches(@"embeddings\.similarity\s+embeddings\s+3\s+cosine_ordering\s+builtin", output);
    }

    [Fact]
    public async Task RoutesExplainShowsTheRankedCandidatesWithTheirSignals()
    {
        var run = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, Role = Role });
        await cluster.WaitForRunAsync(run.Id);
        await Tests.Control.ControlTestData.EventuallyAsync(
            async () => (await cluster.Client.GetFromJsonAsync("/v1/cluster/routes/resolve?model=" + Role, GenieHiveJsonContext.Default.ResolveResponse, TestContext.Current.CancellationToken))!.Resolution,
            r => r.Candidates.Count == 2 && r.Candidates[0].ServiceId == FastChat, seconds: 10);

        var (exitCode, output, _) = await RunAsync("routes", "explain", Role);

        Assert.Equal(0, exitCode);
        Assert.Contains("bench-role (chat): role route, strategy scored", output, StringComparison.Ordinal);
        Assert.Contains("A request now goes to fast-chat on fast-host (upstream model sim-chat).", output, StringComparison.Ordinal);
        Assert.Matches(@"#\s+SERVICE\s+HOST\s+SCORE\s+RUNTIME\s+BENCHMARK", output);
        Assert.Matches(@"1\s+fast-chat\s+fast-host\s+0\.\d{4}", output);
        Assert.Matches(@"2\s+slow-chat\s+slow-host\s+0\.\d{4}", output);
        Assert.Contains("fast-chat: service already has a loaded asset", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesMatchScoresRolesAndServices()
    {
        var (exitCode, output, _) = await RunAsync("routes", "match", "answer short questions", "--workload", BuiltInWorkloads.ShortReasoning, "--kind", "chat");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"#\s+TYPE\s+CANDIDATE\s+SCORE", output);
        Assert.Matches(@"role\s+bench-role", output);
        Assert.Matches(@"service\s+fast-chat", output);
    }

    [Fact]
    public async Task ClusterShowsHostsServicesAndRoles()
    {
        var (exitCode, output, _) = await RunAsync("cluster");

        Assert.Equal(0, exitCode);
        Assert.Contains("Hosts 2 (2 online, 0 stale)", output, StringComparison.Ordinal);
        Assert.Matches(@"fast-host\s+Host fast-host\s+127\.0\.0\.1\s+online\s+no", output);
        Assert.Matches(@"slow-chat\s+slow-host\s+chat\s+healthy\s+yes\s+no\s+-", output);
        Assert.Matches(@"fast-embed\s+fast-host\s+embeddings\s+healthy", output);
        Assert.Matches(@"bench-role\s+chat", output);
    }

    [Theory]
    [InlineData("bench", "run", "chat.short_reasoning")]
    [InlineData("bench", "run", "chat.short_reasoning", "--role", "a", "--kind", "chat")]
    [InlineData("bench")]
    [InlineData("routes", "explain")]
    [InlineData("bench", "list", "--limit", "many")]
    [InlineData("frobnicate")]
    public async Task AUsageMistakeExitsWithTwo(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiRefusalExitsWithOneAndSaysWhy()
    {
        var unknown = await RunAsync("bench", "show", "run_000000000000");
        var badKey = await RunAsync("cluster", "--key", "wrong-key");
        var unknownWorkload = await RunAsync("bench", "run", "chat.nope", "--kind", "chat");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("HTTP 404: No benchmark run 'run_000000000000'.", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, badKey.ExitCode);
        Assert.Contains("HTTP 401", badKey.Error, StringComparison.Ordinal);
        Assert.Contains("GENIEHIVE_API_KEY", badKey.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknownWorkload.ExitCode);
        Assert.Contains("Unknown workload 'chat.nope'", unknownWorkload.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableFacadeExitsWithOne()
    {
        var (exitCode, _, error) = await RunAsync("cluster", "--url", "http://127.0.0.1:1");

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot reach http://127.0.0.1:1/", error, StringComparison.Ordinal);
    }
}
