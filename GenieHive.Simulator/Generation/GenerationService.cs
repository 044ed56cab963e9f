using System.IO.Pipelines;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Generation;

/// <summary>
/// Runs a chat or text completion like an engine would: validate, check the context, pass the fault gate,
/// wait for the model to be loaded (when models load on demand), wait for a slot (FIFO), reuse what the slot holds
/// of the prompt (prompt cache), then generate on the pacer's schedule, as SSE or as one JSON answer. A client that
/// goes away cancels the generation at once and frees the slot.
/// </summary>
public sealed partial class GenerationService(
    IOptions<SimulatorOptions> options,
    ModelCatalog catalog,
    ModelResidency residency,
    SlotPool slots,
    PromptCache promptCache,
    GenerationPacer pacer,
    EngineCounters counters,
    SimulatorStats stats,
    FaultGate faults,
    ILogger<GenerationService> logger)
{
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(100);

    private readonly int _contextSize = options.Value.ContextSize;
    private readonly int _defaultTokens = options.Value.CompletionTokens;

    public async Task HandleAsync(HttpContext context, GenerationFormat format)
    {
        stats.Received(format.Endpoint);
        var cancellationToken = context.RequestAborted;
        try
        {
            var bodyReader = context.Request.BodyReader;
            var body = await RequestBody.ReadAllAsync(bodyReader, cancellationToken).ConfigureAwait(false);
            OpenAiError? error;
            GenerationRequest request;
            if (RequestBody.IsTooLarge(body))
            {
                error = RequestBody.TooLarge;
                request = default;
            }
            else
            {
                error = GenerationRequest.TryParse(body.Buffer, catalog, format.IsChat, promptCache.Enabled, out request);
            }

            bodyReader.AdvanceTo(body.Buffer.End);
            if (error is not null)
            {
                stats.Rejected();
                await error.WriteAsync(context).ConfigureAwait(false);
                return;
            }

            var tokens = request.MaxTokens ?? _defaultTokens;
            if ((long)request.PromptTokens + tokens > _contextSize)
            {
                stats.Rejected();
                await OpenAiError.WriteExceedContextAsync(context, request.PromptTokens + tokens, request.PromptTokens, _contextSize).ConfigureAwait(false);
                return;
            }

            var fault = await faults.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
            if (fault.Handled)
            {
                return;
            }

            if (await GenerateAsync(context, format, request, tokens, fault, cancellationToken).ConfigureAwait(false))
            {
                stats.Completed();
            }
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            stats.Cancelled();
            LogCancelled(logger, context.Request.Path);
        }
    }

    // The model loaded (when models load on demand), a slot, what the slot holds of the prompt, then the generation.
    private async Task<bool> GenerateAsync(HttpContext context, GenerationFormat format, GenerationRequest request, int tokens, FaultDecision fault, CancellationToken cancellationToken)
    {
        using var lease = await residency.AcquireAsync(request.Model, cancellationToken).ConfigureAwait(false);
        var slot = await slots.AcquireAsync(request.Model, request.PromptIds, cancellationToken).ConfigureAwait(false);
        var reused = 0;
        try
        {
            slot.Describe(SlotWork.Completion, request.PromptTokens, tokens, request.Stream);
            reused = request.PromptIds is { } prompt ? promptCache.Reuse(slot, request.Model, prompt, request.CachePrompt) : 0;
            slot.ReusedTokens = reused;
            counters.SequenceStarted((long)request.PromptTokens + tokens);
            var schedule = pacer.Begin(request.PromptTokens - reused);
            try
            {
                return request.Stream
                    ? await StreamAsync(context, format, request, tokens, reused, slot, schedule, fault, cancellationToken).ConfigureAwait(false)
                    : await AnswerAsync(context, format, request, tokens, reused, slot, schedule, fault, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pacer.End(schedule);
            }
        }
        finally
        {
            if (request.PromptIds is { } prompt)
            {
                RememberPrompt(slot, format, request, prompt, reused);
            }

            slots.Release(slot);
        }
    }

    private async Task<bool> AnswerAsync(
        HttpContext context,
        GenerationFormat format,
        GenerationRequest request,
        int tokens,
        int reused,
        EngineSlot slot,
        GenerationSchedule schedule,
        FaultDecision fault,
        CancellationToken cancellationToken)
    {
        // The answer is ready when its last token would have been streamed.
        await pacer.WaitForTokenAsync(schedule, 0, cancellationToken).ConfigureAwait(false);
        var firstToken = pacer.Since(schedule.Start);
        slot.PromptDone = true;
        // Counted when the prompt is done, as a stream counts it (and llama.cpp's /metrics), not when the answer is.
        var promptTime = pacer.PromptTime(firstToken);
        counters.PromptProcessed(request.PromptTokens - reused, reused, promptTime);
        await pacer.WaitForTokenAsync(schedule, tokens - 1, cancellationToken).ConfigureAwait(false);
        var elapsed = pacer.Since(schedule.Start);
        slot.SetDecoded(tokens);
        counters.TokensPredicted(tokens, elapsed - firstToken);
        if (fault.DropsConnection)
        {
            context.Abort();
            return false;
        }

        var body = PooledJsonResponse.Rent();
        WriteAnswer(body, format, request, tokens, new GenerationTimings(reused, request.PromptTokens - reused, promptTime.TotalMilliseconds, tokens, (elapsed - firstToken).TotalMilliseconds));
        await body.SendAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8").ConfigureAwait(false);
        return true;
    }

    private async Task<bool> StreamAsync(
        HttpContext context,
        GenerationFormat format,
        GenerationRequest request,
        int tokens,
        int reused,
        EngineSlot slot,
        GenerationSchedule schedule,
        FaultDecision fault,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var sse = CreateWriter(response.BodyWriter, format, request.Model, pacer.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
        var reasoning = ReasoningTokens(format, request, tokens);
        var generated = 0;
        var firstToken = TimeSpan.Zero;
        try
        {
            // Headers, the opening chunk and the first token leave together at the time to first token, as
            // llama-server sends nothing before the prompt is processed.
            await pacer.WaitForTokenAsync(schedule, 0, cancellationToken).ConfigureAwait(false);
            firstToken = pacer.Since(schedule.Start);
            slot.PromptDone = true;
            var promptTime = pacer.PromptTime(firstToken);
            counters.PromptProcessed(request.PromptTokens - reused, reused, promptTime);
            if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            format.WriteOpening(sse);
            if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            for (var i = 0; i < tokens; i++)
            {
                if (i > 0)
                {
                    await pacer.WaitForTokenAsync(schedule, i, cancellationToken).ConfigureAwait(false);
                }

                var isReasoning = i < reasoning;
                var token = isReasoning ? TokenText.ReasoningToken(request.PromptHash, i) : TokenText.Token(request.PromptHash, i - reasoning);
                format.WriteToken(sse, token, isReasoning);
                generated++;
                slot.TokenDecoded();
                if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var predictedTime = pacer.Since(schedule.Start) - firstToken;
            var timings = new GenerationTimings(reused, request.PromptTokens - reused, promptTime.TotalMilliseconds, tokens, predictedTime.TotalMilliseconds);
            format.WriteFinish(sse, request.MaxTokens.HasValue, request.IncludeUsage ? null : timings);
            if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (request.IncludeUsage)
            {
                format.WriteUsage(sse, new GenerationUsage(request.PromptTokens, tokens, reused), timings);
                if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            sse.WriteDone();
            if (await DropAsync(context, sse, fault, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await sse.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            counters.TokensPredicted(generated, slot.PromptDone ? pacer.Since(schedule.Start) - firstToken : TimeSpan.Zero);
        }
    }

    // The slot now holds the prompt and what was generated of the answer; a request that ended before its first
    // token leaves only the part it reused (the rest of its prompt may not have been processed).
    private static void RememberPrompt(EngineSlot slot, GenerationFormat format, in GenerationRequest request, TokenSequence prompt, int reused)
    {
        if (slot.PromptDone)
        {
            var generated = Volatile.Read(ref slot.Decoded);
            PromptCache.Remember(slot, request.Model, prompt, request.PromptHash, generated, ReasoningTokens(format, request, slot.TokensToPredict));
        }
        else
        {
            slot.CachedModel = reused > 0 ? request.Model : null;
            slot.CachedTokens = reused > 0 ? prompt.Prefix(reused) : null;
        }
    }

    private void WriteAnswer(PooledJsonResponse body, GenerationFormat format, in GenerationRequest request, int tokens, GenerationTimings timings)
    {
        var reasoning = ReasoningTokens(format, request, tokens);
        Span<byte> id = stackalloc byte[ResponseId.MaxLength];
        var idLength = ResponseId.Write(format.IdPrefix, id);
        format.WriteJson(body.Writer, new GenerationResult
        {
            Id = id[..idLength],
            Created = pacer.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            Model = request.Model,
            Seed = request.PromptHash,
            PromptTokens = request.PromptTokens,
            CachedTokens = timings.CacheTokens,
            ReasoningTokens = reasoning,
            ContentTokens = tokens - reasoning,
            Limited = request.MaxTokens.HasValue,
            Timings = timings,
        });
    }

    private SseWriter CreateWriter(PipeWriter pipe, GenerationFormat format, ServedModel model, long created)
    {
        Span<byte> id = stackalloc byte[ResponseId.MaxLength];
        var idLength = ResponseId.Write(format.IdPrefix, id);
        return new SseWriter(pipe, id[..idLength], created, model, format.ChunkObject);
    }

    // drop_mid_stream: the client gets exactly AfterChunks events, then the connection breaks.
    private async ValueTask<bool> DropAsync(HttpContext context, SseWriter sse, FaultDecision fault, CancellationToken cancellationToken)
    {
        if (!fault.DropsConnection || sse.Events < fault.DropAfterChunks)
        {
            return false;
        }

        if (sse.Events > 0)
        {
            await sse.FlushAsync(cancellationToken).ConfigureAwait(false);

            // Kestrel discards output still queued for the socket when a connection is aborted; a moment's grace
            // lets the flushed events reach the client first, so it sees them and then the break.
            await Task.Delay(DropGrace, pacer.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        context.Abort();
        return true;
    }

    // With sim_reasoning, the first quarter of a chat generation (at least one token) is reasoning.
    private static int ReasoningTokens(GenerationFormat format, in GenerationRequest request, int tokens) =>
        format.IsChat && request.Reasoning && tokens >= 2 ? Math.Max(1, tokens / 4) : 0;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client cancelled {Path}")]
    private static partial void LogCancelled(ILogger logger, PathString path);
}
