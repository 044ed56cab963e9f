using Microsoft.Extensions.Options;

namespace GenieHive.Control.Storage;

/// <summary>Stops start-up on a provider Control does not know, or PostgreSQL without a connection string.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (StorageProviders.IsSqlite(options.Provider))
        {
            return ValidateOptionsResult.Success;
        }

        if (!StorageProviders.IsPostgres(options.Provider))
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.SectionName}:Provider is '{options.Provider}': use '{StorageProviders.Sqlite}' (the default, one embedded file) or '{StorageProviders.Postgres}'.");
        }

        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail(
                $"{StorageOptions.SectionName}:Provider is '{StorageProviders.Postgres}' but ConnectionStrings:{StorageOptions.ConnectionStringName} is not set (an Npgsql connection string, e.g. 'Host=127.0.0.1;Port=5432;Database=geniehive;Username=geniehive').")
            : ValidateOptionsResult.Success;
    }
}
