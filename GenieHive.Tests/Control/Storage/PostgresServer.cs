using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GenieHive.Tests.Control.Storage;

/// <summary>
/// A real, throwaway PostgreSQL 15 (Debian's <c>postgresql-15</c>): <c>initdb</c> in a temp folder and <c>postgres</c>
/// on a free loopback port, run as the <c>postgres</c> user when the tests run as root (PostgreSQL refuses root).
/// One server for the whole test run, started on first use; each test takes a database of its own. Stopped, and its
/// folder deleted, when the test process exits. Tests skip with <see cref="SkipReason"/> where the binaries are missing.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>Where Debian puts the server; <c>GENIEHIVE_POSTGRES_BIN</c> overrides it.</summary>
    public static readonly string BinDirectory =
        Environment.GetEnvironmentVariable("GENIEHIVE_POSTGRES_BIN") is { Length: > 0 } configured ? configured : "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string _folder;
    private readonly bool _asPostgresUser;
    private Process? _server;

    private PostgresServer(string folder, int port, bool asPostgresUser)
    {
        _folder = folder;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>Null when PostgreSQL can run here; otherwise why the PostgreSQL tests are skipped.</summary>
    public static string? SkipReason =>
        File.Exists(Path.Combine(BinDirectory, "postgres")) && File.Exists(Path.Combine(BinDirectory, "initdb"))
            ? null
            : $"PostgreSQL 15 is not installed ({BinDirectory}/postgres is missing; `apt-get install postgresql-15`, as .ci/run does).";

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The one server of this test run.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    /// <summary>
    /// A server of the caller's own, for a test that stops and starts it (the shared one serves tests running beside
    /// it). Stopped and deleted when the test process exits, like the shared one.
    /// </summary>
    public static Task<PostgresServer> StartOwnAsync() => StartAsync();

    /// <summary>Stops the server as an operator's restart does (<c>pg_ctl stop -m fast</c>: sessions cut, data kept).</summary>
    public async Task StopAsync()
    {
        await RunAsPostgresAsync("pg_ctl", ["stop", "-D", DataFolder, "-m", "fast", "-w"]);
        await _server!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts the stopped server again on the same port and data, waiting until it accepts connections.</summary>
    public Task StartAgainAsync() => StartServerAsync();

    /// <summary>A connection string to the server's maintenance database.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        Pooling = false,
    }.ToString();

    /// <summary>Creates an empty database and returns an Npgsql connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"geniehive_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"geniehive-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", folder]);
        }

        var server = new PostgresServer(folder, FreePort(), asPostgresUser);
        await server.RunAsPostgresAsync("initdb", ["-D", server.DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        await server.StartServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAndDelete();
        return server;
    }

    /// <summary>Starts postgres on the data folder and waits until it accepts connections.</summary>
    private async Task StartServerAsync()
    {
        // fsync off: a test database need not survive a power cut, and fsync is most of a commit's cost here.
        _server = Start(
            Path.Combine(BinDirectory, "postgres"),
            ["-D", DataFolder, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _folder,
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=300"]);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_server.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private void StopAndDelete()
    {
        try
        {
            using var stop = Start(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-D", DataFolder, "-m", "immediate", "-w"]);
            stop.WaitForExit(10_000);
            _server?.WaitForExit(10_000);
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the next run uses a new name.
        }
    }

    private Process Start(string program, IReadOnlyList<string> arguments)
    {
        var info = _asPostgresUser ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments]) : new ProcessStartInfo(program, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private Task RunAsPostgresAsync(string program, IReadOnlyList<string> arguments) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, program), .. arguments])
            : RunAsync(Path.Combine(BinDirectory, program), arguments);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
