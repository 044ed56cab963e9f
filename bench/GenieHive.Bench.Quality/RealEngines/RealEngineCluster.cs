using System.Diagnostics;
using System.Globalization;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Quality.Cluster;

namespace GenieHive.Bench.Quality.RealEngines;

/// <summary>
/// Real llama-servers on an arm's control plane: each started fresh by <c>tools/real-engines/start.sh</c> (so its
/// prompt cache is cold), and a node agent that discovers them as llama-servers (slots, queues) under the service ids
/// <c>real-0</c>, <c>real-1</c>, ... Ready when the facade has measured and routes to every one. Stopped (agent first)
/// on dispose.
/// </summary>
internal sealed class RealEngineCluster : IAsyncDisposable
{
    private readonly RunProcesses _processes;
    private readonly List<int> _enginePids = [];
    private ManagedProcess? _agent;

    private RealEngineCluster(RunProcesses processes)
    {
        _processes = processes;
    }

    public List<string> ServiceIds { get; } = [];

    public static async Task<RealEngineCluster> StartAsync(
        QualitySettings settings, string enginesDir, ControlPlane plane, RunProcesses processes, string workDir, string model, int count, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var cluster = new RealEngineCluster(processes);
        try
        {
            using var readiness = new ClusterReadiness(processes, workDir);
            var ports = new LoopbackPorts();
            var services = new List<(string, string)>();
            for (var i = 0; i < count; i++)
            {
                var port = ports.Next().Port;
                cluster._enginePids.Add(await StartEngineAsync(settings.RepoRoot, enginesDir, port, model, cancellationToken));
                var serviceId = "real-" + i.ToString(CultureInfo.InvariantCulture);
                cluster.ServiceIds.Add(serviceId);
                services.Add((serviceId, "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)));
            }

            var agentArgs = ScenarioEngines.NodeAgentArguments(settings, plane, LoopbackPorts.Url(ports.Next()), "real-engines", services);
            cluster._agent = processes.Start("nodeagent", LoopbackPorts.ReleaseDll(settings.RepoRoot, "GenieHive.NodeAgent", "GenieHive.NodeAgent"), agentArgs, readiness.LogPath("nodeagent"));
            await readiness.ServicesReadyAsync(plane.Facade, cluster.ServiceIds.ToDictionary(id => id, _ => 1, StringComparer.Ordinal), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one llama-server with <paramref name="model"/> (small.gguf under that alias); returns its pid once it answers.</summary>
    private static async Task<int> StartEngineAsync(string repo, string enginesDir, int port, string model, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(repo, "tools", "real-engines", "start.sh"), enginesDir, "chat", port.ToString(CultureInfo.InvariantCulture), model, model + ".gguf" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var script = Process.Start(start) ?? throw new InvalidOperationException("could not run start.sh");
        var output = await script.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await script.StandardError.ReadToEndAsync(cancellationToken);
        await script.WaitForExitAsync(cancellationToken);
        if (script.ExitCode != 0 || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new InvalidOperationException("llama-server on port " + port.ToString(CultureInfo.InvariantCulture) + " did not start: " + errors.Trim());
        }

        return pid;
    }

    public ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            _processes.Stop(_agent);
        }

        foreach (var pid in _enginePids)
        {
            try
            {
                using var engine = Process.GetProcessById(pid);
                engine.Kill();
                engine.WaitForExit(5_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        return ValueTask.CompletedTask;
    }
}
