using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Logging;
using Polly;
using Segur.Audit;
using Segur.Diagnostics;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Vihf;
using Segur.Resilience;
using Segur.Security;
using Segur.Soap;

namespace Segur.Dmp.Client;

/// <summary>The DMP web services a call goes to (<c>https://host/si-dmp-server/v2/services/&lt;svc&gt;</c>).</summary>
public enum DmpService
{
    /// <summary><c>registry</c>: ITI-18, ITI-57.</summary>
    Registry,

    /// <summary><c>repository</c>: ITI-41, ITI-43.</summary>
    Repository,

    /// <summary><c>patients</c>: TD0.2, TD0.4, TD0.5.</summary>
    Patients,

    /// <summary><c>habilitations</c>: TD0.3.</summary>
    Habilitations,
}

/// <summary>
/// The DMP client: implements <see cref="IDmpClient"/> over SOAP 1.2 with a fresh VIHF token per call, mutual TLS,
/// the Segur resilience pipeline and one audit record per action.
/// </summary>
/// <remarks>
/// <para>Each call: local access rules (<see cref="DmpAccessPolicy"/>), a freshly signed VIHF in <c>wsse:Security</c>,
/// WS-Addressing (<c>Action</c> mustUnderstand, <c>MessageID</c>, <c>To</c>, anonymous <c>ReplyTo</c>), MTOM when
/// documents are attached. Idempotent calls (TD0.x, TD3.1, TD3.2) go through the resilience pipeline and are retried
/// on transient failures; TD2.1 and TD3.3 are sent once, and a failure after the request may have reached the DMP
/// becomes a transient <see cref="SegurTransportException"/> <c>SGR-4214</c> (outcome unknown: check before resending).</para>
/// <para>Faults → <see cref="SegurServiceException"/> <c>SGR-4210</c>/<c>SGR-4211</c> or
/// <see cref="SegurAuthenticationException"/> <c>SGR-4212</c>, raw fault kept. Telemetry: activities <c>DMP {action}</c>
/// on the <c>Segur.Dmp</c> source; log events 4201–4204. Thread-safe; one instance per application.</para>
/// <para>This file holds the shared plumbing; each group of transactions is in its own partial file
/// (<c>DmpClient.Td0.cs</c>, <c>DmpClient.Xds.cs</c>).</para>
/// </remarks>
public partial class DmpClient : IDmpClient, IDisposable
{
    private static readonly ActivitySource Source = new(SegurDiagnostics.Dmp);
    private readonly DmpClientOptions _options = null!;
    private readonly ISoapTransport _transport = null!;
    private readonly ResiliencePipeline _pipeline = null!;
    private readonly ResiliencePipeline _singleShot = null!;
    private readonly DmpFaultMapper _faultMapper = null!;
    private readonly VihfBuilder _vihf = null!;
    private readonly DmpAccessPolicy _access = null!;
    private readonly ILogger _logger = null!;
    private readonly HttpClient? _ownedHttpClient;

    /// <summary>For mocking.</summary>
    protected DmpClient()
    {
    }

    /// <summary>Creates a client over a SOAP transport (an <see cref="HttpSoapTransport"/> whose <see cref="HttpClient"/>
    /// presents the TLS credential, the DMP simulator, or a test fake).</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="transport">The transport; not disposed by the client.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>, listing every problem).</exception>
    public DmpClient(DmpClientOptions options, ISoapTransport transport)
        : this(options, transport, null)
    {
    }

