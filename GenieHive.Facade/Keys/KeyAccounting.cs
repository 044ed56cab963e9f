using GenieHive.Contracts;
using GenieHive.Contracts.Keys;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Observations;
using GenieHive.Routing;

namespace GenieHive.Facade.Keys;

/// <summary>
/// What the proxy path does for keys once it knows the model: admit the request under the key's allowlist and limits,
/// and when it is over, count its tokens and write its audit record (metadata only).
/// </summary>
public sealed class KeyAccounting(KeyLimiter limiter, AuditQueue audit, FacadeTelemetry telemetry, TimeProvider time)
{
    /// <summary>
    /// Null when the request may go on; otherwise the refusal (audited here) for the endpoint to write. A stream of a key
    /// with token limits asks the engine for usage when the client did not (<see cref="Proxy.ProxyRequest.AskForStreamUsage"/>).
    /// </summary>
    internal KeyRefusal? Admit(HttpContext context, Proxy.ProxyRequest request)
    {
        var identity = ClientKeyGate.IdentityOf(context);
        if (!identity.IsNamed)
        {
            return null;
        }

        var model = request.Model;
        var refusal = limiter.Admit(identity, model);
        if (refusal is not null)
        {
            telemetry.KeyRefusals.Add(1, new KeyValuePair<string, object?>(FacadeTelemetry.ErrorCodeTag, refusal.Code));
            audit.Refused(context, identity, model, refusal, time);
        }

        if (refusal is null && (identity.TokensPerMinute is not null || identity.MonthlyTokenLimit is not null))
        {
            request.AskForStreamUsage();
        }

        return refusal;
    }

    /// <summary>Counts a finished request's tokens against its key and audits it.</summary>
    public void RequestEnded(HttpContext context, string model, RoutePlan? plan, RouteTarget? target, long? promptTokens, long? completionTokens, long start)
    {
        var identity = ClientKeyGate.IdentityOf(context);
        var prompt = promptTokens ?? 0;
        var completion = completionTokens ?? 0;
        limiter.OnUsage(identity, prompt + completion);
        audit.Add(new AuditRecord
        {
            KeyId = identity.Id,
            Model = model,
            Route = plan?.MatchType,
            ServiceId = target?.ServiceId,
            Endpoint = context.Request.Path.Value ?? "",
            StatusCode = context.Response.StatusCode,
            PromptTokens = prompt,
            CompletionTokens = completion,
            LatencyMs = time.GetElapsedTime(start).TotalMilliseconds,
            RequestId = context.Response.Headers[GenieHiveHeaders.RequestId].ToString(),
            FacadeId = ObservationReporter.ReporterId,
            At = time.UnixSeconds(),
        });
    }
}
