using System.Globalization;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Auth;

/// <summary>
/// A blank key (for example an environment variable set to nothing) is refused rather than ignored:
/// ignoring it could silently leave auth off when the operator meant to turn it on.
/// </summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        Check(options.ClientApiKeys, "ClientApiKeys", failures);
        Check(options.NodeApiKeys, "NodeApiKeys", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string[]? keys, string field, List<string> failures)
    {
        if (keys is null)
        {
            return;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(keys[i]))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{AuthOptions.SectionName}:{field}:{i} is empty; remove it or set a key (an empty list turns auth off)."));
            }
        }
    }
}
