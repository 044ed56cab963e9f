using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Auth;

/// <summary>Refuses a blank or over-long client key at start-up, by the rule Control applies too (<see cref="ApiKeys.Problems"/>).</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = ApiKeys.Problems(options.ClientApiKeys, AuthOptions.SectionName + ":ClientApiKeys").ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
