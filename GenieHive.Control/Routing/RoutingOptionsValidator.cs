using GenieHive.Contracts;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Routing;

/// <summary>An unknown strategy is a configuration mistake, so Control refuses to start and says which values work.</summary>
public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options) =>
        RoutingStrategies.IsKnown(options.Strategy)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{RoutingOptions.SectionName}:Strategy is '{options.Strategy}'; expected one of " +
                $"{RoutingStrategies.Scored}, {RoutingStrategies.RoundRobin}, {RoutingStrategies.LeastLoaded}.");
}
