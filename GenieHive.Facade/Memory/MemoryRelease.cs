using System.Runtime.InteropServices;

namespace GenieHive.Facade.Memory;

/// <summary>
/// Gives free memory back to the operating system: the GC's free regions (an aggressive, compacting collection:
/// the mode .NET provides for an app going idle) and, on glibc, the native heap's free pages (<c>malloc_trim</c>).
/// </summary>
internal static class MemoryRelease
{
    // Not glibc (musl, macOS, Windows): there is no malloc_trim, and the GC part still runs.
    private static bool _nativeTrimAvailable = OperatingSystem.IsLinux();

    public static void Run()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!_nativeTrimAvailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _nativeTrimAvailable = false;
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, and the generator would need unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
