using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace GenieHive.ServiceDefaults;

/// <summary>
/// Writes a ProblemDetails as JSON whatever the request's <c>Accept</c> asks for. ASP.NET's own writer answers only a
/// client that accepts JSON, so behind it an <c>Accept: text/html</c> or <c>application/xml</c> turned the status-code
/// pages' 404 and 405 into a plain-text "Status Code: 404; Not Found" (issue 20): an API serves JSON or nothing, and
/// an error changing shape with a header is one a client cannot read. Registered after ASP.NET's writer, it writes only
/// what that one declines.
/// </summary>
internal sealed class AnyAcceptProblemDetailsWriter(IOptions<JsonOptions> json, IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var typeInfo = json.Value.SerializerOptions.GetTypeInfo(typeof(ProblemDetails));
        return new ValueTask(response.WriteAsJsonAsync(problem, typeInfo, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