    private DmpClient(DmpClientOptions options, ISoapTransport transport, HttpClient? ownedHttpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.ThrowIfInvalid();
        _options = options;
        _transport = transport;
        _ownedHttpClient = ownedHttpClient;
        _faultMapper = new DmpFaultMapper(options.TransientFaultCodes);
        _vihf = new VihfBuilder(options);
        _access = new DmpAccessPolicy(options.ConsentStore, options.Access);
        _logger = options.LoggerFactory.CreateLogger<DmpClient>();
        _pipeline = SoapClientBuilding.ResolvePipeline(options.Pipeline, options.PipelineProvider, SegurDiagnostics.Dmp, options.TimeProvider);
        _singleShot = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }.AddTimeout(options.NonIdempotentTimeout).Build();
    }

    /// <summary>The settings (read them; do not change them after construction).</summary>
    public virtual DmpClientOptions Options => _options;

    /// <summary>The local access rules the client applies (the send queue uses them to hold documents).</summary>
    public virtual DmpAccessPolicy AccessPolicy => _access;

    /// <summary>Creates a client with its own HTTPS transport: TLS 1.2+ with <see cref="DmpClientOptions.TlsCredential"/>
    /// as client certificate, the server certificate checked against <see cref="DmpClientOptions.ServerTrust"/>.
    /// Dispose the client to release the connection pool.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels reading the TLS certificate.</param>
    /// <returns>The client.</returns>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>), the TLS credential is
    /// missing (<c>SGR-4206</c>) or has no usable private key (<c>SGR-1332</c>).</exception>
    public static async Task<DmpClient> CreateAsync(DmpClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        if (options.TlsCredential is null)
        {
            throw new SegurValidationException(DmpErrorCodes.TlsCredentialMissing,
                "DmpClientOptions.TlsCredential is required: the CPS card (DIRECTE) or the ORG AUTH_CLI certificate (indirect modes).")
            {
                Field = nameof(DmpClientOptions.TlsCredential),
            };
        }

        return await SoapClientBuilding.CreateHttpsClientAsync(new SegurHttpHandlerOptions
        {
            ClientCredential = options.TlsCredential,
            ServerTrust = options.ServerTrust ?? IgcSanteTrust.Production,
            Validation = options.ServerCertificateValidation,
            CheckHostName = options.CheckServerHostName,
        }, options.HttpTimeout, new HttpSoapTransportOptions
        {
            FaultMapper = new DmpFaultMapper(options.TransientFaultCodes),
            LoggerFactory = options.LoggerFactory,
            TimeProvider = options.TimeProvider,
            EnableSensitiveDataLogging = options.EnableSensitiveDataLogging,
        }, (transport, http) => new DmpClient(options, transport, http), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one DMP call: applies the access rules, builds the VIHF for <see cref="DmpCall.User"/> and
    /// <see cref="DmpCall.Patient"/>, sends through the resilience pipeline (idempotent calls only), maps SOAP
    /// faults, and writes the audit record. The caller disposes the response.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response (with MTOM attachments when the service sent any).</returns>
    internal virtual async Task<SoapResponse> SendAsync(DmpCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(call.User);
        using var activity = Source.StartActivity("DMP " + call.AuditAction, ActivityKind.Client);
        activity?.SetTag("rpc.system", "soap");
        activity?.SetTag("rpc.method", call.Action);
        string? messageId = null;
        try
        {
            await CheckAccessAsync(call, cancellationToken).ConfigureAwait(false);
            var endpoint = _options.ResolveEndpoint(call.Service);
            SoapResponse response;
            if (call.Idempotent)
            {
                response = await SegurResilience.ExecuteAsync(_pipeline, async ct =>
                {
                    var (request, id) = await BuildRequestAsync(call, endpoint, ct).ConfigureAwait(false);
                    messageId = id;
                    return await SendOnceAsync(request, id, call, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var (request, id) = await BuildRequestAsync(call, endpoint, cancellationToken).ConfigureAwait(false);
                messageId = id;
                try
                {
                    response = await SegurResilience.ExecuteAsync(_singleShot, ct => new ValueTask<SoapResponse>(SendOnceAsync(request, id, call, ct)),
                        cancellationToken).ConfigureAwait(false);
                }
                catch (SegurException ex) when (MayHaveReachedDmp(ex))
                {
                    throw new SegurTransportException(DmpErrorCodes.DmpOutcomeUnknown,
                        $"The DMP call {call.AuditAction} failed after the request may have reached the DMP ({ex.ErrorCode}): the outcome is unknown. Check with TD3.1 before sending again.",
                        isTransient: true, ex.RawFault, ex);
                }
            }

            if (call.CheckResponse is { } check)
            {
                try
                {
                    check(response);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }

            await AuditAsync(call, "success", null, messageId).ConfigureAwait(false);
            return response;
        }
        catch (SegurException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.ErrorCode);
            activity?.SetTag(SegurDiagnostics.ErrorTypeTag, ex.ErrorCode);
            LogFailed(_logger, call.AuditAction, ex.ErrorCode, ex.IsTransient);
            await AuditAsync(call, Outcome(ex), ex.ErrorCode, messageId).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await AuditAsync(call, messageId is null ? "cancelled" : "unknown", null, messageId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a call and reads its reply inside <see cref="DmpCall.CheckResponse"/>, so that a refusing or
    /// malformed reply is audited as a failure, not as a success.</summary>
    /// <typeparam name="T">What the reply gives.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="read">Reads the reply; throws a <see cref="SegurException"/> for a refusal or a malformed reply.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    private async Task<T> SendAndReadAsync<T>(DmpCall call, Func<SoapResponse, T> read, CancellationToken cancellationToken)
    {
        T result = default!;
        var checkedCall = call with { CheckResponse = response => result = read(response) };
        using var response = await SendAsync(checkedCall, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Builds the request of one attempt (fresh VIHF, fresh MessageID); exposed to tests.</summary>
    internal async Task<(SoapRequest Request, string MessageId)> BuildRequestAsync(DmpCall call, Uri endpoint, CancellationToken cancellationToken)
    {
        XmlElement assertion;
        try
        {
            assertion = await _vihf.BuildAsync(call.User, call.Patient, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (SegurException or OperationCanceledException))
        {
            throw new SegurAuthenticationException(DmpErrorCodes.VihfSigningFailed, "The VIHF token could not be built or signed.", innerException: ex);
        }

        var messageId = SoapAddressing.NewMessageId();
        var request = new SoapRequest(endpoint, call.Action, call.WriteBody)
        {
            // WS-Addressing is written below as header blocks so that Action carries mustUnderstand (dmp.md §1).
            WriteAddressing = false,
            FaultMapper = _faultMapper,
            UseMtom = call.Attachments.Count > 0,
        };
        request.Headers.Add(Text("Action", call.Action, mustUnderstand: true));
        request.Headers.Add(Text("MessageID", messageId));
        request.Headers.Add(Text("To", endpoint.AbsoluteUri));
        request.Headers.Add(SoapHeaderBlock.Create("wsa", "ReplyTo", SoapNamespaces.Addressing,
            w => w.WriteElementString("wsa", "Address", SoapNamespaces.Addressing, SoapNamespaces.AddressingAnonymous)));
        request.Headers.Add(SoapHeaderBlock.Create("wsse", "Security", DmpFaultMapper.WsseNamespace, assertion.WriteTo,
            _options.Vihf.SecurityHeaderMustUnderstand));
        foreach (var attachment in call.Attachments)
        {
            request.Attachments.Add(attachment);
        }

        return (request, messageId);

        static SoapHeaderBlock Text(string name, string value, bool mustUnderstand = false) =>
            SoapHeaderBlock.Create("wsa", name, SoapNamespaces.Addressing, w => w.WriteString(value), mustUnderstand);
    }

    private async Task<SoapResponse> SendOnceAsync(SoapRequest request, string messageId, DmpCall call, CancellationToken cancellationToken)
    {
        LogSending(_logger, call.AuditAction, messageId);
        SoapResponse response;
        try
        {
            response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurServiceException ex) when (ex.ErrorCode is CoreErrorCodes.SoapSenderFault or CoreErrorCodes.SoapReceiverFault)
        {
            throw Remap(ex);
        }

        try
        {
            if (response.Envelope.Fault is { } fault)
            {
                throw _faultMapper.Map(fault);
            }

            response.Envelope.Addressing.EnsureRelatesTo(messageId);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A transport that mapped the fault generically (no request mapper support): map it again from its raw XML.</summary>
    private SegurException Remap(SegurServiceException ex)
    {
        if (ex.RawFault is null)
        {
            return ex;
        }

        try
        {
            var fault = SoapEnvelope.Parse($"<s:Envelope xmlns:s=\"{SoapNamespaces.Soap12}\"><s:Body>{ex.RawFault}</s:Body></s:Envelope>").Fault;
            return fault is null ? ex : _faultMapper.Map(fault);
        }
        catch (SegurException)
        {
            return ex;
        }
    }

    /// <summary>Whether a failure of a non-idempotent call may have happened after the DMP received the request.</summary>
    private static bool MayHaveReachedDmp(SegurException ex)
    {
        if (ex is SegurValidationException or SegurAuthenticationException or SegurCardException or DmpAccessDeniedException)
        {
            return false;
        }

        if (ex.ErrorCode is CoreErrorCodes.CircuitOpen or CoreErrorCodes.ServerCertificateUntrusted)
        {
            return false;
        }

        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError })
            {
                return false;
            }
        }

        return ex switch
        {
            SegurTransportException => true,
            SegurProtocolException => true,
            SegurServiceException service => service.IsTransient,
            _ => false,
        };
    }

    private async Task CheckAccessAsync(DmpCall call, CancellationToken cancellationToken)
    {
        VihfBuilder.Validate(call.User);
        var user = call.User;
        if (user.AccessMode != DmpAccessMode.Normal && string.IsNullOrWhiteSpace(user.AccessReason))
        {
            throw new DmpAccessDeniedException(DmpErrorCodes.AccessReasonMissing,
                "Break-glass and centre 15 access need a reason: enter why this emergency access is needed.");
        }

        if (!_options.Access.Enforce)
        {
            return;
        }

        switch (call.Kind)
        {
            case DmpCallKind.Feed when call.Patient is not null:
                (await _access.EvaluateFeedingAsync(call.Patient, user, cancellationToken).ConfigureAwait(false)).ThrowIfDenied();
                foreach (var visibility in call.DocumentVisibilities)
                {
                    _access.EvaluateVisibility(visibility, user).ThrowIfDenied();
                }

                break;
            case DmpCallKind.Consult when call.Patient is not null:
                (await _access.EvaluateConsultationAsync(call.Patient, user, null, cancellationToken).ConfigureAwait(false)).ThrowIfDenied();
                break;
            case DmpCallKind.Manage when call.Entry is not null && call.Update is not null:
                _access.EvaluateUpdate(call.Entry, call.Update, user).ThrowIfDenied();
                break;
            default:
                break;
        }
    }

    private async Task AuditAsync(DmpCall call, string outcome, string? errorCode, string? messageId)
    {
        if (_options.AuditTrail is not { } trail)
        {
            return;
        }

        var user = call.User;
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["authenticationMode"] = VihfBuilder.ModeValue(user.Mode),
            ["accessMode"] = VihfBuilder.AccessModeValue(user.AccessMode),
            ["service"] = call.Service.ToString(),
            ["structure"] = user.Structure.Value,
        };
        if (user.AccessMode != DmpAccessMode.Normal && !string.IsNullOrWhiteSpace(user.AccessReason))
        {
            details["accessReason"] = user.AccessReason.Trim();
        }

        if (user.SecretConnection)
        {
            details["secretConnection"] = "true";
        }

        var target = new List<string>(2);
        if (call.Patient is not null && _options.AuditPatientKey is { } key)
        {
            target.Add("patient:" + Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(call.Patient.PatientId)), 0, 16).ToLowerInvariant());
        }

        if (!string.IsNullOrWhiteSpace(call.AuditTarget))
        {
            target.Add(call.AuditTarget);
        }

        var record = new AuditRecord
        {
            Timestamp = _options.TimeProvider.GetUtcNow(),
            Actor = user.User.Value,
            Action = call.AuditAction,
            Target = target.Count == 0 ? null : string.Join(' ', target),
            Outcome = outcome,
            ErrorCode = errorCode,
            CorrelationId = messageId ?? Activity.Current?.TraceId.ToString(),
            Details = details,
        };
        try
        {
            await trail.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SegurException or IOException or UnauthorizedAccessException)
        {
            // The DMP call's own result matters more (a fed document must not be resent because the trace failed).
            LogAuditFailed(_logger, call.AuditAction, ex);
        }
    }

    private static string Outcome(SegurException ex) => ex switch
    {
        DmpAccessDeniedException => "refused",
        { ErrorCode: DmpErrorCodes.DmpOutcomeUnknown } => "unknown",
        SegurServiceException { IsTransient: false } or SegurAuthenticationException { ErrorCode: DmpErrorCodes.DmpSecurityRefused } => "refused",
        _ => "failure",
    };

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

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug, Message = "DMP {Action} sending message {MessageId}")]
    private static partial void LogSending(ILogger logger, string action, string messageId);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "DMP {Action} failed with {ErrorCode} (transient: {IsTransient})")]
    private static partial void LogFailed(ILogger logger, string action, string errorCode, bool isTransient);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Error, Message = "DMP {Action}: the audit record could not be written")]
    private static partial void LogAuditFailed(ILogger logger, string action, Exception exception);
}

