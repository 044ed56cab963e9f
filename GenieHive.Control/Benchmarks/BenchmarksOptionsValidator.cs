using GenieHive.Contracts;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>A schedule entry names a workload and exactly one of a kind or a role, with a positive period.</summary>
public sealed class BenchmarksOptionsValidator : IValidateOptions<BenchmarksOptions>
{
    public ValidateOptionsResult Validate(string? name, BenchmarksOptions options)
    {
        var errors = new List<string>();
        if (options.MaxTimeoutSeconds < options.DefaultTimeoutSeconds)
        {
            errors.Add($"{BenchmarksOptions.SectionName}:MaxTimeoutSeconds must not be below DefaultTimeoutSeconds.");
        }

        for (var i = 0; i < options.Schedule.Count; i++)
        {
            var entry = options.Schedule[i];
            var prefix = $"{BenchmarksOptions.SectionName}:Schedule:{i}";
            if (string.IsNullOrWhiteSpace(entry.Workload))
            {
                errors.Add($"{prefix}:Workload is required.");
            }

            var hasKind = !string.IsNullOrWhiteSpace(entry.Kind);
            var hasRole = !string.IsNullOrWhiteSpace(entry.Role);
            if (hasKind == hasRole)
            {
                errors.Add($"{prefix}: set exactly one of Kind or Role.");
            }
            else if (hasKind && !ServiceKinds.IsKnown(entry.Kind))
            {
                errors.Add($"{prefix}:Kind is '{entry.Kind}'; expected {ServiceKinds.Chat} or {ServiceKinds.Embeddings}.");
            }

            if (!(entry.EveryHours > 0) || double.IsInfinity(entry.EveryHours))
            {
                errors.Add($"{prefix}:EveryHours must be a positive number of hours.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
