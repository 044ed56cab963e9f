using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GenieHive.ServiceDefaults;

/// <summary>Options validation by a compile-time validator (<see cref="OptionsValidatorAttribute"/>).</summary>
public static class GeneratedValidation
{
    /// <summary>
    /// Checks the options' data-annotation attributes (<c>[Range]</c>, ...) with <typeparamref name="TValidator"/>, a
    /// validator the options source generator writes, instead of <c>ValidateDataAnnotations</c>: the same rules
    /// without reflection over the properties, <c>TypeDescriptor</c> and its type converters at start-up (about 2 MB
    /// less resident memory in the facade, bench/README.md "facade's idle memory").
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions, TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder;
    }
}
