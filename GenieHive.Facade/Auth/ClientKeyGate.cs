using GenieHive.Contracts.Auth;
using GenieHive.Facade.Keys;

namespace GenieHive.Facade.Auth;

/// <summary>
/// The one key check every facade endpoint calls, whatever its API: the address throttle, the key (configured or
/// named), the scope. On success the caller's <see cref="ClientIdentity"/> is kept on the request for the checks that
/// need the body (model allowlist, limits) and for the audit; a named key's refusal is audited here.
/// </summary>
public sealed class ClientKeyGate(ClientKeys keys, InvalidKeyThrottle throttle, AuditQueue audit, FacadeTelemetry telemetry, TimeProvider time)
{
    /// <summary>Null when the request may go on; otherwise the refusal for the endpoint to write in its own shape.</summary>
    public KeyRefusal? Check(HttpContext context, KeyScope scope)
    {
        var address = context.Connection.RemoteIpAddress;
        if (throttle.RetryAfterSeconds(address) is { } wait)
        {
            return Counted(KeyRefusal.TooManyInvalidKeys(wait));
        }

        if (keys.Resolve(context.Request) is not { } identity)
        {
            throttle.OnInvalid(address);
            return Counted(KeyRefusal.InvalidKey);
        }

        context.Features.Set(identity);
        if (!identity.Has(scope))
        {
            var refusal = KeyRefusal.InsufficientScope(KeyScopes.ToNames(scope)[0]);
            if (identity.IsNamed)
            {
                audit.Refused(context, identity, model: null, refusal, time);
            }

            return Counted(refusal);
        }

        return null;
    }

    private KeyRefusal Counted(KeyRefusal refusal)
    {
        telemetry.KeyRefusals.Add(1, new KeyValuePair<string, object?>(FacadeTelemetry.ErrorCodeTag, refusal.Code));
        return refusal;
    }

    /// <summary>The identity <see cref="Check"/> found for this request (Open when no check ran).</summary>
    public static ClientIdentity IdentityOf(HttpContext context) => context.Features.Get<ClientIdentity>() ?? ClientIdentity.Open;
}
