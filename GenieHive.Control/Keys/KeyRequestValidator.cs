using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Keys;

namespace GenieHive.Control.Keys;

/// <summary>What a create request must be: a name, known scopes, valid globs, positive limits. One message per problem, naming the field.</summary>
public static class KeyRequestValidator
{
    public const int MaxNameChars = 128;

    /// <summary>The request made valid, or the problem and its field.</summary>
    public static (ValidKeyRequest? Valid, string? Problem, string? Field) Validate(KeyCreateRequest request)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameChars || name.Any(char.IsControl))
        {
            return (null, $"name is required: 1 to {MaxNameChars} printable characters.", "name");
        }

        if (request.Scopes is not { Count: > 0 } scopeNames)
        {
            return (null, "scopes is required: one or more of " + string.Join(", ", KeyScopes.Names) + ".", "scopes");
        }

        var scopes = KeyScope.None;
        foreach (var scopeName in scopeNames)
        {
            var scope = KeyScopes.Parse(scopeName);
            if (scope == KeyScope.None)
            {
                return (null, $"Unknown scope '{scopeName}'; expected " + string.Join(", ", KeyScopes.Names) + ".", "scopes");
            }

            scopes |= scope;
        }

        if (ModelAllowlist.Problem(request.Models) is { } modelsProblem)
        {
            return (null, modelsProblem, "models");
        }

        if (request.RequestsPerMinute is <= 0)
        {
            return (null, "requests_per_minute must be a positive number (leave it out for no limit).", "requests_per_minute");
        }

        if (request.TokensPerMinute is <= 0)
        {
            return (null, "tokens_per_minute must be a positive number (leave it out for no limit).", "tokens_per_minute");
        }

        if (request.MonthlyTokenLimit is <= 0)
        {
            return (null, "monthly_token_limit must be a positive number (leave it out for no limit).", "monthly_token_limit");
        }

        var models = request.Models?.Select(glob => glob.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? [];
        return (new ValidKeyRequest(name, scopes, models, request.RequestsPerMinute, request.TokensPerMinute, request.MonthlyTokenLimit), null, null);
    }
}
