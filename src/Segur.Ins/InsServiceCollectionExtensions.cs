using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Segur;
using Segur.Audit;
using Segur.Ins;
using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Segur.Ins in a service collection.</summary>
public static class InsServiceCollectionExtensions
{
    /// <summary>Registers singletons: an <see cref="InsiClient"/> (its HTTPS transport and certificate check are set up on
    /// the first call, see <see cref="InsiClient.CreateAsync"/>), a <see cref="SentinelleService"/> and an
    /// <see cref="InsBatchVerifier"/>. Register your <see cref="IPatientDirectory"/> too. A <see cref="TimeProvider"/>,
    /// an <see cref="ILoggerFactory"/> and an <see cref="IAuditTrail"/> registered in the container are used. Both option
    /// sets are validated together when a service is first resolved: one <see cref="SegurValidationException"/>
    /// (<c>SGR-1601</c>) lists every problem.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configureInsi">Configures the INSi client.</param>
    /// <param name="configureSentinelle">Configures the Sentinelle workflows, or <see langword="null"/> for the defaults.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configureInsi"/> is null.</exception>
    public static IServiceCollection AddSegurIns(this IServiceCollection services, Action<InsiClientOptions> configureInsi, Action<SentinelleOptions>? configureSentinelle = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureInsi);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => InsRegistration.Create(sp, configureInsi, configureSentinelle));
        services.TryAddSingleton<InsiClient>(sp => new DeferredInsiClient(sp.GetRequiredService<InsRegistration>().Insi));
        services.TryAddSingleton(sp => new SentinelleService(sp.GetRequiredService<InsiClient>(), sp.GetRequiredService<IPatientDirectory>(), sp.GetRequiredService<InsRegistration>().Sentinelle));
        services.TryAddSingleton(sp => new InsBatchVerifier(sp.GetRequiredService<InsiClient>(), sp.GetRequiredService<IPatientDirectory>(), sp.GetRequiredService<InsRegistration>().Sentinelle));
        return services;
    }
}

/// <summary>Both option sets of <see cref="InsServiceCollectionExtensions.AddSegurIns"/>, configured and validated once.</summary>
internal sealed class InsRegistration
{
    private InsRegistration(InsiClientOptions insi, SentinelleOptions sentinelle)
    {
        Insi = insi;
        Sentinelle = sentinelle;
    }

    public InsiClientOptions Insi { get; }

    public SentinelleOptions Sentinelle { get; }

    public static InsRegistration Create(IServiceProvider services, Action<InsiClientOptions> configureInsi, Action<SentinelleOptions>? configureSentinelle)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var logs = services.GetService<ILoggerFactory>();
        var insi = new InsiClientOptions { TimeProvider = time };
        var sentinelle = new SentinelleOptions { TimeProvider = time, AuditTrail = services.GetService<IAuditTrail>() };
        if (logs is not null)
        {
            insi.LoggerFactory = logs;
            sentinelle.LoggerFactory = logs;
        }

        configureInsi(insi);
        configureSentinelle?.Invoke(sentinelle);
        var failures = insi.CollectFailures().Select(f => $"{nameof(InsiClientOptions)}.{f}")
            .Concat(sentinelle.CollectFailures().Select(f => $"{nameof(SentinelleOptions)}.{f}"))
            .ToList();
        OptionsFailures.ThrowIfAny("Segur.Ins options", failures);
        return new InsRegistration(insi, sentinelle);
    }
}

/// <summary>An <see cref="InsiClient"/> whose real client (<see cref="InsiClient.CreateAsync"/>, which reads the
/// certificate asynchronously) is created on the first call, so that a DI container can build it synchronously.</summary>
internal sealed class DeferredInsiClient : InsiClient
{
    private readonly InsiClientOptions _options;
    private readonly object _gate = new();
    private Task<InsiClient>? _client;

    public DeferredInsiClient(InsiClientOptions options)
    {
        _options = options;
    }

    public override Uri Endpoint => _options.ResolveEndpoint();

    public override async Task<InsiSearchResult> SearchByTraitsAsync(InsiTraitsQuery query, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SearchByTraitsAsync(query, cancellationToken).ConfigureAwait(false);

    public override async Task<InsiSearchResult> SearchWithFirstNameStrategyAsync(InsTraits traits, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SearchWithFirstNameStrategyAsync(traits, cancellationToken).ConfigureAwait(false);

    public override async Task<InsiSearchResult> SearchWithVitaleAsync(InsiVitaleQuery query, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SearchWithVitaleAsync(query, cancellationToken).ConfigureAwait(false);

    public override async Task<InsiVerificationResult> VerifyAsync(InsIdentifier ins, InsTraits traits, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).VerifyAsync(ins, traits, cancellationToken).ConfigureAwait(false);

    protected override void Dispose(bool disposing)
    {
        if (disposing && _client is { IsCompletedSuccessfully: true } created)
        {
            created.Result.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<InsiClient> GetAsync(CancellationToken cancellationToken)
    {
        Task<InsiClient> task;
        lock (_gate)
        {
            // A failed creation (card absent, certificate unreadable, wrong CN) is reported, then tried again on the next call.
            if (_client is null || _client.IsFaulted || _client.IsCanceled)
            {
                _client = CreateAsync(_options, CancellationToken.None); // shared by every caller: one caller's cancellation must not fail the others
            }

            task = _client;
        }

        return task.WaitAsync(cancellationToken);
    }
}
