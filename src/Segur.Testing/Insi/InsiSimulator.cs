using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segur.Ins.Insi;
using Segur.Security;
using Segur.Soap;
using Segur.Testing.Pki;

namespace Segur.Testing.Insi;

/// <summary>Settings of <see cref="InsiSimulator"/>.</summary>
public sealed class InsiSimulatorOptions
{
    /// <summary>How clients must authenticate, like the two real endpoints.
    /// <value>Default: <see cref="InsiAuthenticationMode.OrganisationCertificate"/> (client certificate required).</value></summary>
    public InsiAuthenticationMode AuthenticationMode { get; set; } = InsiAuthenticationMode.OrganisationCertificate;

    /// <summary>The test PKI issuing the server certificate and trusted for client certificates and assertion
    /// signers. <value>Default: <see langword="null"/>: the simulator creates (and disposes) its own.</value></summary>
    public TestPki? Pki { get; set; }

    /// <summary>The IDAM numbers accepted; any other gets <c>desir_550</c>. <value>Default: <c>TESTSGIE0000</c>.</value></summary>
    public ISet<string> KnownIdams { get; } = new HashSet<string>(StringComparer.Ordinal) { "TESTSGIE0000" };

    /// <summary>The identities known. <value>Default: <see cref="InsiSimulatorIdentity.Qualification"/>.</value></summary>
    public IList<InsiSimulatorIdentity> Identities { get; } = InsiSimulatorIdentity.Qualification();

    /// <summary>Whether answers use a prefixed namespace (<c>ns2:RESULTAT</c>) rather than the default namespace.
    /// <value>Default: <see langword="false"/>.</value></summary>
    public bool UsePrefixedNamespaces { get; set; }

    /// <summary>The contract of the verification operation (WS_INS3) the simulator serves; the client's
    /// <see cref="InsiClientOptions.Verification"/> must agree. <value>Default: <see cref="InsiOperationContract.DefaultVerification"/>.</value></summary>
    public InsiOperationContract Verification { get; set; } = InsiOperationContract.DefaultVerification;

    /// <summary>The clock used to check assertion validity and for delays. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>One request the simulator received.</summary>
/// <param name="Action">The <c>wsa:Action</c>, or empty.</param>
/// <param name="MessageId">The <c>wsa:MessageID</c>, or empty.</param>
/// <param name="Envelope">The envelope XML as received.</param>
/// <param name="ClientCertificateSubject">The TLS client certificate's subject, or <see langword="null"/>.</param>
public sealed record InsiSimulatorRequest(string Action, string MessageId, string Envelope, string? ClientCertificateSubject);

/// <summary>
/// An INSi simulator on <c>https://127.0.0.1:&lt;random port&gt;/lps</c> (Kestrel, SOAP 1.2) that behaves like the
/// qualification platform: the public test identities (found, none, several, first-name rules, history), the
/// verification (WS_INS3, per <see cref="InsiSimulatorOptions.Verification"/>: <c>00</c> when INS, OID and traits agree, else
/// <c>01</c>), checks of
/// both contexts, the <c>uuid:</c> MessageID, the empty <c>COUVERTURE</c> of a traits search, the action, and
/// authentication (mutual TLS with the CN rule, or a signed assertion PS verified with Segur.Security). Faults are
/// SIRAM-shaped SOAP 1.2 faults with HTTP 500: <c>desir_550</c> (unknown IDAM), <c>desir_560</c> (wrong CN, missing or
/// invalid assertion), <c>desir_1020</c> (unavailable), <c>insi_102</c> (technical error), <c>insi_101</c> (a request the
/// simulator finds malformed; a simulator code). Switches inject slowness, hangs and failures.
/// </summary>
public sealed class InsiSimulator : IAsyncDisposable
{
    private const string Soap = SoapNamespaces.Soap12;
    private const string CtxLps = "urn:siram:lps:ctxlps";
    private const string CtxBam = "urn:siram:bam:ctxbam";
    private const string Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private const string Result = "http://www.cnamts.fr/INSiResultat";
    private const string TraitsAction = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
    private const string VitaleAction = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale";
    private const string VerificationResult = "http://www.cnamts.fr/INSiLot2/REPUnitaire";

