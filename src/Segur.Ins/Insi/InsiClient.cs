using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Microsoft.Extensions.Logging;
using Polly;
using Segur.Diagnostics;
using Segur.Resilience;
using Segur.Security;
using Segur.Soap;

namespace Segur.Ins.Insi;

/// <summary>
/// The INSi teleservice client (SOAP 1.2, WSDL <c>DESIR_ICIR_EXP_1.5.0</c>): search with identity traits (WS_INS2),
/// search with Vitale data (WS_INS1) and verification (WS_INS3, contract configurable). Every attempt builds a fresh
/// request (new <c>uuid:</c> MessageID, context ids and times, and in CPx mode a freshly signed assertion PS).
/// Thread-safe; one instance per application.
/// </summary>
/// <remarks>
/// <para>Errors: a bad query → <see cref="SegurValidationException"/> <c>SGR-2500</c>/<c>SGR-2501</c>; a certificate
/// INSi would refuse → <see cref="SegurAuthenticationException"/> <c>SGR-2511</c> before any call; faults →
/// <see cref="InsiFaultException"/> (<c>SGR-2520</c>…<c>SGR-2524</c>, <see cref="SegurException.IsTransient"/> set
/// per <see cref="InsiClientOptions.TransientFaultCodes"/>, transient ones retried by the pipeline); network →
/// <see cref="SegurTransportException"/>.</para>
/// <para>Telemetry: activities <c>INSi {operation}</c> on the <c>Segur.Ins</c> source; log events 2501–2506. Traits and
/// INS are logged only with <see cref="SegurClientOptions.EnableSensitiveDataLogging"/>.</para>
/// </remarks>
public partial class InsiClient : IDisposable
{
    private static readonly ActivitySource Source = new(SegurDiagnostics.Ins);
    private readonly InsiClientOptions _options = null!;
    private readonly ISoapTransport _transport = null!;
    private readonly ResiliencePipeline _pipeline = null!;
    private readonly IAssertionPsBuilder _assertionBuilder = null!;
    private readonly InsiFaultMapper _faultMapper = null!;
    private readonly ILogger _logger = null!;
    private readonly HttpClient? _ownedHttpClient;
    private readonly Uri _endpoint = null!;

    /// <summary>For mocking.</summary>
    protected InsiClient()
    {
    }

    /// <summary>Creates a client over a SOAP transport (for example an <see cref="HttpSoapTransport"/> whose
    /// <see cref="HttpClient"/> presents the organisation certificate, or a test fake).</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="transport">The transport; not disposed by the client.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>, listing every problem).</exception>
    public InsiClient(InsiClientOptions options, ISoapTransport transport)
        : this(options, transport, null)
    {
    }

    private InsiClient(InsiClientOptions options, ISoapTransport transport, HttpClient? ownedHttpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.ThrowIfInvalid();
        _options = options;
        _transport = transport;
        _ownedHttpClient = ownedHttpClient;
        _endpoint = options.ResolveEndpoint();
        _assertionBuilder = options.AssertionBuilder ?? new AssertionPsBuilder(options.AssertionPs);
        _faultMapper = new InsiFaultMapper(options.TransientFaultCodes);
        _logger = options.LoggerFactory.CreateLogger<InsiClient>();
        _pipeline = SoapClientBuilding.ResolvePipeline(options.Pipeline, options.PipelineProvider, SegurDiagnostics.Ins, options.TimeProvider);
    }

    /// <summary>The endpoint the client calls.</summary>
    public virtual Uri Endpoint => _endpoint;

