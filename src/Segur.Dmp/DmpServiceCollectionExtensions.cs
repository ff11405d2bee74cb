using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Segur;
using Segur.Audit;
using Segur.Dmp;
using Segur.Dmp.Access;
using Segur.Dmp.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the DMP client in a service collection.</summary>
public static class DmpServiceCollectionExtensions
{
    /// <summary>
    /// Registers singletons: an <see cref="IDmpClient"/> whose mutual-TLS transport is set up on the first call (see
    /// <see cref="DmpClient.CreateAsync"/>), and the <see cref="DmpAccessPolicy"/> it applies (used by
    /// <c>AddSegurDmpQueue</c> to hold documents back without calling the DMP). A <see cref="TimeProvider"/>, an
    /// <see cref="ILoggerFactory"/>, an <see cref="IAuditTrail"/> and an <see cref="IDmpConsentStore"/> registered in the
    /// container are used unless the options set them. The options are validated when a service is first resolved: one
    /// <see cref="SegurValidationException"/> (<c>SGR-1601</c>) lists every problem, including a missing
    /// <see cref="DmpClientOptions.TlsCredential"/> or <see cref="DmpClientOptions.VihfSigner"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    /// <example>
    /// <code>
    /// services.AddSegurOutbox(o => o.DatabasePath = path)
    ///         .AddSegurDmp(o =>
    ///         {
    ///             o.BaseAddress = new Uri("https://&lt;host&gt;/si-dmp-server/v2/services/");
    ///             o.LpsName = "MonLGO"; o.LpsVersion = "4.2"; o.HomologationNumber = "&lt;CNDA&gt;";
    ///             o.TlsCredential = authCli; o.VihfSigner = orgSign;
    ///         })
    ///         .AddSegurDmpQueue();
    /// </code>
    /// </example>
    public static IServiceCollection AddSegurDmp(this IServiceCollection services, Action<DmpClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => DmpRegistration.Create(sp, configure));
        services.TryAddSingleton<IDmpClient>(sp => new DeferredDmpClient(sp.GetRequiredService<DmpRegistration>().Options));
        services.TryAddSingleton(sp => new DmpAccessPolicy(sp.GetRequiredService<DmpRegistration>().Options.ConsentStore, sp.GetRequiredService<DmpRegistration>().Options.Access));
        return services;
    }
}

/// <summary>The options of <see cref="DmpServiceCollectionExtensions.AddSegurDmp"/>, configured and validated once.</summary>
internal sealed class DmpRegistration
{
    private DmpRegistration(DmpClientOptions options) => Options = options;

    public DmpClientOptions Options { get; }

    public static DmpRegistration Create(IServiceProvider services, Action<DmpClientOptions> configure)
    {
        var options = new DmpClientOptions
        {
            TimeProvider = services.GetRequiredService<TimeProvider>(),
            AuditTrail = services.GetService<IAuditTrail>(),
            ConsentStore = services.GetService<IDmpConsentStore>(),
        };
        if (services.GetService<ILoggerFactory>() is { } logs)
        {
            options.LoggerFactory = logs;
        }

        configure(options);
        var required = new List<string>();
        if (options.TlsCredential is null)
        {
            required.Add("TlsCredential: required (the CPS card in DIRECTE mode, the ORG AUTH_CLI certificate in the indirect modes).");
        }

        if (options.VihfSigner is null)
        {
            required.Add("VihfSigner: required (the CPS card in DIRECTE mode, the ORG SIGN certificate in the indirect modes).");
        }

        options.ThrowIfInvalid(required);
        return new DmpRegistration(options);
    }
}

/// <summary>An <see cref="IDmpClient"/> whose real client (<see cref="DmpClient.CreateAsync"/>, which reads the TLS
/// certificate asynchronously) is created on the first call, so that a DI container can build it synchronously. A
/// failed creation (card absent, certificate unreadable) is reported, then tried again on the next call.</summary>
internal sealed class DeferredDmpClient : IDmpClient, IDisposable
{
    private readonly DmpClientOptions _options;
    private readonly object _gate = new();
    private Task<DmpClient>? _client;

    public DeferredDmpClient(DmpClientOptions options) => _options = options;

    public async Task<DmpPatientStatus> TestExistenceAsync(DmpPatient patient, DmpUserContext user, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).TestExistenceAsync(patient, user, cancellationToken).ConfigureAwait(false);

    public async Task SetAuthorizationAsync(DmpPatient patient, DmpUserContext user, DmpAuthorizationAction action, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SetAuthorizationAsync(patient, user, action, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<DmpPatientListEntry>> ListPatientsAsync(DmpUserContext user, DmpPatientListQuery query, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).ListPatientsAsync(user, query, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<DmpPatientCandidate>> FindPatientsAsync(DmpUserContext user, DmpPatientSearch query, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).FindPatientsAsync(user, query, cancellationToken).ConfigureAwait(false);

    public async Task<DmpSubmissionResult> SubmitAsync(DmpSubmission submission, DmpUserContext user, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SubmitAsync(submission, user, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<DmpDocumentEntry>> FindDocumentsAsync(DmpPatient patient, DmpUserContext user, DmpDocumentQuery? query = null, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).FindDocumentsAsync(patient, user, query, cancellationToken).ConfigureAwait(false);

    public async Task<DmpDocumentEntry?> GetDocumentAsync(DmpPatient patient, string uniqueId, DmpUserContext user, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).GetDocumentAsync(patient, uniqueId, user, cancellationToken).ConfigureAwait(false);

    public async Task<DmpRetrievedDocument> RetrieveDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpUserContext user, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).RetrieveDocumentAsync(patient, entry, user, cancellationToken).ConfigureAwait(false);

    public async Task UpdateDocumentAsync(DmpPatient patient, DmpDocumentEntry entry, DmpDocumentUpdate update, DmpUserContext user, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).UpdateDocumentAsync(patient, entry, update, user, cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
        if (_client is { IsCompletedSuccessfully: true } created)
        {
            created.Result.Dispose();
        }
    }

    private Task<DmpClient> GetAsync(CancellationToken cancellationToken)
    {
        Task<DmpClient> task;
        lock (_gate)
        {
            if (_client is null || _client.IsFaulted || _client.IsCanceled)
            {
                _client = DmpClient.CreateAsync(_options, CancellationToken.None); // shared: one caller's cancellation must not fail the others
            }

            task = _client;
        }

        return task.WaitAsync(cancellationToken);
    }
}
