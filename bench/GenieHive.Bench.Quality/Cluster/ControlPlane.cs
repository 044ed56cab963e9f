using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Quality.Arms;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>
/// One arm's GenieHive, started by hand from the Release build: Control with a new SQLite file and the arm's
/// <c>GenieHive:Routing:Strategy</c> (and settings), and the facade following it. It serves every scenario of the arm:
/// each scenario registers its own engines under its own service ids and model names.
/// </summary>
internal sealed class ControlPlane : IDisposable
{
    private readonly RunProcesses _processes;
    private readonly List<ManagedProcess> _started = [];

    private ControlPlane(RunProcesses processes)
    {
        _processes = processes;
    }

    public Uri Control { get; private set; } = null!;

    public Uri Facade { get; private set; } = null!;

    public static async Task<ControlPlane> StartAsync(QualitySettings settings, ArmDefinition arm, RunProcesses processes, string workDir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var plane = new ControlPlane(processes);
        try
        {
            await plane.StartAllAsync(settings, arm, workDir, cancellationToken);
            return plane;
        }
        catch
        {
            plane.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // The facade stops before the Control it follows.
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _processes.Stop(_started[i]);
        }

        _started.Clear();
    }

    private async Task StartAllAsync(QualitySettings settings, ArmDefinition arm, string workDir, CancellationToken cancellationToken)
    {
        using var readiness = new ClusterReadiness(_processes, workDir);
        var ports = new LoopbackPorts();
        Control = new Uri(LoopbackPorts.Url(ports.Next()));
        Facade = new Uri(LoopbackPorts.Url(ports.Next()));
        _started.Add(_processes.Start("control", LoopbackPorts.ReleaseDll(settings.RepoRoot, "GenieHive.Control", "GenieHive.Control"),
            [
                "--urls", ClusterReadiness.Origin(Control),
                ClusterReadiness.LogTimes,
                "--ConnectionStrings:geniehive=Data Source=" + Path.Combine(workDir, "geniehive.sqlite3"),
                "--GenieHive:Auth:ClientApiKeys:0=" + ClusterReadiness.ClientKey,
                "--GenieHive:Auth:NodeApiKeys:0=" + ClusterReadiness.NodeKey,
                "--GenieHive:Routing:Strategy=" + (arm.Strategy ?? "scored"),
                .. ClusterReadiness.Settings(arm.Control),
                .. ClusterReadiness.Settings(settings.ControlSettings),
            ],
            readiness.LogPath("control")));

        // The facade starts once Control answers: it would otherwise spend its first seconds in backoff.
        await readiness.HealthyAsync(Control, cancellationToken);
        _started.Add(_processes.Start("facade", LoopbackPorts.ReleaseDll(settings.RepoRoot, "GenieHive.Facade", "GenieHive.Facade"),
            [
                "--urls", ClusterReadiness.Origin(Facade),
                ClusterReadiness.LogTimes,
                "--services:control:http:0=" + ClusterReadiness.Origin(Control),
                "--GenieHive:Auth:ClientApiKeys:0=" + ClusterReadiness.ClientKey,
                .. ClusterReadiness.Settings(arm.Facade),
                .. ClusterReadiness.Settings(settings.FacadeSettings),
            ],
            readiness.LogPath("facade")));
        await readiness.HealthyAsync(Facade, cancellationToken);
    }
}
