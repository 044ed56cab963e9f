using Microsoft.Extensions.Options;

namespace GenieHive.Control.Storage;

/// <summary>Registration of Control's database: the engine that <c>GenieHive:Storage:Provider</c> names.</summary>
public static class StorageServices
{
    /// <summary>
    /// Adds <see cref="StorageOptions"/> (validated at start-up: an unknown provider stops Control with a message
    /// naming the setting), the <see cref="IStorageEngine"/> it selects and <see cref="ControlDatabase"/> over it.
    /// The engine is chosen from the validated options when first used, so settings a test host adds late still count.
    /// </summary>
    public static TBuilder AddControlStorage<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName) is { Length: > 0 } value ? value : null)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton<IStorageEngine>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return StorageProviders.IsPostgres(options.Provider)
                ? new PostgresStorageEngine(options.ConnectionString!)
                : new SqliteStorageEngine(options.ConnectionString, provider.GetRequiredService<IHostEnvironment>());
        });
        services.AddSingleton<ControlDatabase>();
        return builder;
    }
}
