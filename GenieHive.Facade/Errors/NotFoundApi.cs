using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;

namespace GenieHive.Facade.Errors;

/// <summary>The answer to a <c>/v1</c> path no feature maps: OpenAI's 404, so that SDKs report it in their own words.</summary>
public static class NotFoundApi
{
    /// <summary>Maps <c>/v1/{**path}</c>, any method (client key required, as on every other <c>/v1</c> path).</summary>
    public static RouteGroupBuilder MapNotFoundApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.None);
        group.Map("/{**path}", UnknownEndpoint);
        return group;
    }

    private static OpenAiErrorResult UnknownEndpoint(HttpContext context) =>
        OpenAiErrors.Result(
            StatusCodes.Status404NotFound,
            "Unknown endpoint: " + context.Request.Method + " " + context.Request.Path + ".",
            OpenAiErrorTypes.InvalidRequest,
            OpenAiErrorCodes.EndpointNotFound);
}