    /// <summary>Creates a client with its own HTTPS transport: TLS 1.2+, server certificate checked against
    /// <see cref="InsiClientOptions.ServerTrust"/> (IGC-Santé by default), and in the organisation-certificate mode the
    /// certificate of <see cref="InsiClientOptions.Credential"/> presented in mutual TLS after its CN was checked.
    /// Dispose the client to release the connection pool.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels reading the certificate.</param>
    /// <returns>The client.</returns>
    /// <exception cref="SegurValidationException">The options are invalid, or the credential is missing (<c>SGR-2510</c>).</exception>
    /// <exception cref="SegurAuthenticationException">The certificate's CN is not <c>INSI-MANU</c>/<c>INSI-AUTO</c> (<c>SGR-2511</c>).</exception>
    public static async Task<InsiClient> CreateAsync(InsiClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var handlerOptions = new SegurHttpHandlerOptions
        {
            ServerTrust = options.ServerTrust ?? (options.Environment == InsiEnvironment.Production ? IgcSanteTrust.Production : IgcSanteTrust.Test),
            Validation = options.ServerCertificateValidation,
        };
        if (options.AuthenticationMode == InsiAuthenticationMode.OrganisationCertificate)
        {
            if (options.Credential is null)
            {
                throw new SegurValidationException(InsErrorCodes.InsiCredentialMissing,
                    "The organisation-certificate mode needs InsiClientOptions.Credential (the IGC-Santé ORG AUTH_CLI certificate, CN INSI-MANU or INSI-AUTO).")
                { Field = nameof(InsiClientOptions.Credential) };
            }

            CheckOrganisationCertificate(await options.Credential.GetCertificateAsync(cancellationToken).ConfigureAwait(false));
            handlerOptions.ClientCredential = options.Credential;
        }

        return await SoapClientBuilding.CreateHttpsClientAsync(handlerOptions, options.HttpTimeout, new HttpSoapTransportOptions
        {
            FaultMapper = new InsiFaultMapper(options.TransientFaultCodes),
            LoggerFactory = options.LoggerFactory,
            TimeProvider = options.TimeProvider,
            EnableSensitiveDataLogging = options.EnableSensitiveDataLogging,
        }, (transport, http) => new InsiClient(options, transport, http), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that a certificate may be used for INSi in mutual TLS: its CN must be exactly
    /// <c>INSI-MANU</c> (user-triggered calls) or <c>INSI-AUTO</c> (unattended calls), otherwise INSi answers
    /// <c>desir_560</c>.</summary>
    /// <param name="certificate">The organisation certificate.</param>
    /// <exception cref="SegurAuthenticationException">The CN is something else (<c>SGR-2511</c>).</exception>
    public static void CheckOrganisationCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, false);
        if (cn is not ("INSI-MANU" or "INSI-AUTO"))
        {
            throw new SegurAuthenticationException(InsErrorCodes.InsiCertificateCommonName,
                $"The organisation certificate's CN is '{cn}', but INSi accepts only CN=INSI-MANU or CN=INSI-AUTO (it would answer desir_560). Order an IGC-Santé ORG AUTH_CLI certificate with one of these names.");
        }
    }

    /// <summary>Searches an identity by traits (WS_INS2, <c>rechercherInsAvecTraitsIdentite</c>).</summary>
    /// <param name="query">The traits.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Found (with INS, history and traits), not found or several, with the next step to try.</returns>
    /// <exception cref="InsiFaultException">INSi answered with a fault.</exception>
    /// <exception cref="SegurAuthenticationException">The credential is unusable for INSi.</exception>
    /// <exception cref="SegurTransportException">The network failed or timed out, after retries.</exception>
    /// <exception cref="SegurProtocolException">The answer is unreadable.</exception>
    public virtual Task<InsiSearchResult> SearchByTraitsAsync(InsiTraitsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ExecuteAsync("rechercherInsAvecTraitsIdentite", InsiRequestWriter.TraitsAction, null, null,
            w => InsiRequestWriter.WriteTraitsBody(w, query),
            (result, messageId) => InsiResponseReader.ReadSearch(result, query, messageId), cancellationToken);
    }

    /// <summary>Searches by traits with the first-name strategy: each birth first name alone, in order, then the whole
    /// list; on "several identities" the birth place is added when known. Stops at the first identity found or fault.</summary>
    /// <param name="traits">The patient's strict traits (birth place optional).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The first result that found an identity; otherwise the last one, with <see cref="InsiNextStep.CheckTraits"/>
    /// when every first-name variant found nobody.</returns>
    /// <exception cref="InsiFaultException">INSi answered with a fault.</exception>
    /// <exception cref="SegurTransportException">The network failed or timed out, after retries.</exception>
    public virtual async Task<InsiSearchResult> SearchWithFirstNameStrategyAsync(InsTraits traits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var variants = traits.GivenNames.Distinct(StringComparer.Ordinal).ToList();
        if (traits.GivenNames.Count > 1)
        {
            variants.Add(traits.GivenNameList);
        }

        InsiSearchResult? last = null;
        foreach (var firstNames in variants)
        {
            var query = new InsiTraitsQuery(traits.BirthName, firstNames, traits.Sex, traits.BirthDate);
            last = await SearchByTraitsAsync(query, cancellationToken).ConfigureAwait(false);
            if (last.Outcome == InsiSearchOutcome.Several && traits.BirthPlace is not null)
            {
                last = await SearchByTraitsAsync(query.WithBirthPlace(traits.BirthPlace), cancellationToken).ConfigureAwait(false);
            }

            if (last.Outcome != InsiSearchOutcome.NotFound)
            {
                return last;
            }
        }

        return new InsiSearchResult(last!.Outcome, last.ReturnCode, last.ReturnLabel, null, InsiNextStep.CheckTraits, last.Warnings, last.MessageId, last.RawResult);
    }