/// <summary>One call to the DMP, as the transaction methods describe it to <see cref="DmpClient.SendAsync"/>.</summary>
/// <param name="Service">The service.</param>
/// <param name="Action">The SOAP action (WS-Addressing Action).</param>
/// <param name="WriteBody">Writes the SOAP body content.</param>
/// <param name="User">Who acts.</param>
/// <param name="Patient">The patient (VIHF resource-id), or null for TD0.4/TD0.5.</param>
/// <param name="AuditAction">The audit action name, e.g. <c>dmp.td21.submit</c>.</param>
/// <param name="Kind">Whether the call feeds, consults or manages (drives the access rules).</param>
internal sealed record DmpCall(DmpService Service, string Action, Action<XmlWriter> WriteBody, DmpUserContext User,
    DmpPatient? Patient, string AuditAction, DmpCallKind Kind)
{
    private readonly bool? _idempotent;

    /// <summary>MTOM attachments (ITI-41 documents); empty for plain SOAP.</summary>
    public IReadOnlyList<MtomAttachment> Attachments { get; init; } = [];

    /// <summary>Audit target details (uniqueId…), no personal data.</summary>
    public string? AuditTarget { get; init; }

    /// <summary>Whether sending the call twice is harmless, so transient failures are retried. Default: true for
    /// <see cref="DmpCallKind.Administrative"/> and <see cref="DmpCallKind.Consult"/> (TD0.x, TD3.1, TD3.2), false for
    /// <see cref="DmpCallKind.Feed"/> and <see cref="DmpCallKind.Manage"/> (TD2.1, TD3.3).</summary>
    public bool Idempotent
    {
        get => _idempotent ?? Kind is DmpCallKind.Administrative or DmpCallKind.Consult;
        init => _idempotent = value;
    }

    /// <summary>For a feed: the visibility flags of each document sent (checked against the secret connection and the
    /// MASQUE_PS + INVISIBLE_PATIENT rule).</summary>
    public IReadOnlyList<DmpVisibility> DocumentVisibilities { get; init; } = [];

    /// <summary>For TD3.3: the entry changed (its author is checked before a delete).</summary>
    public DmpDocumentEntry? Entry { get; init; }

    /// <summary>For TD3.3: the change.</summary>
    public DmpDocumentUpdate? Update { get; init; }

    /// <summary>Checks the answer's business status (e.g. an ebRS RegistryResponse Failure) before the call is
    /// audited as a success; throws the mapped <see cref="SegurException"/>, which is audited as the outcome.</summary>
    public Action<SoapResponse>? CheckResponse { get; init; }
}

/// <summary>What a call does, for the access rules.</summary>
internal enum DmpCallKind
{
    /// <summary>TD0.x: existence, authorisation, lists.</summary>
    Administrative,

    /// <summary>TD2.1: feeding (no authorisation needed).</summary>
    Feed,

    /// <summary>TD3.1/TD3.2: consultation (authorisation or break-glass/centre 15).</summary>
    Consult,

    /// <summary>TD3.3: hide, visibility, archive, delete.</summary>
    Manage,
}
