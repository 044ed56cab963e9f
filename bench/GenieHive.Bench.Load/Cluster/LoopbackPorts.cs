using System.Net;
using System.Net.Sockets;

namespace GenieHive.Bench.Load.Cluster;

/// <summary>
/// Free loopback ports for the services a harness starts, each handed out once. Shared with the soak harness
/// (bench/GenieHive.Bench.Soak links this file).
/// </summary>
internal sealed class LoopbackPorts
{
    private readonly HashSet<int> _ports = [];

    /// <summary>
    /// A loopback endpoint nothing listens on. Ports are picked up front and released for the services to bind, so
    /// they come from below the kernel's ephemeral range (32768+), where tests binding port 0 on the same machine
    /// cannot take them in between.
    /// </summary>
    public IPEndPoint Next()
    {
        while (true)
        {
            var port = Random.Shared.Next(21_000, 30_000);
            if (!_ports.Add(port))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return (IPEndPoint)listener.LocalEndpoint;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }

    /// <summary>The base URL of a loopback endpoint (<c>http://127.0.0.1:port</c>).</summary>
    public static string Url(IPEndPoint endPoint) => "http://" + endPoint.ToString();

    /// <summary>The Release build of a project of the repository (what the harness scripts build first).</summary>
    public static string ReleaseDll(string repo, string projectDir, string assembly)
    {
        var path = Path.Combine(repo, projectDir, "bin", "Release", "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build Release first (the bench scripts do): missing " + path);
    }
}
