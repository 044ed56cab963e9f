using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace GenieHive.Fuzz;

/// <summary>The ways bench/fuzz.sh runs a target.</summary>
internal static class FuzzCommands
{
    /// <summary>An input that takes longer than this is a hang (a parser of a few KB has no business taking it).</summary>
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(2);

    public static int List()
    {
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine(target.Name + "\t" + target.Describes);
        }

        return 0;
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: GenieHive.Fuzz list | afl <target> | run <target> <file> | mutate <target> <corpus-dir> <seconds> <output-dir>");
        return 64;
    }

    /// <summary>Under afl-fuzz: SharpFuzz's fork server feeds inputs; an exception is a crash AFL++ records.</summary>
    public static int Afl(string name)
    {
        var target = Find(name);
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    }

    /// <summary>Replays one input (a crash AFL++ or the driver saved): prints the exception, exit code 1.</summary>
    public static int RunOne(string name, string file)
    {
        try
        {
            Find(name).Run(File.ReadAllBytes(file));
            Console.WriteLine("ok");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine(ex);
            return 1;
        }
    }

    /// <summary>
    /// Mutates the corpus for <paramref name="seconds"/> (bit and byte flips, interesting bytes, inserts, deletions,
    /// splices, truncation), running each input in process; saves crashes and hangs to <paramref name="output"/>.
    /// Not coverage-guided: the fallback when AFL++ cannot run.
    /// </summary>
    public static int Mutate(string name, string corpus, double seconds, string output)
    {
        var target = Find(name);
        Directory.CreateDirectory(output);
        var inputs = Directory.GetFiles(corpus).Select(File.ReadAllBytes).ToList();
        if (inputs.Count == 0)
        {
            inputs.Add([]);
        }

        var random = new Random(20);
        var stopwatch = Stopwatch.StartNew();
        long runs = 0, crashes = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            var input = Mutator.Mutate(inputs[random.Next(inputs.Count)], inputs[random.Next(inputs.Count)], random);
            runs++;
            var run = Task.Run(() => target.Run(input));
            Task.WhenAny(run, Task.Delay(HangAfter)).GetAwaiter().GetResult();
            if (!run.IsCompleted)
            {
                Save(output, "hang", input);
                Console.WriteLine(name + ": HANG after " + runs + " runs (input saved); stopping");
                return 2;
            }

            if (run.Exception?.InnerException is { } ex)
            {
                var kind = ex.GetType().Name + ":" + ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
                if (seen.Add(kind))
                {
                    crashes++;
                    var file = Save(output, "crash", input);
                    Console.WriteLine(name + ": CRASH " + ex.GetType().FullName + ": " + ex.Message + " (" + file + ")");
                }
            }
            else if (input.Length < 64 * 1024 && random.Next(50) == 0)
            {
                // Keep a few passing inputs as seeds for more mutation (a crude stand-in for coverage feedback).
                inputs.Add(input);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {runs} inputs in {stopwatch.Elapsed.TotalSeconds:F0} s, {crashes} distinct crashes, 0 hangs"));
        return crashes == 0 ? 0 : 1;
    }

    private static FuzzTarget Find(string name) =>
        FuzzTargets.All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException("Unknown target '" + name + "'.");

    private static string Save(string output, string kind, byte[] input)
    {
        var file = Path.Combine(output, kind + "-" + Convert.ToHexStringLower(SHA1.HashData(input))[..12]);
        File.WriteAllBytes(file, input);
        return file;
    }
}

/// <summary>Byte-level mutations in the manner of AFL's havoc stage.</summary>
internal static class Mutator
{
    private static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']',
        (byte)':', (byte)',', (byte)'\n', (byte)'\r', (byte)'-', (byte)'#', (byte)' ', 0xC3, 0xED, 0xF4];

    private static readonly byte[][] Tokens =
    [
        "\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "1e400"u8.ToArray(), "data: "u8.ToArray(), "\r\n\r\n"u8.ToArray(),
        "--fuzzboundary\r\n"u8.ToArray(), "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n"u8.ToArray(),
        "&anchor "u8.ToArray(), "*anchor"u8.ToArray(), "!!binary "u8.ToArray(), "NaN"u8.ToArray(), "+Inf"u8.ToArray(), "{le=\""u8.ToArray(),
        "roles:\n  - role_id: x\n"u8.ToArray(), "\"reasoning_content\":"u8.ToArray(),
    ];

    public static byte[] Mutate(byte[] input, byte[] other, Random random)
    {
        var bytes = new List<byte>(input);
        var rounds = 1 << random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 4 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(32));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 5 when other.Length > 0:
                    var from = random.Next(other.Length);
                    bytes.InsertRange(at, other.Skip(from).Take(1 + random.Next(64)));
                    break;
                case 6 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }
}
