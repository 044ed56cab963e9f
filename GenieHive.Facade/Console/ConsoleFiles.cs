using System.Reflection;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Console;

/// <summary>One file of the console, as served.</summary>
internal sealed record ConsoleFile(byte[] Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// The console's files, embedded in the facade's assembly (logical names <c>console/NAME</c>) and read into memory
/// on the first request for any of them, so a facade whose console nobody opens never holds them. Not the
/// static-files middleware: it would bring its file providers and content-type tables into every facade.
/// </summary>
internal static class ConsoleFiles
{
    /// <summary>The single page every console URL answers with.</summary>
    public const string PageName = "index.html";

    private const string ResourcePrefix = "console/";

    private static readonly Lazy<Dictionary<string, ConsoleFile>> s_files = new(Load);

    public static ConsoleFile Page => s_files.Value[PageName];

    public static ConsoleFile? Find(string name) => s_files.Value.GetValueOrDefault(name);

    private static Dictionary<string, ConsoleFile> Load()
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        // One validator for every file: the build's module id changes whenever any of them (or the code) changes.
        var etag = new EntityTagHeaderValue("\"" + assembly.ManifestModule.ModuleVersionId.ToString("N") + "\"");
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            files[name] = new ConsoleFile(Read(assembly, resource), ContentTypeOf(name), etag);
        }

        return files;
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream((int)stream.Length);
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
