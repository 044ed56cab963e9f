using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GenieHive.Facade.Errors;
using GenieHive.Routing;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Proxy;

internal sealed partial class ProxyForwarder
{
    private const int SseInitialBuffer = 16 * 1024;
    private const int MaxSseEventBytes = 16 * 1024 * 1024;
    private const int MaxBufferedJsonBytes = 32 * 1024 * 1024;
    private const int CopyChunk = 16 * 1024;

    /// <summary>How long a broken stream's error event gets to leave before the connection is aborted.</summary>
    private static readonly TimeSpan StreamErrorGrace = TimeSpan.FromMilliseconds(100);

    private static readonly byte[] StreamIdleEvent = ErrorEvent("The upstream stopped sending before the response was complete.");
    private static readonly byte[] StreamDroppedEvent = ErrorEvent("The upstream connection was interrupted before the response was complete.");

    /// <summary>
    /// Relays SSE event by event: each complete event is written (reasoning keys stripped when present) and the
    /// batch that one read produced is flushed at once. Nothing is written before the first complete event, so a
    /// failure up to then still fails over; after it a failure ends the stream with an SSE error event.
    /// </summary>
    private async Task<RelayOutcome> RelaySseAsync(
        HttpContext context,
        OpenAiOperation operation,
        RoutePlan plan,
        RouteTarget target,
        HttpResponseMessage response,
        CancellationTokenSource cts,
        RequestMeter meter)
    {
        var writer = context.Response.BodyWriter;
        var buffer = ArrayPool<byte>.Shared.Rent(SseInitialBuffer);
        int start = 0, end = 0;
        var eof = false;
        var committed = false;
        try
        {
            Stream stream;
            try
            {
                stream = await response.Content.ReadAsStreamAsync(cts.Token);
            }
            catch (Exception ex) when (IsUpstreamReadFailure(ex))
            {
                return ReadFailure(context, ex, committed: false);
            }

            while (true)
            {
                var wrote = false;
                while (start < end)
                {
                    var length = SseFraming.FindEventEnd(buffer.AsSpan(start, end - start), eof);
                    if (length < 0)
                    {
                        if (!eof)
                        {
                            break;
                        }

                        length = end - start;
                    }

                    if (!committed)
                    {
                        Commit(context, plan, target, response, sse: true, contentLength: null);
                        committed = true;
                    }

                    var sseEvent = buffer.AsSpan(start, length);
                    meter.OnSseEvent(sseEvent, time.GetTimestamp());
                    if (operation.StripsReasoning)
                    {
                        ReasoningStripper.WriteEvent(sseEvent, writer);
                    }
                    else
                    {
                        writer.Write(sseEvent);
                    }

                    start += length;
                    wrote = true;
                }

                if (wrote && !await FlushAsync(writer, context))
                {
                    return RelayOutcome.ClientGone;
                }

                if (eof)
                {
                    if (!committed)
                    {
                        Commit(context, plan, target, response, sse: true, contentLength: null);
                        if (!await FlushAsync(writer, context))
                        {
                            return RelayOutcome.ClientGone;
                        }
                    }

                    return RelayOutcome.Completed;
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else if (buffer.Length < MaxSseEventBytes)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    else
                    {
                        // An event this large is not SSE we understand: pass its bytes on unframed.
                        if (!committed)
                        {
                            Commit(context, plan, target, response, sse: true, contentLength: null);
                            committed = true;
                        }

                        writer.Write(buffer.AsSpan(0, end));
                        start = end = 0;
                        if (!await FlushAsync(writer, context))
                        {
                            return RelayOutcome.ClientGone;
                        }
                    }
                }

                if (committed)
                {
                    cts.CancelAfter(_idleTimeout);
                }

                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(end), cts.Token);
                }
                catch (Exception ex) when (IsUpstreamReadFailure(ex))
                {
                    var outcome = ReadFailure(context, ex, committed);
                    if (outcome.Status == RelayStatus.Interrupted)
                    {
                        // Whatever partial event was pending is dropped; the client learns why the stream ends.
                        await WriteStreamErrorAsync(writer, context, outcome.Kind);
                    }

                    return outcome;
                }

                if (read == 0)
                {
                    eof = true;
                }
                else
                {
                    end += read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Buffers a non-streamed JSON answer (the upstream sends it in one piece anyway), strips reasoning keys only when
    /// the bytes contain the marker, and writes it with its length. A failure while reading still fails over.
    /// </summary>
    private async Task<RelayOutcome> RelayJsonAsync(
        HttpContext context,
        RoutePlan plan,
        RouteTarget target,
        HttpResponseMessage response,
        CancellationTokenSource cts,
        RequestMeter meter)
    {
        var declared = response.Content.Headers.ContentLength;
        var buffer = new PooledBuffer(declared is > 0 and < MaxBufferedJsonBytes ? (int)declared.Value + 1 : 16 * 1024);
        PooledBuffer? stripped = null;
        try
        {
            Stream stream;
            try
            {
                stream = await response.Content.ReadAsStreamAsync(cts.Token);
                while (true)
                {
                    if (buffer.Length > 0)
                    {
                        cts.CancelAfter(_idleTimeout);
                    }

                    var read = await stream.ReadAsync(buffer.GetMemory(8192), cts.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    meter.OnBytes(time.GetTimestamp());
                    buffer.Advance(read);
                    if (buffer.Length > MaxBufferedJsonBytes)
                    {
                        // Too big to hold for a rewrite: relay as it comes, unchanged.
                        Commit(context, plan, target, response, sse: false, contentLength: declared);
                        if (!await WriteAsync(context, buffer.Memory))
                        {
                            return RelayOutcome.ClientGone;
                        }

                        return await CopyRemainingAsync(context, stream, cts);
                    }
                }
            }
            catch (Exception ex) when (IsUpstreamReadFailure(ex))
            {
                return ReadFailure(context, ex, committed: false);
            }

            meter.OnBody(buffer.Span);
            var payload = buffer.Memory;
            if (ReasoningStripper.MayContain(buffer.Span))
            {
                stripped = new PooledBuffer(buffer.Length);
                if (ReasoningStripper.TryStrip(buffer.Span, stripped))
                {
                    payload = stripped.Memory;
                }
            }

            Commit(context, plan, target, response, sse: false, contentLength: payload.Length);
            return await WriteAsync(context, payload) ? RelayOutcome.Completed : RelayOutcome.ClientGone;
        }
        finally
        {
            buffer.Dispose();
            stripped?.Dispose();
        }
    }

    /// <summary>
    /// Streams a body through unchanged (embeddings, transcriptions, anything not JSON chat). A transcript in a text
    /// format is labelled <c>text/plain</c>, as OpenAI labels it (see <see cref="MediaTypes.TranscriptLabel"/>).
    /// </summary>
    private async Task<RelayOutcome> RelayCopyAsync(
        HttpContext context,
        OpenAiOperation operation,
        RoutePlan plan,
        RouteTarget target,
        HttpResponseMessage response,
        CancellationTokenSource cts,
        RequestMeter meter)
    {
        var first = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            Stream stream;
            int read;
            try
            {
                stream = await response.Content.ReadAsStreamAsync(cts.Token);
                read = await stream.ReadAsync(first, cts.Token);
            }
            catch (Exception ex) when (IsUpstreamReadFailure(ex))
            {
                return ReadFailure(context, ex, committed: false);
            }

            meter.OnBytes(time.GetTimestamp());
            Commit(context, plan, target, response, sse: false, contentLength: response.Content.Headers.ContentLength);
            if (ReferenceEquals(operation, OpenAiOperation.Transcriptions) && MediaTypes.TranscriptLabel(response.Content.Headers.ContentType) is { } label)
            {
                context.Response.ContentType = label;
            }

            if (read == 0)
            {
                return await FlushAsync(context.Response.BodyWriter, context) ? RelayOutcome.Completed : RelayOutcome.ClientGone;
            }

            if (!await WriteAsync(context, first.AsMemory(0, read)))
            {
                return RelayOutcome.ClientGone;
            }

            return await CopyRemainingAsync(context, stream, cts);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
        }
    }

    private async Task<RelayOutcome> CopyRemainingAsync(HttpContext context, Stream stream, CancellationTokenSource cts)
    {
        var writer = context.Response.BodyWriter;
        while (true)
        {
            cts.CancelAfter(_idleTimeout);
            int read;
            try
            {
                read = await stream.ReadAsync(writer.GetMemory(CopyChunk), cts.Token);
            }
            catch (Exception ex) when (IsUpstreamReadFailure(ex))
            {
                var outcome = ReadFailure(context, ex, committed: true);
                if (outcome.Status == RelayStatus.Interrupted)
                {
                    // A body that stops half-way must not look complete: the connection goes down with it.
                    EndIncomplete(context);
                }

                return outcome;
            }

            if (read == 0)
            {
                return RelayOutcome.Completed;
            }

            writer.Advance(read);
            if (!await FlushAsync(writer, context))
            {
                return RelayOutcome.ClientGone;
            }
        }
    }

    /// <summary>Sets status and headers from the upstream response; from here on the client gets this answer.</summary>
    private static void Commit(HttpContext context, RoutePlan plan, RouteTarget target, HttpResponseMessage upstreamResponse, bool sse, long? contentLength)
    {
        var response = context.Response;
        response.StatusCode = (int)upstreamResponse.StatusCode;
        ResponseHeaderCopier.Copy(upstreamResponse, response);
        SetRouteHeaders(context, plan, target);
        if (sse)
        {
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
        }

        response.ContentLength = contentLength;
    }

    /// <summary>
    /// Relays an upstream error answer: an OpenAI-style error body passes unchanged with its status; anything else is
    /// wrapped in OpenAI's shape with code <c>upstream_error</c>.
    /// </summary>
    private static async Task WriteUpstreamErrorAsync(HttpContext context, int status, byte[] body, string? contentType, string? retryAfter)
    {
        if (retryAfter is not null)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = retryAfter;
        }

        var (isOpenAiError, message) = InspectErrorBody(body, status);
        if (isOpenAiError)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType ?? "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        await OpenAiErrors.WriteAsync(context, status, message, OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamError,
            retryAfterSeconds: null);
    }

