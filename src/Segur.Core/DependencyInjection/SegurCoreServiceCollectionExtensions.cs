using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Segur;
using Segur.Audit;
using Segur.Diagnostics;
using Segur.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Segur.Core services.</summary>
public static class SegurCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers Segur.Core: <see cref="TimeProvider"/>, validated <see cref="SegurCoreOptions"/> (every problem reported at
    /// host start), the <see cref="IAuditTrail"/> default (JSON lines), and a <see cref="ResiliencePipelineRegistry{TKey}"/>
    /// with a default pipeline per package name. Everything is added with <c>TryAdd</c>: services registered earlier win.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddSegurCore(this IServiceCollection services, Action<SegurCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<SegurCoreOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return AddCore(services, builder);
    }

    /// <summary>Registers Segur.Core with settings bound from configuration (e.g. the <c>Segur</c> section).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="SegurCoreOptions"/> properties.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddSegurCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, services.AddOptions<SegurCoreOptions>().Bind(configuration));
    }

    private static IServiceCollection AddCore(IServiceCollection services, OptionsBuilder<SegurCoreOptions> builder)
    {
        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegurCoreOptions>, SegurOptionsValidator<SegurCoreOptions>>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAuditTrail>(sp => new JsonLinesAuditTrail(sp.GetRequiredService<IOptions<SegurCoreOptions>>().Value.AuditTrailPath));
        services.TryAddSingleton(sp =>
        {
            var registry = new ResiliencePipelineRegistry<string>();
            var options = sp.GetRequiredService<IOptions<SegurCoreOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            foreach (var name in SegurDiagnostics.All)
            {
                registry.TryAddBuilder(name, (pipeline, _) =>
                {
                    pipeline.TimeProvider = time;
                    pipeline.AddSegurDefaults(options.Resilience);
                });
            }

            return registry;
        });
        services.TryAddSingleton<ResiliencePipelineProvider<string>>(sp => sp.GetRequiredService<ResiliencePipelineRegistry<string>>());
        return services;
    }
}
