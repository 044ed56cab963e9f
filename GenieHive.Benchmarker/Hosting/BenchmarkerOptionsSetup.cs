using Microsoft.Extensions.Options;

namespace GenieHive.Benchmarker.Hosting;

/// <summary>
/// Fills <see cref="BenchmarkerOptions.FacadeUrl"/> from <c>services:facade:http:0</c> (or <c>https:0</c>) when it is
/// not set explicitly, that being where Aspire puts a referenced resource's address, and the name from the machine.
/// </summary>
internal sealed class BenchmarkerOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<BenchmarkerOptions>
{
    public void PostConfigure(string? name, BenchmarkerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.FacadeUrl))
        {
            options.FacadeUrl = NonEmpty(configuration["services:facade:http:0"]) ?? NonEmpty(configuration["services:facade:https:0"]);
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            options.Name = "benchmarker@" + Environment.MachineName;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A facade address, when given, is an absolute http(s) URL.</summary>
internal sealed class BenchmarkerOptionsValidator : IValidateOptions<BenchmarkerOptions>
{
    public ValidateOptionsResult Validate(string? name, BenchmarkerOptions options) =>
        options.FacadeUrl is { Length: > 0 } url
        && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            ? ValidateOptionsResult.Fail($"{BenchmarkerOptions.SectionName}:FacadeUrl (or services:facade:http:0) is '{url}', not an absolute http(s) URL.")
            : ValidateOptionsResult.Success;
}
