using System.Buffers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace GenieHive.Facade.Proxy;

/// <summary>Ends a response the upstream broke off after it had started, so that the client cannot take it for complete.</summary>
internal static class BrokenResponse
{
    /// <summary>How long a broken stream's error event gets to leave before the connection is aborted.</summary>
    private static readonly TimeSpan ErrorEventGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Writes <paramref name="errorEvent"/> when there is one (clients that read it, like OpenAI's Python SDK, raise its
    /// message), then ends the response without its terminating chunk. Clients that ignore error events (OpenAI's .NET
    /// SDK takes the event for one more update and would end quietly) then fail on the incomplete body instead of
    /// taking a truncated answer for a complete one.
    /// </summary>
    public static async Task EndAsync(HttpContext context, ReadOnlyMemory<byte> errorEvent, TimeProvider time)
    {
        if (!errorEvent.IsEmpty)
        {
            context.Response.BodyWriter.Write(errorEvent.Span);
            if (await ClientOutput.FlushAsync(context))
            {
                // A flush hands the bytes to the transport, which sends them shortly after; cutting the connection at
                // once could drop the event. A failed stream can afford a short pause.
                try
                {
                    await Task.Delay(ErrorEventGrace, time, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client left first: nothing more to tell it.
                }
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
}
