using System.Text;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace GenieHive.Simulator.Transcriptions;

/// <summary>
/// Answers <c>/v1/audio/transcriptions</c> like OpenAI's API: the upload is streamed and counted, then the
/// request takes a slot for the configured latency and answers in the asked <c>response_format</c>.
/// </summary>
public sealed partial class TranscriptionsService(
    ModelCatalog catalog,
    SlotPool slots,
    GenerationPacer pacer,
    SimulatorStats stats,
    FaultGate faults,
    ILogger<TranscriptionsService> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        stats.Received(SimEndpoint.Transcriptions);
        var cancellationToken = context.RequestAborted;
        try
        {
            // The upload is counted as it streams, never buffered, so the engine takes files of any size.
            var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeLimit is { IsReadOnly: false })
            {
                sizeLimit.MaxRequestBodySize = null;
            }

            var upload = new TranscriptionUpload();
            var error = await upload.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
            if (error is null && catalog.Find(ModelKind.Transcription, upload.Model!) is null)
            {
                error = OpenAiError.ModelNotFound(upload.Model!);
            }

            if (error is not null)
            {
                stats.Rejected();
                await error.WriteAsync(context).ConfigureAwait(false);
                return;
            }

            var fault = await faults.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
            if (fault.Handled)
            {
                return;
            }

            var slot = await slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var start = pacer.Now();
                slot.Describe(SlotWork.Transcription, 0, 0, false);
                await pacer.WaitLatencyAsync(start, cancellationToken).ConfigureAwait(false);
                if (fault.DropsConnection)
                {
                    context.Abort();
                    return;
                }

                await WriteAsync(context, upload, new Transcript(upload.FileBytes, upload.FileHash)).ConfigureAwait(false);
                stats.Completed();
            }
            finally
            {
                slots.Release(slot);
            }
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            stats.Cancelled();
            LogCancelled(logger);
        }
    }

    private static Task WriteAsync(HttpContext context, TranscriptionUpload upload, Transcript transcript)
    {
        switch (upload.ResponseFormat)
        {
            case "text":
                return WriteTextAsync(context, transcript.Text + "\n", "text/plain; charset=utf-8");
            case "srt":
                return WriteTextAsync(context, transcript.ToSrt(), "application/x-subrip");
            case "vtt":
                return WriteTextAsync(context, transcript.ToVtt(), "text/vtt");
            case "verbose_json":
                var words = upload.TimestampGranularities.Contains("word") ? transcript.Words() : null;
                var verbose = new VerboseTranscription("transcribe", upload.Language ?? "english", transcript.Duration, transcript.Text, transcript.Segments(), words);
                return TypedResults.Json(verbose, SimulatorJson.Context.VerboseTranscription).ExecuteAsync(context);
            default:
                return TypedResults.Json(new TranscriptionJson(transcript.Text), SimulatorJson.Context.TranscriptionJson).ExecuteAsync(context);
        }
    }

    private static async Task WriteTextAsync(HttpContext context, string text, string contentType)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.BodyWriter.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client cancelled a transcription request")]
    private static partial void LogCancelled(ILogger logger);
}