    private readonly WebApplication _app;
    private readonly InsiSimulatorOptions _options;
    private readonly bool _ownsPki;
    private readonly ConcurrentQueue<InsiSimulatorRequest> _requests = new();
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private TaskCompletionSource _hang = NewSignal();
    private int _failNext;
    private volatile bool _unavailable;
    private volatile bool _technicalError;
    private volatile bool _hanging;
    private long _delayTicks;

    private InsiSimulator(WebApplication app, InsiSimulatorOptions options, TestPki pki, bool ownsPki, X509Certificate2 serverCertificate)
    {
        _app = app;
        _options = options;
        Pki = pki;
        _ownsPki = ownsPki;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The service URL (<c>https://127.0.0.1:&lt;port&gt;/lps</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The test PKI: trust its <see cref="TestPki.Trust"/> on the client side, issue client certificates and
    /// card-like certificates from it.</summary>
    public TestPki Pki { get; }

    /// <summary>The server's TLS certificate (for <c>127.0.0.1</c> and <c>localhost</c>).</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The requests received, in order.</summary>
    public IReadOnlyList<InsiSimulatorRequest> Requests => [.. _requests];

    /// <summary>When set, every request gets <c>desir_1020</c> (service unavailable, transient).</summary>
    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    /// <summary>When set, every request gets <c>insi_102</c> (technical error, transient).</summary>
    public bool TechnicalError
    {
        get => _technicalError;
        set => _technicalError = value;
    }

    /// <summary>A delay before each answer (measured on <see cref="InsiSimulatorOptions.TimeProvider"/>).
    /// <value>Default: zero.</value></summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>Starts a simulator.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator; dispose it to stop.</returns>
    public static async Task<InsiSimulator> StartAsync(InsiSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new InsiSimulatorOptions();
        var ownsPki = options.Pki is null;
        var pki = options.Pki ?? TestPki.Create(options.TimeProvider, "INSI SIMULATOR");
        var serverCertificate = pki.IssueTlsServerCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        var mutualTls = options.AuthenticationMode == InsiAuthenticationMode.OrganisationCertificate;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.ClientCertificateMode = mutualTls ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate;
            https.ClientCertificateValidation = (certificate, _, _) =>
                pki.Trust.Evaluate(certificate, new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = options.TimeProvider }).IsTrusted;
        })));
        var app = builder.Build();
        var simulator = new InsiSimulator(app, options, pki, ownsPki, serverCertificate);
        app.Run(simulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        simulator.Endpoint = new Uri($"https://127.0.0.1:{port}/lps");
        return simulator;
    }

    /// <summary>Makes the next <paramref name="count"/> requests fail with <c>desir_1020</c> (to test retries).</summary>
    /// <param name="count">How many requests fail.</param>
    public void FailNextRequests(int count) => Interlocked.Exchange(ref _failNext, count);

    /// <summary>Holds every answer until <see cref="ReleaseHang"/> (or the client gives up).</summary>
    public void Hang()
    {
        lock (_gate)
        {
            if (!_hanging)
            {
                _hang = NewSignal();
                _hanging = true;
            }
        }
    }

    /// <summary>Releases the requests held by <see cref="Hang"/>.</summary>
    public void ReleaseHang()
    {
        lock (_gate)
        {
            _hanging = false;
            _hang.TrySetResult();
        }
    }

    /// <summary>Waits until the simulator has received at least <paramref name="count"/> requests.</summary>
    /// <param name="count">The number of requests.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when the requests arrived.</returns>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            signal = NewSignal();
            _waiters.Add((count, signal));
        }

        return signal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        ReleaseHang();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsPki)
        {
            Pki.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        if (context.Request.Method != HttpMethods.Post || context.Request.Path != "/lps")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string text;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(aborted).ConfigureAwait(false);
        }

        var clientCertificate = context.Connection.ClientCertificate;
        SoapEnvelope? envelope = null;
        try
        {
            envelope = SoapEnvelope.Parse(text);
        }
        catch (SegurException)
        {
            // Recorded below, answered as a fault.
        }

        Record(new InsiSimulatorRequest(envelope?.Addressing.Action ?? string.Empty, envelope?.Addressing.MessageId ?? string.Empty, text, clientCertificate?.Subject));

        Task hang;
        lock (_gate)
        {
            hang = _hanging ? _hang.Task : Task.CompletedTask;
        }

        await hang.WaitAsync(aborted).ConfigureAwait(false);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, _options.TimeProvider, aborted).ConfigureAwait(false);
        }

        var answer = Answer(context, envelope, clientCertificate);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/soap+xml; charset=utf-8";
        await context.Response.WriteAsync(answer.Xml, aborted).ConfigureAwait(false);
    }

    private void Record(InsiSimulatorRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private (int Status, string Xml) Answer(HttpContext context, SoapEnvelope? envelope, X509Certificate2? clientCertificate)
    {
        var mediaType = context.Request.ContentType ?? string.Empty;
        if (envelope is null || envelope.Version != SoapVersion.Soap12 || !mediaType.StartsWith("application/soap+xml", StringComparison.OrdinalIgnoreCase))
        {
            return Fault("Sender", "siram_10", "insi_101", "La requete n'est pas une enveloppe SOAP 1.2.", null);
        }

        var messageId = envelope.Addressing.MessageId ?? string.Empty;
        if (Interlocked.Decrement(ref _failNext) >= 0 || _unavailable)
        {
            return Fault("Receiver", "siram_40", "desir_1020", "Le service est temporairement indisponible.", messageId);
        }

        Interlocked.Exchange(ref _failNext, Math.Max(0, Volatile.Read(ref _failNext)));
        if (_technicalError)
        {
            return Fault("Receiver", "siram_40", "insi_102", "Erreur technique lors de la recherche.", messageId);
        }

        var action = envelope.Addressing.Action;
        if (action is not (TraitsAction or VitaleAction) && action != _options.Verification.Action)
        {
            return Malformed($"Action inconnue.", messageId);
        }

        if (!messageId.StartsWith("uuid:", StringComparison.Ordinal) || !Guid.TryParse(messageId.AsSpan(5), out _))
        {
            return Malformed("MessageID doit etre uuid:<UUID>.", messageId);
        }

        if (envelope.Addressing.To is not null)
        {
            return Malformed("wsa:To n'est pas attendu.", messageId);
        }

        var lps = envelope.FindHeader("ContexteLPS", CtxLps);
        if (lps is null || lps.GetAttribute("Nature") != "CTXLPS" || lps.GetAttribute("Version") != "01_00"
            || Child(lps, "Id", CtxLps) is null || !IsDateTime(Child(lps, "Temps", CtxLps)))
        {
            return Malformed("ContexteLPS absent ou invalide.", messageId);
        }

        var idam = Child(Child(lps, "LPS", CtxLps), "IDAM", CtxLps);
        if (idam is null || idam.GetAttribute("R") != "4" || Child(Child(lps, "LPS", CtxLps), "Instance", CtxLps) is null)
        {
            return Malformed("LPS/IDAM (R=4) et LPS/Instance sont requis.", messageId);
        }

        if (!_options.KnownIdams.Contains(idam.InnerText.Trim()))
        {
            return Fault("Sender", "siram_100", "desir_550", "Logiciel non autorise.", messageId);
        }

        var bam = envelope.FindHeader("ContexteBAM", CtxBam);
        var couverture = Child(bam, "COUVERTURE", CtxBam);
        if (bam is null || bam.GetAttribute("Version") != "01_02" || Child(bam, "Id", CtxBam) is null || !IsDateTime(Child(bam, "Temps", CtxBam)) || couverture is null)
        {
            return Malformed("ContexteBAM absent ou invalide.", messageId);
        }

        var authentication = Authenticate(envelope, clientCertificate, messageId);
        if (authentication is not null)
        {
            return authentication.Value;
        }

        var body = envelope.BodyContent;
        return action switch
        {
            TraitsAction => SearchByTraits(body, couverture, messageId),
            VitaleAction => SearchWithVitale(body, couverture, messageId),
            _ => Verify(body, couverture, messageId),
        };
    }

    private (int Status, string Xml)? Authenticate(SoapEnvelope envelope, X509Certificate2? clientCertificate, string messageId)
    {
        var security = envelope.FindHeader("Security", Wsse);
        if (_options.AuthenticationMode == InsiAuthenticationMode.OrganisationCertificate)
        {
            var cn = clientCertificate?.GetNameInfo(X509NameType.SimpleName, false);
            if (cn is not ("INSI-MANU" or "INSI-AUTO"))
            {
                return Fault("Sender", "siram_100", "desir_560", "Niveau d'acces insuffisant.", messageId);
            }

            return security is null ? null : Malformed("wsse:Security n'est pas attendu en authentification par certificat logiciel.", messageId);
        }

        var assertion = Child(security, "Assertion", SamlAssertion.Namespace);
        if (assertion is null)
        {
            return Fault("Sender", "siram_100", "desir_560", "Assertion PS absente.", messageId);
        }

        try
        {
            var validated = SamlAssertions.Validate(assertion, new SamlValidationOptions { TimeProvider = _options.TimeProvider });
            var trust = Pki.Trust.Evaluate(validated.SignerCertificate, new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = _options.TimeProvider });
            if (!trust.IsTrusted || validated.Assertion.Subject?.NameQualifier != "CPS")
            {
                return Fault("Sender", "siram_100", "desir_560", "Assertion PS refusee.", messageId);
            }
        }
        catch (SegurException)
        {
            return Fault("Sender", "siram_100", "desir_560", "Assertion PS invalide.", messageId);
        }

        return null;
    }

    private (int Status, string Xml) SearchByTraits(XmlElement? body, XmlElement couverture, string messageId)
    {
        const string ns = "http://www.cnamts.fr/INSiRecSans";
        if (couverture.ChildNodes.OfType<XmlElement>().Any())
        {
            return Malformed("COUVERTURE doit etre vide pour une recherche sur traits.", messageId);
        }

        if (body is not { LocalName: "RECSANSVITALE", NamespaceURI: ns })
        {
            return Malformed("Corps RECSANSVITALE attendu.", messageId);
        }

        var name = Child(body, "NomNaissance", ns)?.InnerText.Trim();
        var firstNames = string.Join(' ', body.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Prenom" && e.NamespaceURI == ns).Select(e => e.InnerText.Trim()));
        var sex = Child(body, "Sexe", ns)?.InnerText.Trim();
        var date = Child(body, "DateNaissance", ns)?.InnerText.Trim();
        var place = Child(body, "LieuNaissance", ns)?.InnerText.Trim();
        if (string.IsNullOrEmpty(name) || firstNames.Length == 0 || string.IsNullOrEmpty(sex) || string.IsNullOrEmpty(date))
        {
            return Malformed("NomNaissance, Prenom, Sexe et DateNaissance sont requis.", messageId);
        }

        var matches = _options.Identities.Where(i =>
            Comparable(i.BirthName) == Comparable(name) && i.Sex == sex && i.BirthDate == date
            && (string.IsNullOrEmpty(place) || string.Equals(i.BirthPlace, place, StringComparison.OrdinalIgnoreCase))
            && FirstNamesMatch(i.GivenNames, firstNames)).ToList();
        return Ok(matches);
    }

    private (int Status, string Xml) SearchWithVitale(XmlElement? body, XmlElement couverture, string messageId)
    {
        const string ns = "http://www.cnamts.fr/INSiRecVit";
        var assure = Child(Child(couverture, "ASSURE", CtxBam), "Id", CtxBam);
        var beneficiaire = Child(couverture, "BENEFICIAIRE", CtxBam);
        var num = Child(assure, "Num", CtxBam)?.InnerText.Trim();
        var cle = Child(assure, "Cle", CtxBam)?.InnerText.Trim();
        var dateNai = Child(beneficiaire, "DateNai", CtxBam)?.InnerText.Trim();
        var rang = Child(beneficiaire, "Rang", CtxBam)?.InnerText.Trim();
        if (num is null || cle is null || dateNai is null || rang is null)
        {
            return Malformed("COUVERTURE/ASSURE et BENEFICIAIRE sont requis pour une recherche Vitale.", messageId);
        }

        if (body is not { LocalName: "RECVITALE", NamespaceURI: ns })
        {
            return Malformed("Corps RECVITALE attendu.", messageId);
        }

        var matches = _options.Identities.Where(i =>
            i.VitaleInsuredNir == num + cle && i.BirthDate == dateNai && i.VitaleRank.ToString(CultureInfo.InvariantCulture) == rang).ToList();
        return Ok(matches);
    }

    private (int Status, string Xml) Verify(XmlElement? body, XmlElement couverture, string messageId)
    {
        var contract = _options.Verification;
        var ns = contract.BodyNamespace;
        if (couverture.ChildNodes.OfType<XmlElement>().Any())
        {
            return Malformed("COUVERTURE doit etre vide pour une verification.", messageId);
        }

        if (body is null || body.LocalName != contract.BodyElementName || body.NamespaceURI != ns)
        {
            return Malformed($"Corps {contract.BodyElementName} attendu.", messageId);
        }

        var supplied = Child(body, "INSFourni", ns);
        var id = Child(supplied, "IdIndividu", ns);
        var traits = Child(body, "TraitsIdentiteIndividu", ns);
        var matricule = Child(id, "NumIdentifiant", ns)?.InnerText.Trim() + Child(id, "Cle", ns)?.InnerText.Trim();
        var oid = Child(supplied, "OID", ns)?.InnerText.Trim();
        var name = Child(traits, "NomNaissance", ns)?.InnerText.Trim();
        var firstNames = Child(traits, "ListePrenom", ns)?.InnerText.Trim() ?? Child(traits, "Prenom", ns)?.InnerText.Trim();
        var sex = Child(traits, "Sexe", ns)?.InnerText.Trim();
        var date = Child(traits, "DateNaissance", ns)?.InnerText.Trim();
        if (matricule.Length != 15 || string.IsNullOrEmpty(oid) || string.IsNullOrEmpty(name) || string.IsNullOrEmpty(firstNames)
            || string.IsNullOrEmpty(sex) || string.IsNullOrEmpty(date))
        {
            return Malformed("INSFourni (IdIndividu, OID) et les traits (NomNaissance, Prenom, Sexe, DateNaissance) sont requis.", messageId);
        }

        var confirmed = _options.Identities.Any(i => i.Matricule == matricule && i.Oid == oid
            && Comparable(i.BirthName) == Comparable(name) && i.Sex == sex && i.BirthDate == date && FirstNamesMatch(i.GivenNames, firstNames));
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("soap", "Envelope", Soap);
            writer.WriteStartElement("soap", "Body", Soap);
            writer.WriteStartElement("REPUnitaire", VerificationResult);
            writer.WriteStartElement("CR", VerificationResult);
            writer.WriteElementString("CodeCR", VerificationResult, confirmed ? "00" : "01");
            writer.WriteElementString("LibelleCR", VerificationResult, confirmed ? "OK" : "INS et traits non confirmes");
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return (StatusCodes.Status200OK, builder.ToString());
    }

    private (int Status, string Xml) Ok(List<InsiSimulatorIdentity> matches)
    {
        var prefix = _options.UsePrefixedNamespaces ? "ns2" : null;
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("soap", "Envelope", Soap);
            writer.WriteStartElement("soap", "Body", Soap);
            writer.WriteStartElement(prefix, "RESULTAT", Result);
            writer.WriteStartElement(prefix, "CR", Result);
            var (code, label) = matches.Count switch
            {
                0 => ("01", "Aucune identite trouvee"),
                1 => ("00", "OK"),
                _ => ("02", "Plusieurs identites trouvees"),
            };
            writer.WriteElementString(prefix, "CodeCR", Result, code);
            writer.WriteElementString(prefix, "LibelleCR", Result, label);
            writer.WriteEndElement();
            if (matches.Count == 1)
            {
                var identity = matches[0];
                writer.WriteStartElement(prefix, "INDIVIDU", Result);
                WriteIns(writer, prefix, "INSACTIF", identity.Matricule, identity.Oid);
                foreach (var old in identity.History)
                {
                    WriteIns(writer, prefix, "INSHISTO", old, identity.Oid);
                }

                writer.WriteStartElement(prefix, "TIQ", Result);
                writer.WriteElementString(prefix, "NomNaissance", Result, identity.BirthName);
                if (!identity.OmitPrenom)
                {
                    writer.WriteElementString(prefix, "Prenom", Result, identity.GivenNames.Split(' ')[0]);
                }

                writer.WriteElementString(prefix, "ListePrenom", Result, identity.GivenNames);
                writer.WriteElementString(prefix, "Sexe", Result, identity.Sex);
                writer.WriteElementString(prefix, "DateNaissance", Result, identity.BirthDate);
                writer.WriteElementString(prefix, "LieuNaissance", Result, identity.BirthPlace);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return (StatusCodes.Status200OK, builder.ToString());
    }

    private static void WriteIns(XmlWriter writer, string? prefix, string name, string matricule, string oid)
    {
        writer.WriteStartElement(prefix, name, Result);
        writer.WriteStartElement(prefix, "IdIndividu", Result);
        writer.WriteElementString(prefix, "NumIdentifiant", Result, matricule[..13]);
        writer.WriteElementString(prefix, "Cle", Result, matricule[13..]);
        writer.WriteEndElement();
        writer.WriteElementString(prefix, "OID", Result, oid);
        writer.WriteEndElement();
    }

    private static (int Status, string Xml) Malformed(string reason, string? messageId) => Fault("Sender", "siram_10", "insi_101", reason, messageId);

    private static (int Status, string Xml) Fault(string code, string subcode, string detailCode, string reason, string? messageId)
    {
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("soap", "Envelope", Soap);
            writer.WriteAttributeString("xmlns", "siram", null, "urn:siram");
            writer.WriteStartElement("soap", "Body", Soap);
            writer.WriteStartElement("soap", "Fault", Soap);
            writer.WriteStartElement("soap", "Code", Soap);
            writer.WriteElementString("soap", "Value", Soap, "soap:" + code);
            writer.WriteStartElement("soap", "Subcode", Soap);
            writer.WriteElementString("soap", "Value", Soap, "siram:" + subcode);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("soap", "Reason", Soap);
            writer.WriteStartElement("soap", "Text", Soap);
            writer.WriteAttributeString("xml", "lang", null, "fr");
            writer.WriteString(reason);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("soap", "Detail", Soap);
            writer.WriteStartElement("siram", "Erreur", "urn:siram");
            writer.WriteAttributeString("severite", "fatale");
            writer.WriteAttributeString("code", detailCode);
            if (!string.IsNullOrEmpty(messageId))
            {
                writer.WriteAttributeString("messageID", messageId);
            }

            writer.WriteString(reason);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return (StatusCodes.Status500InternalServerError, builder.ToString());
    }

    private static bool FirstNamesMatch(string registered, string queried)
    {
        var list = Comparable(registered);
        var query = Comparable(queried);
        return list == query || list.StartsWith(query + " ", StringComparison.Ordinal) || list.Split(' ').Contains(query);
    }

    private static string Comparable(string value) =>
        string.Join(' ', value.ToUpperInvariant().Replace('-', ' ').Replace('\'', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static bool IsDateTime(XmlElement? element) =>
        element is not null && DateTimeOffset.TryParse(element.InnerText.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private static XmlElement? Child(XmlElement? parent, string localName, string namespaceUri)
    {
        if (parent is null)
        {
            return null;
        }

        for (var node = parent.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == namespaceUri)
            {
                return e;
            }
        }

        return null;
    }
}
