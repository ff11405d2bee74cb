using Microsoft.Extensions.DependencyInjection.Extensions;
using Segur.Psc;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Segur.Psc in a service collection.</summary>
public static class PscServiceCollectionExtensions
{
    /// <summary>Registers a singleton <see cref="PscClient"/> configured by <paramref name="configure"/>. The options are
    /// validated when the client is first resolved. A <see cref="TimeProvider"/> registered earlier is used.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddSegurPsc(this IServiceCollection services, Action<PscClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = new PscClientOptions { TimeProvider = sp.GetRequiredService<TimeProvider>() };
            if (sp.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) is Microsoft.Extensions.Logging.ILoggerFactory logs)
            {
                options.LoggerFactory = logs;
            }

            configure(options);
            return new PscClient(options);
        });
        return services;
    }
}
