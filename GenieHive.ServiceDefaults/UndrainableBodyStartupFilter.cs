using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GenieHive.ServiceDefaults;

/// <summary>
/// Makes an answer to a request whose declared body is over the body size limit say <c>Connection: close</c>. Kestrel
/// reads an unread body to its end before it reuses a connection, but never past the limit: after answering such a
/// request (a 413, or a 401 that came before the body was looked at) it closes the connection, under an answer that
/// promised to keep it. A client that reuses the connection, as HttpClient's pool does, then fails its next request
/// ("An error occurred while sending the request"; found by the endpoint fuzz suite, issue 20). Saying so lets it open
/// a new one. The limit is read when the answer starts, so an endpoint's own limit (Control's, the upload endpoints') counts.
/// </summary>
internal sealed class UndrainableBodyStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.ContentLength is > 0)
            {
                context.Response.OnStarting(CloseIfUndrainable, context);
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private static Task CloseIfUndrainable(object state)
    {
        var context = (HttpContext)state;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit && context.Request.ContentLength > limit)
        {
            context.Response.Headers.Connection = "close";
        }

        return Task.CompletedTask;
    }
}
