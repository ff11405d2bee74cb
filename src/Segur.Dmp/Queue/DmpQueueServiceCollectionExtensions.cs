using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segur.Audit;
using Segur.Dmp.Access;
using Segur.Auth;
using Segur.Dmp.Client;
using Segur.Dmp.Queue;
using Segur.Outbox;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the DMP send queue.</summary>
public static class DmpQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DmpSendQueue"/> and its outbox handlers and preconditions, so that the
    /// <see cref="OutboxProcessor"/> registered by <c>AddSegurOutbox</c> sends DMP documents. Needs an <see cref="IOutbox"/>
    /// (<c>AddSegurOutbox</c>) and an <see cref="IDmpClient"/>; uses, when registered, an <see cref="INetworkStatus"/>, an
    /// <see cref="ICardPresence"/>, an <see cref="IAccessTokenSource"/> and an <see cref="IAuditTrail"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; null for the defaults.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddSegurDmpQueue(this IServiceCollection services, Action<DmpSendQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DmpSendQueueOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            if (sp.GetService<ILoggerFactory>() is { } loggers)
            {
                options.LoggerFactory = loggers;
            }

            configure?.Invoke(options);
        });
        if (services.Any(d => d.ServiceType == typeof(DmpSendQueue)))
        {
            return services; // handlers and preconditions are registered once
        }

        services.TryAddSingleton(sp =>
        {
            var queue = new DmpSendQueue(
                sp.GetRequiredService<IOutbox>(),
                sp.GetRequiredService<IDmpClient>(),
                sp.GetRequiredService<IOptions<DmpSendQueueOptions>>().Value,
                sp.GetService<DmpAccessPolicy>(),
                sp.GetService<INetworkStatus>(),
                sp.GetService<ICardPresence>(),
                sp.GetService<IAccessTokenSource>(),
                sp.GetService<IAuditTrail>());
            queue.ObserveWhenListened(() => sp.GetService<OutboxProcessor>());
            return queue;
        });
        for (var i = 0; i < 3; i++)
        {
            var index = i;
            services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<DmpSendQueue>().Handlers[index]);
            services.AddSingleton<IOutboxPrecondition>(sp => sp.GetRequiredService<DmpSendQueue>().Preconditions[index]);
        }

        return services;
    }
}
