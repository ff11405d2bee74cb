using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Security;
using Segur.Soap;
using Segur.Testing.Pki;

namespace Segur.Testing.Dmp;

/// <summary>
/// A DMP simulator on <c>https://127.0.0.1:&lt;port&gt;/si-dmp-server/v2/services/{registry,repository,patients,habilitations}</c>
/// (Kestrel, mutual TLS with <see cref="TestPki"/> certificates, or plain HTTP for unit tests) that behaves like the
/// service: SOAP 1.2 dispatch on the WS-Addressing action, VIHF checks, patients and authorisations, TD0.2–TD0.5,
/// ITI-41 (MTOM) with the DMP's metadata rules, ITI-18 stored queries, ITI-43 (MTOM answer), ITI-57, access rules,
/// injected failures (HTTP errors, SOAP faults, registry failures, timeouts before and after commit, resets, slowness,
/// network down) and an inspection API. Every rule follows the public facts of the DMP documentation; where the DMP's
/// behaviour is not public (fault codes, TD0.3/TD0.4 bodies) the choice is documented and configurable.
/// </summary>
public sealed partial class DmpSimulator : IAsyncDisposable
{
    /// <summary>The path of the services under the base address.</summary>
    public const string ServicesPath = "/si-dmp-server/v2/services/";

    private readonly WebApplication _app;
    private readonly bool _ownsPki;
    private readonly DmpSimulatorState _state = new();
    private readonly ConcurrentQueue<DmpSimulatorRequest> _requests = new();
    private readonly ConcurrentQueue<DmpReceivedVihf> _vihfs = new();
    private readonly List<FaultRule> _faults = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _networkDown;