    private static (bool IsOpenAiError, string Message) InspectErrorBody(byte[] body, int status)
    {
        var fallback = "The upstream answered " + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
        if (body.Length == 0)
        {
            return (false, fallback);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    return (true, fallback);
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    // Ollama's {"error":"..."}: the message, in OpenAI's shape.
                    return (false, error.GetString() ?? fallback);
                }
            }

            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return (false, detail.GetString() ?? fallback);
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return (false, text.Length == 0 ? fallback : text.Length > 2000 ? text[..2000] : text);
    }

    private static bool IsUpstreamReadFailure(Exception ex) =>
        ex is OperationCanceledException or IOException or HttpRequestException;

    private static RelayOutcome ReadFailure(HttpContext context, Exception ex, bool committed)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return RelayOutcome.ClientGone;
        }

        var kind = ex is OperationCanceledException ? FailureKind.Timeout : FailureKind.Unreachable;
        return committed ? new RelayOutcome(RelayStatus.Interrupted, kind) : new RelayOutcome(RelayStatus.FailedBeforeCommit, kind);
    }

    /// <summary>
    /// Ends a broken stream: the SSE error event (clients that read it, like OpenAI's Python SDK, raise its message),
    /// then the response ends without its terminating chunk. Clients that ignore error events (OpenAI's .NET SDK
    /// takes the event for one more update and would end quietly) then fail on the incomplete body instead of taking
    /// a truncated answer for a complete one.
    /// </summary>
    private async Task WriteStreamErrorAsync(PipeWriter writer, HttpContext context, FailureKind kind)
    {
        writer.Write(kind == FailureKind.Timeout ? StreamIdleEvent : StreamDroppedEvent);
        if (await FlushAsync(writer, context))
        {
            // A flush hands the bytes to the transport, which sends them shortly after; cutting the connection at
            // once could drop the event. A failed stream can afford a short pause.
            try
            {
                await Task.Delay(StreamErrorGrace, time, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client left first: nothing more to tell it.
            }
        }

        EndIncomplete(context);
    }

    /// <summary>
    /// Ends the response so that the client sees it is incomplete. On HTTP/1.x the connection is half-closed first
    /// (a FIN after the bytes already sent): an abort alone resets it, and some clients' systems discard received but
    /// unread bytes on a reset, the error event among them. On HTTP/2 the abort resets only this stream.
    /// </summary>
    private static void EndIncomplete(HttpContext context)
    {
        if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol)
            && context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed: the abort below is all that is left to do.
            }
        }

        context.Abort();
    }

    private static async ValueTask<bool> FlushAsync(PipeWriter writer, HttpContext context)
    {
        try
        {
            var result = await writer.FlushAsync(context.RequestAborted);
            return !result.IsCanceled && !result.IsCompleted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static async ValueTask<bool> WriteAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var result = await context.Response.BodyWriter.WriteAsync(bytes, context.RequestAborted);
            return !result.IsCanceled && !result.IsCompleted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static byte[] ErrorEvent(string message)
    {
        var json = JsonSerializer.Serialize(
            new OpenAiErrorEnvelope(new OpenAiError(message, OpenAiErrorTypes.Upstream, null, OpenAiErrorCodes.UpstreamStreamInterrupted)),
            Json.FacadeJsonContext.Default.OpenAiErrorEnvelope);
        return Encoding.UTF8.GetBytes("data: " + json + "\n\n");
    }
}

internal enum RelayStatus
{
    Completed,
    ClientGone,
    FailedBeforeCommit,
    Interrupted,
}

internal readonly record struct RelayOutcome(RelayStatus Status, FailureKind Kind)
{
    public static RelayOutcome Completed => new(RelayStatus.Completed, default);

    public static RelayOutcome ClientGone => new(RelayStatus.ClientGone, default);
}
