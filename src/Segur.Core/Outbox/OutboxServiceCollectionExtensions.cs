using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segur.Outbox;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Segur outbox.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IOutbox"/> (a <see cref="DurableOutbox"/>), the default <see cref="SqliteOutboxStore"/>
    /// (unless an <see cref="IOutboxStore"/> is already registered) and an <see cref="OutboxProcessor"/> built from every
    /// registered <see cref="IOutboxHandler"/> and <see cref="IOutboxPrecondition"/>. Run the processor for the
    /// application's lifetime: <c>await provider.GetRequiredService&lt;OutboxProcessor&gt;().RunAsync(stoppingToken)</c>
    /// (for example in a hosted service's <c>ExecuteAsync</c>). Options are validated on first use and at host start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddSegurOutbox(this IServiceCollection services, Action<OutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<OutboxOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            if (sp.GetService<ILoggerFactory>() is { } loggers)
            {
                options.LoggerFactory = loggers;
            }

            configure(options);
        }).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton<IOutboxStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboxOptions>>().Value;
            return new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = options.DatabasePath, MaxDatabaseSizeBytes = options.MaxDatabaseSizeBytes });
        });
        services.TryAddSingleton(sp => new DurableOutbox(sp.GetRequiredService<IOutboxStore>(), sp.GetRequiredService<IOptions<OutboxOptions>>().Value));
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<DurableOutbox>());
        services.TryAddSingleton(sp => new OutboxProcessor(
            sp.GetRequiredService<DurableOutbox>(),
            sp.GetServices<IOutboxHandler>(),
            sp.GetServices<IOutboxPrecondition>()));
        return services;
    }
}