    private DmpSimulator(WebApplication app, DmpSimulatorOptions options, TestPki pki, bool ownsPki, X509Certificate2? serverCertificate)
    {
        _app = app;
        Options = options;
        Pki = pki;
        _ownsPki = ownsPki;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The settings the simulator runs with (switches such as <see cref="DmpSimulatorOptions.AllowMaskedAndInvisible"/>
    /// may be changed while it runs).</summary>
    public DmpSimulatorOptions Options { get; }

    /// <summary>The base address, e.g. <c>https://127.0.0.1:5123/</c>; services are under <see cref="ServicesPath"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The test PKI: trust its <see cref="TestPki.Trust"/> on the client side and issue client and VIHF
    /// signing certificates from it.</summary>
    public TestPki Pki { get; }

    /// <summary>The server's TLS certificate, or <see langword="null"/> in plain HTTP.</summary>
    public X509Certificate2? ServerCertificate { get; }

    /// <summary>The public test patients of the DMP documentation, preloaded unless
    /// <see cref="DmpSimulatorOptions.PreloadTestIdentities"/> is off: <c>279035121518989</c> (active DMP, attached to
    /// Mon espace santé, <c>899900063480</c> authorised and médecin traitant), <c>207058575627097</c> (active DMP, no
    /// authorisation, <c>OPPOSITION_BRIS_DE_GLACE</c>), <c>277076322082910</c> (no DMP). All use OID
    /// <c>1.2.250.1.213.1.4.10</c>.</summary>
    public static IReadOnlyList<string> TestPatients { get; } = ["279035121518989", "207058575627097", "277076322082910"];

    /// <summary>The public test professionals (PS_IdNat): <c>899900063480</c> (authorised on the first test patient),
    /// <c>801234534765</c> (no authorisation).</summary>
    public static IReadOnlyList<string> TestProfessionals { get; } = ["899900063480", "801234534765"];

    /// <summary>When set, every connection is dropped at once without an answer (a network failure). Nothing is done.</summary>
    public bool NetworkDown
    {
        get => _networkDown;
        set => _networkDown = value;
    }

    /// <summary>The requests received, in order.</summary>
    public IReadOnlyList<DmpSimulatorRequest> Requests => [.. _requests];

    /// <summary>The VIHF tokens received, in order (with what the simulator read and whether it refused them).</summary>
    public IReadOnlyList<DmpReceivedVihf> ReceivedVihfs => [.. _vihfs];

    /// <summary>The URL of one service.</summary>
    /// <param name="service">The service.</param>
    /// <returns>For example <c>https://127.0.0.1:5123/si-dmp-server/v2/services/repository</c>.</returns>
    public Uri GetServiceUri(DmpService service) => new(BaseAddress, ServicesPath + ServiceName(service));

    /// <summary>Starts a simulator.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator; dispose it to stop.</returns>
    public static async Task<DmpSimulator> StartAsync(DmpSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DmpSimulatorOptions();
        var ownsPki = options.Pki is null;
        var pki = options.Pki ?? TestPki.Create(options.TimeProvider, "DMP SIMULATOR");
        var serverCertificate = options.UseHttp ? null : pki.IssueTlsServerCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (!options.UseHttp)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 256L * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.UseHttp)
                {
                    return;
                }

                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) =>
                        pki.Trust.Evaluate(certificate, new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = options.TimeProvider }).IsTrusted;
                });
            });
        });
        var app = builder.Build();
        var simulator = new DmpSimulator(app, options, pki, ownsPki, serverCertificate);
        if (options.PreloadTestIdentities)
        {
            simulator.PreloadTestIdentities();
        }

        app.Run(simulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        simulator.BaseAddress = new Uri($"{(options.UseHttp ? "http" : "https")}://127.0.0.1:{port}/");
        return simulator;
    }

    /// <summary>Stops the server; held requests are dropped.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        if (_ownsPki)
        {
            Pki.Dispose();
        }
    }

    internal static string ServiceName(DmpService service) => service switch
    {
        DmpService.Registry => "registry",
        DmpService.Repository => "repository",
        DmpService.Patients => "patients",
        DmpService.Habilitations => "habilitations",
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    private void PreloadTestIdentities()
    {
        var now = Options.TimeProvider.GetUtcNow();
        var first = new DmpSimulatorPatient(TestPatients[0])
        {
            FamilyName = "DUPONT", GivenName = "JEANNE", BirthDate = new DateOnly(1979, 3, 15), Sex = "F", PostalCode = "75012",
            TreatingPhysician = TestProfessionals[0], CreatedAt = now,
        };
        var second = new DmpSimulatorPatient(TestPatients[1])
        {
            FamilyName = "MARTIN", GivenName = "LUC", BirthDate = new DateOnly(2007, 5, 8), Sex = "M", PostalCode = "69003",
            AttachedToMonEspaceSante = false, InternetAccountOpen = false, CreatedAt = now,
        };
        second.Oppositions.Add(DmpCodes.OppositionBreakGlass);
        var third = new DmpSimulatorPatient(TestPatients[2])
        {
            FamilyName = "DURAND", GivenName = "MARIE", BirthDate = new DateOnly(1977, 7, 6), Sex = "F", State = DmpState.NotFound,
            AttachedToMonEspaceSante = false, InternetAccountOpen = false,
        };
        AddPatient(first);
        AddPatient(second);
        AddPatient(third);
        SetAuthorization(TestPatients[0], TestProfessionals[0], DmpAuthorization.Valid);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (_networkDown)
        {
            Record(new DmpSimulatorRequest(string.Empty, string.Empty, string.Empty, false, null, "network-down"));
            context.Abort();
            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        var service = path.StartsWith(ServicesPath, StringComparison.Ordinal) ? path[ServicesPath.Length..] : string.Empty;
        if (service is not ("registry" or "repository" or "patients" or "habilitations"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (context.Request.Method != HttpMethods.Post)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        var contentType = context.Request.ContentType ?? string.Empty;
        var isMtom = contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);
        MtomMessage? mtom = null;
        SoapEnvelope? envelope = null;
        string? readError = null;
        try
        {
            if (isMtom)
            {
                mtom = await MtomMessage.ReadAsync(context.Request.Body, contentType, cancellationToken: linked.Token).ConfigureAwait(false);
                using var root = mtom.Root.OpenRead();
                envelope = SoapEnvelope.Load(root);
            }
            else
            {
                var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, linked.Token).ConfigureAwait(false);
                body.Position = 0;
                envelope = SoapEnvelope.Load(body);
            }
        }
        catch (SegurException ex)
        {
            readError = ex.Message;
        }

        try
        {
            var exchange = new DmpExchange(service, envelope, mtom, context.Connection.ClientCertificate);
            if (readError is not null || envelope is null || envelope.Version != SoapVersion.Soap12)
            {
                await FinishAsync(context, exchange, Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed,
                    readError ?? "The request is not a SOAP 1.2 envelope."), linked.Token).ConfigureAwait(false);
                return;
            }

            var fault = TakeFault(service, exchange.Action);
            switch (fault?.Kind)
            {
                case DmpFaultKind.HttpError:
                    Record(exchange, "injected:" + fault.Kind);
                    context.Response.StatusCode = fault.HttpStatus;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("Service temporairement indisponible (simulateur).", linked.Token).ConfigureAwait(false);
                    return;
                case DmpFaultKind.ConnectionReset:
                    Record(exchange, "injected:" + fault.Kind);
                    context.Abort();
                    return;
                case DmpFaultKind.TimeoutBeforeCommit:
                    Record(exchange, "injected:" + fault.Kind);
                    await HoldAsync(context, linked.Token).ConfigureAwait(false);
                    return;
                case DmpFaultKind.SoapFault:
                    await FinishAsync(context, exchange, Fault(exchange, "env:Receiver", null,
                        fault.Codes.Count > 0 ? fault.Codes[0] : Options.ErrorCodes.Unavailable, "Service indisponible (faute injectée)."), linked.Token).ConfigureAwait(false);
                    return;
                case DmpFaultKind.RegistryFailure:
                    var codes = fault.Codes.Count > 0 ? fault.Codes : ["XDSRegistryBusy"];
                    var injected = IsXdsAction(exchange.Action)
                        ? RegistryFailure(exchange, codes.Select(c => new RegistryError(c, "Erreur injectée par le simulateur.")).ToList())
                        : Fault(exchange, "env:Receiver", null, codes[0], "Erreur injectée par le simulateur.");
                    await FinishAsync(context, exchange, injected, linked.Token).ConfigureAwait(false);
                    return;
                case DmpFaultKind.Slow:
                    await Task.Delay(fault.Delay, Options.TimeProvider, linked.Token).ConfigureAwait(false);
                    break;
            }

            var answer = Process(exchange);
            if (fault?.Kind == DmpFaultKind.TimeoutAfterCommit)
            {
                Record(exchange, "injected:" + fault.Kind + "(" + answer.Outcome + ")");
                await HoldAsync(context, linked.Token).ConfigureAwait(false);
                return;
            }

            await FinishAsync(context, exchange, answer, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
        finally
        {
            mtom?.Dispose();
        }
    }

    private static async Task HoldAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the simulator stops: no answer at all.
        }

        context.Abort();
    }

    private async Task FinishAsync(HttpContext context, DmpExchange exchange, DmpAnswer answer, CancellationToken cancellationToken)
    {
        Record(exchange, answer.Outcome);
        context.Response.StatusCode = answer.Status;
        void WriteEnvelope(XmlWriter writer) => WriteSoapEnvelope(writer, exchange, answer);
        if (answer.Mtom || answer.Attachments.Count > 0)
        {
            var boundary = MtomWriter.NewBoundary();
            context.Response.ContentType = MtomWriter.GetContentType(boundary, "application/soap+xml", answer.ResponseAction);
            var buffer = new MemoryStream();
            await MtomWriter.WriteAsync(buffer, boundary, WriteEnvelope, answer.Attachments, cancellationToken: cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            await buffer.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
            foreach (var attachment in answer.Attachments)
            {
                attachment.Dispose();
            }

            return;
        }

        context.Response.ContentType = "application/soap+xml; charset=utf-8";
        var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) }))
        {
            WriteEnvelope(writer);
        }

        output.Position = 0;
        await output.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
    }

    private static void WriteSoapEnvelope(XmlWriter writer, DmpExchange exchange, DmpAnswer answer)
    {
        const string Wsa = "http://www.w3.org/2005/08/addressing";
        writer.WriteStartElement("env", "Envelope", SoapNamespaces.Soap12);
        writer.WriteAttributeString("xmlns", "wsa", null, Wsa);
        writer.WriteStartElement("env", "Header", SoapNamespaces.Soap12);
        writer.WriteElementString("wsa", "Action", Wsa, answer.ResponseAction ?? "http://www.w3.org/2005/08/addressing/soap/fault");
        writer.WriteElementString("wsa", "MessageID", Wsa, "urn:uuid:" + Guid.NewGuid().ToString("D"));
        if (!string.IsNullOrEmpty(exchange.MessageId))
        {
            writer.WriteElementString("wsa", "RelatesTo", Wsa, exchange.MessageId);
        }

        writer.WriteEndElement();
        writer.WriteStartElement("env", "Body", SoapNamespaces.Soap12);
        answer.WriteBody(writer);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private DmpAnswer Process(DmpExchange exchange)
    {
        var handler = Route(exchange.Service, exchange.Action);
        if (handler is null)
        {
            return Fault(exchange, "env:Sender", "wsa:ActionNotSupported", Options.ErrorCodes.Malformed,
                $"The action '{exchange.Action}' is not served by the {exchange.Service} service.");
        }

        var vihfFault = CheckVihf(exchange);
        if (vihfFault is not null)
        {
            return vihfFault;
        }

        try
        {
            return handler(exchange);
        }
        catch (SegurException ex)
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, ex.Message);
        }
    }

    private Func<DmpExchange, DmpAnswer>? Route(string service, string action) => (service, action) switch
    {
        ("patients", DmpActions.Td02) => HandleTd02,
        ("patients", DmpActions.Td04) => HandleTd04,
        ("patients", DmpActions.Td05) => HandleTd05,
        ("habilitations", DmpActions.Td03) => HandleTd03,
        ("habilitations", DmpActions.Td16) => HandleTd16,
        ("repository", DmpActions.Iti41) => HandleIti41,
        ("repository", DmpActions.Iti43) => HandleIti43,
        ("registry", DmpActions.Iti18) => HandleIti18,
        ("registry", DmpActions.Iti57) => HandleIti57,
        _ => null,
    };

    private static bool IsXdsAction(string action) => action is DmpActions.Iti41 or DmpActions.Iti43 or DmpActions.Iti18 or DmpActions.Iti57;

    private void Record(DmpExchange exchange, string outcome) =>
        Record(new DmpSimulatorRequest(exchange.Service, exchange.Action, exchange.MessageId, exchange.Mtom is not null,
            exchange.ClientCertificate?.Subject, outcome));

    private void Record(DmpSimulatorRequest request)
    {
        lock (_waiters)
        {
            _requests.Enqueue(request);
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until the simulator has logged at least <paramref name="count"/> requests (a request is logged
    /// when answered, refused, or held by an injected timeout).</summary>
    /// <param name="count">The number of requests.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the requests are logged.</returns>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_waiters)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        return signal.Task.WaitAsync(cancellationToken);
    }

    private static DmpAnswer Fault(DmpExchange exchange, string code, string? subcode, string detailCode, string reason)
    {
        const string Ns = "urn:segur:testing:dmp";
        return new DmpAnswer(StatusCodes.Status500InternalServerError, writer =>
        {
            writer.WriteStartElement("env", "Fault", SoapNamespaces.Soap12);
            writer.WriteStartElement("env", "Code", SoapNamespaces.Soap12);
            writer.WriteElementString("env", "Value", SoapNamespaces.Soap12, code);
            if (subcode is not null)
            {
                writer.WriteStartElement("env", "Subcode", SoapNamespaces.Soap12);
                if (subcode.StartsWith("wsse:", StringComparison.Ordinal))
                {
                    writer.WriteStartElement("env", "Value", SoapNamespaces.Soap12);
                    writer.WriteAttributeString("xmlns", "wsse", null, DmpNs.Wsse);
                    writer.WriteString(subcode);
                    writer.WriteEndElement();
                }
                else
                {
                    writer.WriteElementString("env", "Value", SoapNamespaces.Soap12, subcode);
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteStartElement("env", "Reason", SoapNamespaces.Soap12);
            writer.WriteStartElement("env", "Text", SoapNamespaces.Soap12);
            writer.WriteAttributeString("xml", "lang", null, "fr");
            writer.WriteString(reason);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("env", "Detail", SoapNamespaces.Soap12);
            writer.WriteStartElement("dmp", "erreur", Ns);
            writer.WriteAttributeString("code", detailCode);
            writer.WriteString(reason);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
        }, "http://www.w3.org/2005/08/addressing/soap/fault", [], "fault:" + detailCode);
    }
}

/// <summary>The SOAP actions the simulator serves.</summary>
internal static class DmpActions
{
    public const string Td02 = "urn:hl7-org:v3:PRPA_IN201307UV02";
    public const string Td05 = "urn:hl7-org:v3:PRPA_IN201305UV02";
    public const string Td04 = "urn:si-dmp-patients:PatientSpecificEndPoint:patientList";
    public const string Td03 = "urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorization";
    public const string Td16 = "urn:si-dmp-habilitations:HabilitationsEndPoint:listAuthorizationByPatient";
    public const string Iti41 = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
    public const string Iti43 = "urn:ihe:iti:2007:RetrieveDocumentSet";
    public const string Iti18 = "urn:ihe:iti:2007:RegistryStoredQuery";
    public const string Iti57 = "urn:ihe:iti:2010:UpdateDocumentSet";
}

/// <summary>Namespaces.</summary>
internal static class DmpNs
{
    public const string Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public const string Hl7 = "urn:hl7-org:v3";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string Xdsb = "urn:ihe:iti:xds-b:2007";
    public const string Rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
    public const string Rs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
    public const string Lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
    public const string Query = "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0";
}

/// <summary>One request being processed.</summary>
internal sealed class DmpExchange(string service, SoapEnvelope? envelope, MtomMessage? mtom, X509Certificate2? clientCertificate)
{
    public string Service { get; } = service;
    public SoapEnvelope? Envelope { get; } = envelope;
    public MtomMessage? Mtom { get; } = mtom;
    public X509Certificate2? ClientCertificate { get; } = clientCertificate;
    public string Action => Envelope?.Addressing.Action ?? string.Empty;
    public string MessageId => Envelope?.Addressing.MessageId ?? string.Empty;
    public XmlElement? Body => Envelope?.BodyContent;
    public VihfInfo Vihf { get; set; } = null!;
}

/// <summary>An answer: the body writer, the response action, MTOM attachments, the HTTP status and the outcome to log.</summary>
internal sealed record DmpAnswer(int Status, Action<XmlWriter> WriteBody, string? ResponseAction, IReadOnlyList<MtomAttachment> Attachments, string Outcome, bool Mtom = false);

/// <summary>One ebRS RegistryError.</summary>
internal sealed record RegistryError(string Code, string Context, string Severity = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error", string? Location = null);
