using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Auth;

/// <summary>
/// Refuses a blank key (for example an environment variable set to nothing) rather than ignore it, and a key no
/// client could present: the rule the facade applies too (<see cref="ApiKeys.Problems"/>).
/// </summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = ApiKeys.Problems(options.ClientApiKeys, AuthOptions.SectionName + ":ClientApiKeys")
            .Concat(ApiKeys.Problems(options.NodeApiKeys, AuthOptions.SectionName + ":NodeApiKeys"))
            .ToList();
        if (options.KeyHashSecret is { } secret && System.Text.Encoding.UTF8.GetByteCount(secret) < 32)
        {
            failures.Add(AuthOptions.SectionName + ":KeyHashSecret must be at least 32 characters (or left unset: Control then generates one).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