    /// <summary>Searches an identity with the data read from a Vitale card (WS_INS1, <c>rechercherInsAvecCarteVitale</c>).</summary>
    /// <param name="query">The card data.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InsiFaultException">INSi answered with a fault.</exception>
    /// <exception cref="SegurValidationException">The Vitale assertion is not a SAML assertion (<c>SGR-2501</c>).</exception>
    /// <exception cref="SegurTransportException">The network failed or timed out, after retries.</exception>
    public virtual Task<InsiSearchResult> SearchWithVitaleAsync(InsiVitaleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var vitaleAssertion = query.LoadVitaleAssertion();
        return ExecuteAsync("rechercherInsAvecCarteVitale", InsiRequestWriter.VitaleAction, query, vitaleAssertion,
            w => InsiRequestWriter.WriteVitaleBody(w, query),
            (result, messageId) => InsiResponseReader.ReadSearch(result, null, messageId), cancellationToken);
    }

    /// <summary>Verifies an INS with its traits (WS_INS3). The contract is not public: the operation follows
    /// <see cref="InsiClientOptions.Verification"/>, whose defaults are assumptions to replace with the GIE contract.</summary>
    /// <param name="ins">The INS to verify.</param>
    /// <param name="traits">The traits recorded with it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether INSi confirmed them.</returns>
    /// <exception cref="InsiFaultException">INSi answered with a fault.</exception>
    /// <exception cref="SegurTransportException">The network failed or timed out, after retries.</exception>
    public virtual Task<InsiVerificationResult> VerifyAsync(InsIdentifier ins, InsTraits traits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ins);
        ArgumentNullException.ThrowIfNull(traits);
        var contract = _options.Verification;
        return ExecuteAsync(contract.OperationName, contract.Action, null, null,
            w => InsiRequestWriter.WriteVerificationBody(w, contract, ins, traits),
            (result, messageId) =>
            {
                var (code, label) = InsiResponseReader.ReadReturnCode(result);
                return new InsiVerificationResult(code, label, messageId, result.OuterXml);
            },
            cancellationToken, findResult: static (content, body) => content ?? throw new SegurProtocolException(InsErrorCodes.InsiResponseInvalid, "The INSi verification response has an empty body."));
    }

    /// <summary>Builds the request of one attempt (exposed to tests to validate it against the XSDs).</summary>
    internal async Task<SoapRequest> BuildRequestAsync(string action, InsiVitaleQuery? vitale, XmlElement? vitaleAssertion, Action<XmlWriter> writeBody,
        CancellationToken cancellationToken)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var emetteur = _options.Emetteur;
        List<XmlElement>? assertions = null;
        if (_options.AuthenticationMode == InsiAuthenticationMode.OrganisationCertificate)
        {
            if (_options.Credential is { } credential)
            {
                var certificate = await credential.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
                CheckOrganisationCertificate(certificate);
                emetteur ??= OrganisationalUnit(certificate);
            }
        }
        else
        {
            XmlElement assertion;
            try
            {
                assertion = await _assertionBuilder.BuildAsync(_options.Credential, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (SegurException or OperationCanceledException))
            {
                throw new SegurAuthenticationException(InsErrorCodes.InsiAssertionFailed, "The CPx assertion PS could not be built or signed.", innerException: ex);
            }

            assertions = [assertion];
            if (vitaleAssertion is not null)
            {
                assertions.Add(vitaleAssertion);
            }
        }

        var request = new SoapRequest(_endpoint, action, writeBody) { MessageId = "uuid:" + InsiRequestWriter.NewId() };
        if (assertions is not null)
        {
            request.Headers.Add(InsiRequestWriter.Security(assertions));
        }

        request.Headers.Add(InsiRequestWriter.ContexteLps(_options, emetteur, now));
        request.Headers.Add(InsiRequestWriter.ContexteBam(emetteur, now, vitale));
        return request;
    }

    private async Task<T> ExecuteAsync<T>(string operation, string action, InsiVitaleQuery? vitale, XmlElement? vitaleAssertion, Action<XmlWriter> writeBody,
        Func<XmlElement, string, T> read, CancellationToken cancellationToken, Func<XmlElement?, XmlElement, XmlElement>? findResult = null)
    {
        using var activity = Source.StartActivity("INSi " + operation, ActivityKind.Client);
        activity?.SetTag("rpc.system", "soap");
        activity?.SetTag("rpc.method", operation);
        try
        {
            var result = await SegurResilience.ExecuteAsync(_pipeline, async ct =>
            {
                var request = await BuildRequestAsync(action, vitale, vitaleAssertion, writeBody, ct).ConfigureAwait(false);
                LogCalling(_logger, operation, request.MessageId ?? string.Empty);
                SoapResponse response;
                try
                {
                    response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
                }
                catch (SegurServiceException ex) when (ex is not InsiFaultException && ex.ErrorCode is CoreErrorCodes.SoapSenderFault or CoreErrorCodes.SoapReceiverFault)
                {
                    throw Remap(ex);
                }

                using (response)
                {
                    if (response.Envelope.Fault is { } fault)
                    {
                        throw _faultMapper.Map(fault);
                    }

                    var body = response.Envelope.Body;
                    var element = findResult is null ? InsiResponseReader.FindResult(response.Envelope.BodyContent, body) : findResult(response.Envelope.BodyContent, body);
                    return read(element, request.MessageId ?? string.Empty);
                }
            }, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var described = Describe(result);
                LogAnswered(_logger, operation, described);
            }

            return result;
        }
        catch (SegurException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag(SegurDiagnostics.ErrorTypeTag, ex.ErrorCode);
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                LogFailed(_logger, operation, ex.ErrorCode, ex.IsTransient, (ex as SegurServiceException)?.ServiceCode ?? string.Empty);
            }

            throw;
        }
    }

    private string Describe<T>(T result) => result switch
    {
        InsiSearchResult search => search.Identity is { Ins: { } ins }
            ? $"{search.ReturnCode} {Sensitive.Show(ins.Matricule.Value, _options.EnableSensitiveDataLogging)}"
            : search.ReturnCode,
        InsiVerificationResult verification => verification.ReturnCode,
        _ => string.Empty,
    };

    /// <summary>A transport without the INSi mapper mapped the fault generically: map it again from its raw XML.</summary>
    private SegurException Remap(SegurServiceException ex)
    {
        if (ex.RawFault is null)
        {
            return ex;
        }

        try
        {
            var document = Segur.Xml.SafeXml.LoadDocument(
                $"<soap:Envelope xmlns:soap=\"{SoapNamespaces.Soap12}\" xmlns:env=\"{SoapNamespaces.Soap12}\" xmlns:S=\"{SoapNamespaces.Soap12}\" xmlns:siram=\"{InsiFaultMapper.SiramNamespace}\"><soap:Body>{ex.RawFault}</soap:Body></soap:Envelope>");
            return SoapEnvelope.FromDocument(document).Fault is { } fault ? _faultMapper.Map(fault) : ex;
        }
        catch (SegurException)
        {
            return ex;
        }
    }

    private static string? OrganisationalUnit(X509Certificate2 certificate)
    {
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.11")
            {
                return rdn.GetSingleElementValue();
            }
        }

        return null;
    }

    /// <summary>Releases the HTTP client created by <see cref="CreateAsync"/>.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
        }
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Debug, Message = "INSi {Operation} sending message {MessageId}")]
    private static partial void LogCalling(ILogger logger, string operation, string messageId);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Debug, Message = "INSi {Operation} answered {Result}")]
    private static partial void LogAnswered(ILogger logger, string operation, string result);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "INSi {Operation} failed with {ErrorCode} (transient: {IsTransient}, service code: {ServiceCode})")]
    private static partial void LogFailed(ILogger logger, string operation, string errorCode, bool isTransient, string serviceCode);
}
