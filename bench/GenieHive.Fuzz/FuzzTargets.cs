using GenieHive.Contracts.Json;
using System.Text;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Roles;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Transcriptions;
using GenieHive.NodeAgent.Discovery;
using Microsoft.AspNetCore.WebUtilities;

namespace GenieHive.Fuzz;

/// <summary>
/// One parser that sees untrusted bytes, and what it may do with them: return, or throw only the exception its caller
/// turns into a clear refusal. Anything else thrown, or a property broken, is a crash for the fuzzer.
/// </summary>
internal sealed record FuzzTarget(string Name, string Describes, Action<byte[]> Run);

internal static class FuzzTargets
{
    public static readonly FuzzTarget[] All =
    [
        new("json-scanner", "JsonRequestScanner: the facade's one pass over every client JSON body", JsonScanner),
        new("sse-framing", "SseFraming and ReasoningStripper over an engine's event stream, fed in pieces", SseStream),
        new("reasoning-json", "ReasoningStripper over an engine's JSON answer", ReasoningJson),
        new("multipart", "the transcription upload's multipart reading (MultipartReader + TranscriptionForm)", Multipart),
        new("prometheus", "PrometheusText: the node agent's reading of an engine's /metrics", Prometheus),
        new("roles-yaml", "RoleCatalogLoader: Control's roles file", RolesYaml),
        new("workloads-yaml", "WorkloadFileLoader: Control's benchmark workloads file", WorkloadsYaml),
    ];

    private static void JsonScanner(byte[] input)
    {
        var scanned = JsonRequestScanner.Scan(input);
        if (scanned.Error is not null)
        {
            return;
        }

        // A body the scanner accepts can have its model spliced, and the result scans the same with the new model.
        var spliced = ModelSplicer.Splice(input, scanned.ModelStart, scanned.ModelEnd, "upstream/model-é");
        var again = JsonRequestScanner.Scan(spliced);
        if (again.Error is not null || again.Model != "upstream/model-é" || again.Stream != scanned.Stream || again.Messages != scanned.Messages)
        {
            throw new FuzzPropertyException("splicing the model changed what the scanner sees: " + again.Error);
        }
    }

    private static void SseStream(byte[] input)
    {
        // The relay sees the stream in reads of any size: frame it as it would, in pieces cut by the input itself.
        var output = new PooledBuffer();
        var pending = new List<byte>();
        var step = input.Length == 0 ? 1 : input[0] % 17 + 1;
        for (var offset = 0; offset < input.Length || pending.Count > 0; offset += step)
        {
            var final = offset + step >= input.Length;
            pending.AddRange(input.Skip(offset).Take(step));
            var data = pending.ToArray();
            var consumed = 0;
            while (consumed < data.Length)
            {
                var length = SseFraming.FindEventEnd(data.AsSpan(consumed), final);
                if (length < 0)
                {
                    break;
                }

                if (length == 0 || consumed + length > data.Length)
                {
                    throw new FuzzPropertyException("FindEventEnd returned " + length + " for " + (data.Length - consumed) + " bytes");
                }

                ReasoningStripper.WriteEvent(data.AsSpan(consumed, length), output);
                consumed += length;
            }

            pending.RemoveRange(0, consumed);
            if (final)
            {
                break;
            }
        }

        output.Dispose();
    }

    private static void ReasoningJson(byte[] input)
    {
        using var output = new PooledBuffer();
        if (ReasoningStripper.TryStrip(input, output) && JsonUnicode.DocumentProblem(output.Span, 256) is { } problem)
        {
            throw new FuzzPropertyException("stripping wrote something that is not JSON text: " + problem);
        }
    }

    private static void Multipart(byte[] input)
    {
        try
        {
            ReadMultipartAsync(input).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // The endpoint answers these with 400 (TranscriptionsEndpoint.IsMalformed).
        }
    }

    private static async Task ReadMultipartAsync(byte[] input)
    {
        var reader = new MultipartReader("fuzzboundary", new MemoryStream(input)) { BodyLengthLimit = null };
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            if (TranscriptionForm.Describe(section) is { Name: "file", FileName: not null })
            {
                await section.Body.CopyToAsync(Stream.Null);
                continue;
            }

            await TranscriptionForm.ReadFieldAsync(section, 64 * 1024, CancellationToken.None);
        }
    }

    private static void Prometheus(byte[] input)
    {
        var samples = PrometheusText.Parse(Encoding.UTF8.GetString(input));
        PrometheusText.Sum(samples, "llamacpp:requests_processing");
        PrometheusText.SumAsCount(samples, "vllm:num_requests_waiting");
    }

    private static void RolesYaml(byte[] input)
    {
        try
        {
            RoleCatalogLoader.Load(Encoding.UTF8.GetString(input), "fuzz.yaml", 0);
        }
        catch (RoleCatalogException)
        {
            // Control refuses to start with this message: the operator's file to fix.
        }
    }

    private static void WorkloadsYaml(byte[] input)
    {
        try
        {
            WorkloadFileLoader.Load(Encoding.UTF8.GetString(input), "fuzz.yaml", ["chat-short"]);
        }
        catch (WorkloadFileException)
        {
            // As for the roles file: a refusal naming the file and the field.
        }
    }
}

/// <summary>A property a target checks beyond "does not throw" did not hold.</summary>
internal sealed class FuzzPropertyException(string message) : Exception(message);
