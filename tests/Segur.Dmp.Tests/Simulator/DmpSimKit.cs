using System.Globalization;
using System.Net.Http.Headers;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Segur.Security;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Dmp;
using Segur.Xml;

namespace Segur.Dmp.Tests.Simulator;

/// <summary>What to put in a hand-built VIHF (dmp.md §2.3).</summary>
internal sealed record VihfSpec
{
    public string Mode { get; init; } = "INDIRECTE";
    public string ModeAttribute { get; init; } = "Authentification_Mode";
    public string SubjectId { get; init; } = "899900063480";
    public string StructureId { get; init; } = "10B0127189";
    public string Ins { get; init; } = "279035121518989";
    public string Purpose { get; init; } = "normal";
    public IReadOnlyList<(string Code, string System)> Roles { get; init; } = [("10", "1.2.250.1.71.1.2.7"), ("SM26", "1.2.250.1.71.4.2.5")];
    public bool Sha1 { get; init; }
    public TimeSpan IssueOffset { get; init; }
    public IReadOnlySet<string> Omit { get; init; } = new HashSet<string>();
    public X509Certificate2? Signer { get; init; }
    public bool Tamper { get; init; }
    public bool AirDeclaration { get; init; } = true;
    public string ResourceId => $"{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH";
}

/// <summary>One document of a hand-built ITI-41 request.</summary>
internal sealed record PnrDocument
{
    public string Id { get; init; } = "Document01";
    public string UniqueId { get; init; } = DmpSimKit.NewOid();
    public byte[] Content { get; init; } = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>CR</title></ClinicalDocument>");
    public string TypeCode { get; init; } = "11490-0";
    public string ClassCode { get; init; } = "10";
    public string AuthorId { get; init; } = "899900063480";
    public string[] Confidentiality { get; init; } = ["N"];
    public string? Hash { get; init; }
    public string? Size { get; init; }
    public string? Replaces { get; init; }
    public string? PatientId { get; init; }
    public bool Member { get; init; } = true;
    public string? ReferenceId { get; init; }
}

/// <summary>A hand-built ITI-41 request (IHE ITI TF-3 ebRIM, dmp.md §2.6–2.7), written from the spec, not with the client.</summary>
internal sealed record PnrSpec
{
    public string Ins { get; init; } = "279035121518989";
    public IReadOnlyList<PnrDocument> Documents { get; init; } = [new PnrDocument()];
    public bool Signature { get; init; } = true;
    public bool Signs { get; init; } = true;
    public bool Inline { get; init; }
    public string SetUniqueId { get; init; } = DmpSimKit.NewOid();
    public byte[]? SignatureContent { get; init; }
    public string PatientId => $"{Ins}^^^&1.2.250.1.213.1.4.10&ISO^NH";
}

/// <summary>The answer of the simulator.</summary>
internal sealed record SimAnswer(int Status, XmlDocument? Xml, IReadOnlyDictionary<string, byte[]> Attachments, string ContentType)
{
    public XmlNamespaceManager Ns
    {
        get
        {
            var ns = new XmlNamespaceManager(Xml!.NameTable);
            ns.AddNamespace("env", "http://www.w3.org/2003/05/soap-envelope");
            ns.AddNamespace("rs", "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0");
            ns.AddNamespace("rim", "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0");
            ns.AddNamespace("q", "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0");
            ns.AddNamespace("hl7", "urn:hl7-org:v3");
            ns.AddNamespace("xdsb", "urn:ihe:iti:xds-b:2007");
            ns.AddNamespace("wsa", "http://www.w3.org/2005/08/addressing");
            ns.AddNamespace("d", "urn:segur:testing:dmp");
            return ns;
        }
    }

    public string? Value(string xpath) => Xml?.SelectSingleNode(xpath, Ns) switch
    {
        XmlAttribute a => a.Value,
        XmlElement e => e.InnerText,
        _ => null,
    };

    public int Count(string xpath) => Xml?.SelectNodes(xpath, Ns)?.Count ?? 0;

    /// <summary>The SOAP fault detail code, or null.</summary>
    public string? FaultCode => Value("//env:Fault/env:Detail/d:erreur/@code");

    /// <summary>The RegistryResponse / AdhocQueryResponse status.</summary>
    public string? RegistryStatus => Value("//rs:RegistryResponse/@status") ?? Value("//q:AdhocQueryResponse/@status");

    public IReadOnlyList<string> ErrorCodes => [.. Xml!.SelectNodes("//rs:RegistryError/@errorCode", Ns)!.OfType<XmlAttribute>().Select(a => a.Value)];
}

/// <summary>A running simulator (plain HTTP unless told) with a manual clock and hand-written SOAP requests.</summary>
internal sealed class DmpSimKit : IAsyncDisposable
{
    public const string Td02 = "urn:hl7-org:v3:PRPA_IN201307UV02";
    public const string Td05 = "urn:hl7-org:v3:PRPA_IN201305UV02";
    public const string Td03 = "urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorization";
    public const string Td04 = "urn:si-dmp-patients:PatientSpecificEndPoint:patientList";
    public const string Iti41 = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";
    public const string Iti43 = "urn:ihe:iti:2007:RetrieveDocumentSet";
    public const string Iti18 = "urn:ihe:iti:2007:RegistryStoredQuery";
    public const string Iti57 = "urn:ihe:iti:2010:UpdateDocumentSet";
    public const string Approved = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
    public const string FindDocumentsId = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
    public const string GetDocumentsId = "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4";
    public const string FindSubmissionSetsId = "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9";
    public const string GetSetAndContentsId = "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83";
    public const string ByReferenceId = "urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492";

    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    // Key generation is slow: one PKI and one ORG SIGN certificate shared by every test.
    private static readonly Lazy<Segur.Testing.Pki.TestPki> SharedPki = new(() => Segur.Testing.Pki.TestPki.Create(new ManualTimeProvider(Start), "DMP SIM TESTS"));
    private static readonly Lazy<X509Certificate2> SharedSigner = new(() => SharedPki.Value.IssueOrganisationCertificate("10B0127189", "DMP-SIGN"));

    private DmpSimKit(DmpSimulator simulator, ManualTimeProvider time, HttpClient http)
    {
        Sim = simulator;
        Time = time;
        Http = http;
    }

    public DmpSimulator Sim { get; }

    public ManualTimeProvider Time { get; }

    public HttpClient Http { get; }

    public X509Certificate2 OrgSigner => SharedSigner.Value;

    public static async Task<DmpSimKit> StartAsync(Action<DmpSimulatorOptions>? configure = null)
    {
        var time = new ManualTimeProvider(Start);
        var options = new DmpSimulatorOptions { UseHttp = true, TimeProvider = time, Pki = SharedPki.Value, VerifyLotSignature = false };
        configure?.Invoke(options);
        var simulator = await DmpSimulator.StartAsync(options);
        return new DmpSimKit(simulator, time, new HttpClient { Timeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>Signs the lot with the XAdES lot signature (dmp-lot's signer; the simulator verifies it independently of the XDS client).</summary>
    public async Task<byte[]> SignLotAsync(string setUniqueId, IEnumerable<PnrDocument> documents)
    {
        using var credential = Segur.Testing.Pki.TestPki.CreateCredential(OrgSigner);
        return await Segur.Dmp.Xds.DmpLotSignature.SignAsync(new Segur.Dmp.Xds.DmpLotSignatureInput(setUniqueId,
            documents.Select(d => new Segur.Dmp.Xds.DmpLotDocument(d.UniqueId, d.Content))), credential, HashAlgorithmName.SHA1, Time.GetUtcNow());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sim.DisposeAsync();
    }

    public static string NewOid() => "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture);

    /// <summary>Builds and signs a VIHF by hand: SAML 2.0 assertion, enveloped XML-DSig after Issuer (exc-c14n, RSA-SHA1 or RSA-SHA256).</summary>
    public string BuildVihf(VihfSpec spec)
    {
        var signer = spec.Signer ?? OrgSigner;
        var id = "_" + Guid.NewGuid().ToString("N");
        var issued = (Time.GetUtcNow() + spec.IssueOffset).ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"{id}\" IssueInstant=\"{issued}\" Version=\"2.0\">");
        xml.Append(CultureInfo.InvariantCulture, $"<saml2:Issuer Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName\">{SecurityElement.Escape(signer.Subject)}</saml2:Issuer>");
        if (!spec.Omit.Contains("NameID"))
        {
            xml.Append(CultureInfo.InvariantCulture, $"<saml2:Subject><saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">{spec.SubjectId}</saml2:NameID></saml2:Subject>");
        }

        xml.Append(CultureInfo.InvariantCulture, $"<saml2:AuthnStatement AuthnInstant=\"{issued}\"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</saml2:AuthnContextClassRef>");
        if (spec.Mode == "INDIRECTE_RENFORCEE" && spec.AirDeclaration)
        {
            xml.Append("<saml2:AuthnContextDeclRef>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</saml2:AuthnContextDeclRef>");
        }

        xml.Append("</saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>");
        void Attribute(string name, string value)
        {
            if (!spec.Omit.Contains(name))
            {
                xml.Append(CultureInfo.InvariantCulture, $"<saml2:Attribute Name=\"{name}\"><saml2:AttributeValue>{SecurityElement.Escape(value)}</saml2:AttributeValue></saml2:Attribute>");
            }
        }

        Attribute("VIHF_Version", "3.0");
        Attribute(spec.ModeAttribute, spec.Mode);
        Attribute("Identifiant_Structure", spec.StructureId);
        Attribute("Secteur_Activite", "SA07^1.2.250.1.71.4.2.4");
        if (!spec.Omit.Contains("role"))
        {
            xml.Append("<saml2:Attribute Name=\"urn:oasis:names:tc:xacml:2.0:subject:role\">");
            foreach (var (code, system) in spec.Roles)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<saml2:AttributeValue><Role xmlns=\"urn:hl7-org:v3\" xsi:type=\"CE\" code=\"{code}\" codeSystem=\"{system}\"/></saml2:AttributeValue>");
            }

            xml.Append("</saml2:Attribute>");
        }

        Attribute("urn:oasis:names:tc:xspa:1.0:subject:subject-id", "Jean MEDECIN");
        Attribute("urn:oasis:names:tc:xacml:2.0:resource:resource-id", spec.ResourceId);
        Attribute("Ressource_URN", "urn:dmp");
        if (!spec.Omit.Contains("purposeofuse"))
        {
            xml.Append(CultureInfo.InvariantCulture, $"<saml2:Attribute Name=\"urn:oasis:names:tc:xspa:1.0:subject:purposeofuse\"><saml2:AttributeValue><PurposeOfUse xmlns=\"urn:hl7-org:v3\" xsi:type=\"CE\" code=\"{spec.Purpose}\" codeSystem=\"1.2.250.1.213.1.1.4.248\"/></saml2:AttributeValue></saml2:Attribute>");
        }

        Attribute("LPS_Nom", "SEGUR TEST");
        Attribute("LPS_Version", "1.0");
        Attribute("LPS_ID_HOMOLOGATION_DMP", "TEST-CNDA-0001");
        xml.Append("</saml2:AttributeStatement></saml2:Assertion>");

        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml.ToString());
        Sign(document.DocumentElement!, signer, spec.Sha1);
        var result = document.DocumentElement!.OuterXml;
        return spec.Tamper ? result.Replace("Jean MEDECIN", "Paul MEDECIN", StringComparison.Ordinal) : result;
    }

    private static void Sign(XmlElement assertion, X509Certificate2 signer, bool sha1)
    {
        const string Ds = "http://www.w3.org/2000/09/xmldsig#";
        const string C14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
        var document = assertion.OwnerDocument;
        var signature = document.CreateElement("ds", "Signature", Ds);
        var signedInfo = (XmlElement)signature.AppendChild(document.CreateElement("ds", "SignedInfo", Ds))!;
        Add(signedInfo, "CanonicalizationMethod").SetAttribute("Algorithm", C14n);
        Add(signedInfo, "SignatureMethod").SetAttribute("Algorithm", sha1 ? "http://www.w3.org/2000/09/xmldsig#rsa-sha1" : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        var reference = Add(signedInfo, "Reference");
        reference.SetAttribute("URI", "#" + assertion.GetAttribute("ID"));
        var transforms = Add(reference, "Transforms");
        Add(transforms, "Transform").SetAttribute("Algorithm", "http://www.w3.org/2000/09/xmldsig#enveloped-signature");
        Add(transforms, "Transform").SetAttribute("Algorithm", C14n);
        Add(reference, "DigestMethod").SetAttribute("Algorithm", sha1 ? "http://www.w3.org/2000/09/xmldsig#sha1" : "http://www.w3.org/2001/04/xmlenc#sha256");
        var digest = Add(reference, "DigestValue");
        var value = Add(signature, "SignatureValue");
        Add(Add(Add(signature, "KeyInfo"), "X509Data"), "X509Certificate").InnerText = Convert.ToBase64String(signer.RawData);
        assertion.InsertAfter(signature, assertion.FirstChild);
        var canonical = ExclusiveCanonicalization.Canonicalize(assertion, null, signature);
#pragma warning disable CA5350 // The DMP examples sign VIHF with RSA-SHA1: the simulator must accept it.
        digest.InnerText = Convert.ToBase64String(sha1 ? SHA1.HashData(canonical) : SHA256.HashData(canonical));
#pragma warning restore CA5350
        using var rsa = signer.GetRSAPrivateKey()!;
        value.InnerText = Convert.ToBase64String(rsa.SignData(ExclusiveCanonicalization.Canonicalize(signedInfo),
            sha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        XmlElement Add(XmlElement parent, string name) => (XmlElement)parent.AppendChild(document.CreateElement("ds", name, Ds))!;
    }

    public static string Envelope(string action, string? vihf, string body) =>
        "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><soap:Header>"
        + $"<wsa:Action soap:mustUnderstand=\"true\">{action}</wsa:Action><wsa:MessageID>urn:uuid:{Guid.NewGuid()}</wsa:MessageID>"
        + "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>"
        + (vihf is null ? string.Empty : $"<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">{vihf}</wsse:Security>")
        + $"</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>";

    public Task<SimAnswer> SendAsync(string service, string action, string body, VihfSpec? vihf = null, CancellationToken cancellationToken = default) =>
        SendRawAsync(service, Envelope(action, BuildVihf(vihf ?? new VihfSpec()), body), null, cancellationToken);

    public async Task<SimAnswer> SendRawAsync(string service, string envelope, IReadOnlyList<(string Cid, byte[] Bytes)>? attachments, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sim.BaseAddress, DmpSimulator.ServicesPath + service));
        if (attachments is null)
        {
            request.Content = new StringContent(envelope, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml; charset=utf-8");
        }
        else
        {
            const string Boundary = "MIMEBoundary_segur_test";
            var buffer = new MemoryStream();
            void Write(string text) => buffer.Write(Encoding.UTF8.GetBytes(text));
            Write($"--{Boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <root@test>\r\n\r\n{envelope}\r\n");
            foreach (var (cid, bytes) in attachments)
            {
                Write($"--{Boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <{cid}>\r\n\r\n");
                buffer.Write(bytes);
                Write("\r\n");
            }

            Write($"--{Boundary}--\r\n");
            request.Content = new ByteArrayContent(buffer.ToArray());
            request.Content.Headers.TryAddWithoutValidation("Content-Type",
                $"multipart/related; type=\"application/xop+xml\"; boundary=\"{Boundary}\"; start=\"<root@test>\"; start-info=\"application/soap+xml\"");
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        var contentType = response.Content.Headers.ContentType?.ToString() ?? string.Empty;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        if (contentType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            using var mtom = await MtomMessage.ReadAsync(stream, contentType, cancellationToken: cancellationToken);
            using var root = mtom.Root.OpenRead();
            var xml = SafeXml.LoadDocument(root);
            var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (id, part) in mtom.Attachments)
            {
                using var content = part.OpenRead();
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy, cancellationToken);
                parts[id] = copy.ToArray();
            }

            return new SimAnswer((int)response.StatusCode, xml, parts, contentType);
        }

        var text = await new StreamReader(stream).ReadToEndAsync(cancellationToken);
        return new SimAnswer((int)response.StatusCode, contentType.Contains("xml", StringComparison.Ordinal) ? SafeXml.LoadDocument(text) : null,
            new Dictionary<string, byte[]>(), contentType);
    }

    public Task<SimAnswer> FeedAsync(PnrSpec spec, VihfSpec? vihf = null, CancellationToken cancellationToken = default)
    {
        var (body, attachments) = BuildPnr(spec);
        return SendRawAsync("repository", Envelope(Iti41, BuildVihf(vihf ?? new VihfSpec { Ins = spec.Ins }), body), spec.Inline ? null : attachments, cancellationToken);
    }

    /// <summary>ITI-41 body: SubmitObjectsRequest with the set, one ExtrinsicObject per document, Signature01, HasMember,
    /// signs and RPLC associations, and Document elements (xop:Include or inline base64).</summary>
    public static (string Body, List<(string Cid, byte[] Bytes)> Attachments) BuildPnr(PnrSpec spec)
    {
        var attachments = new List<(string Cid, byte[] Bytes)>();
        var rim = new StringBuilder();
        var docs = new StringBuilder();
        var all = spec.Documents.ToList();
        if (spec.Signature)
        {
            all.Add(new PnrDocument
            {
                Id = "Signature01", Content = spec.SignatureContent ?? Encoding.UTF8.GetBytes("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>"),
                TypeCode = "E1762", Confidentiality = ["N", "MASQUE_PS", "INVISIBLE_PATIENT"],
            });
        }

        rim.Append("<rim:RegistryPackage id=\"SubmissionSet01\" objectType=\"urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage\">");
        rim.Append(Slot("submissionTime", "20261122090000"));
        rim.Append(Classification("urn:uuid:aa543740-bdda-424e-8c96-df4873be8500", "SubmissionSet01", "04", "1.2.250.1.213.2.2"));
        rim.Append(Identifier("urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8", "SubmissionSet01", spec.SetUniqueId));
        rim.Append(Identifier("urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446", "SubmissionSet01", spec.PatientId));
        rim.Append(Identifier("urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832", "SubmissionSet01", "1.2.250.1.999.1"));
        rim.Append("</rim:RegistryPackage>");
        rim.Append("<rim:Classification id=\"cl-set\" classifiedObject=\"SubmissionSet01\" classificationNode=\"urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd\"/>");
        foreach (var doc in all)
        {
            var isSignature = doc.Id == "Signature01";
#pragma warning disable CA5350 // XDS hash slot is SHA-1 by specification.
            var hash = doc.Hash ?? Convert.ToHexStringLower(SHA1.HashData(doc.Content));
#pragma warning restore CA5350
            rim.Append(CultureInfo.InvariantCulture, $"<rim:ExtrinsicObject id=\"{doc.Id}\" mimeType=\"text/xml\" objectType=\"urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1\">");
            rim.Append(Slot("creationTime", "20261120103000"));
            rim.Append(Slot("hash", hash));
            rim.Append(Slot("size", doc.Size ?? doc.Content.Length.ToString(CultureInfo.InvariantCulture)));
            rim.Append(Slot("languageCode", isSignature ? "art" : "fr-FR"));
            if (doc.ReferenceId is not null)
            {
                rim.Append(Slot("urn:ihe:iti:xds:2013:referenceIdList", doc.ReferenceId));
            }

            rim.Append(CultureInfo.InvariantCulture, $"<rim:Name><rim:LocalizedString value=\"{(isSignature ? "Signature" : "Compte rendu")}\"/></rim:Name>");
            rim.Append(CultureInfo.InvariantCulture, $"<rim:Classification id=\"au-{doc.Id}\" classificationScheme=\"urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d\" classifiedObject=\"{doc.Id}\" nodeRepresentation=\"\">");
            rim.Append(Slot("authorPerson", $"{doc.AuthorId}^MEDECIN^Jean^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"));
            rim.Append(Slot("authorSpecialty", "G15_10/SM26^Médecin - Qualifié en Médecine Générale (SM)^1.2.250.1.213.1.1.4.5"));
            rim.Append("</rim:Classification>");
            rim.Append(isSignature
                ? Classification("urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a", doc.Id, "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1", "URN")
                : Classification("urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a", doc.Id, doc.ClassCode, "1.2.250.1.213.1.1.4.1"));
            foreach (var code in doc.Confidentiality)
            {
                rim.Append(Classification("urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f", doc.Id, code, code.Length == 1 ? "2.16.840.1.113883.5.25" : "1.2.250.1.213.1.1.4.13"));
            }

            rim.Append(isSignature
                ? Classification("urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d", doc.Id, "http://www.w3.org/2000/09/xmldsig#", "URN")
                : Classification("urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d", doc.Id, "urn:ihe:iti:xds-sd:text:2008", "1.3.6.1.4.1.19376.1.2.3"));
            rim.Append(Classification("urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1", doc.Id, "SA07", "1.2.250.1.71.4.2.4"));
            rim.Append(Classification("urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead", doc.Id, "AMBULATOIRE", "1.2.250.1.213.1.1.4.9"));
            rim.Append(isSignature
                ? Classification("urn:uuid:f0306f51-975f-434e-a61c-c59651d33983", doc.Id, "E1762", "ASTM")
                : Classification("urn:uuid:f0306f51-975f-434e-a61c-c59651d33983", doc.Id, doc.TypeCode, "2.16.840.1.113883.6.1"));
            rim.Append(Identifier("urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427", doc.Id, doc.PatientId ?? spec.PatientId));
            rim.Append(Identifier("urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab", doc.Id, doc.UniqueId));
            rim.Append("</rim:ExtrinsicObject>");
            if (doc.Member)
            {
                rim.Append(CultureInfo.InvariantCulture, $"<rim:Association id=\"as-{doc.Id}\" associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" sourceObject=\"SubmissionSet01\" targetObject=\"{doc.Id}\">{Slot("SubmissionSetStatus", "Original")}</rim:Association>");
            }

            if (doc.Replaces is not null)
            {
                rim.Append(CultureInfo.InvariantCulture, $"<rim:Association id=\"rp-{doc.Id}\" associationType=\"urn:ihe:iti:2007:AssociationType:RPLC\" sourceObject=\"{doc.Id}\" targetObject=\"{doc.Replaces}\"/>");
            }

            var cid = doc.Id + "@test";
            docs.Append(CultureInfo.InvariantCulture, $"<xdsb:Document id=\"{doc.Id}\">");
            if (spec.Inline)
            {
                docs.Append(Convert.ToBase64String(doc.Content));
            }
            else
            {
                docs.Append(CultureInfo.InvariantCulture, $"<xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:{cid}\"/>");
                attachments.Add((cid, doc.Content));
            }

            docs.Append("</xdsb:Document>");
        }

        if (spec.Signature && spec.Signs)
        {
            rim.Append("<rim:Association id=\"as-signs\" associationType=\"urn:ihe:iti:2007:AssociationType:signs\" sourceObject=\"Signature01\" targetObject=\"SubmissionSet01\"/>");
        }

        var body = "<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\" xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">"
            + $"<lcm:SubmitObjectsRequest><rim:RegistryObjectList>{rim}</rim:RegistryObjectList></lcm:SubmitObjectsRequest>{docs}</xdsb:ProvideAndRegisterDocumentSetRequest>";
        return (body, attachments);
    }

    public static string Slot(string name, params string[] values) =>
        $"<rim:Slot name=\"{name}\"><rim:ValueList>{string.Concat(values.Select(v => $"<rim:Value>{SecurityElement.Escape(v)}</rim:Value>"))}</rim:ValueList></rim:Slot>";

    private static string Classification(string scheme, string classified, string code, string codingScheme) =>
        $"<rim:Classification id=\"cl-{Guid.NewGuid():N}\" classificationScheme=\"{scheme}\" classifiedObject=\"{classified}\" nodeRepresentation=\"{SecurityElement.Escape(code)}\">{Slot("codingScheme", codingScheme)}</rim:Classification>";

    private static string Identifier(string scheme, string registryObject, string value) =>
        $"<rim:ExternalIdentifier id=\"ei-{Guid.NewGuid():N}\" identificationScheme=\"{scheme}\" registryObject=\"{registryObject}\" value=\"{SecurityElement.Escape(value)}\"/>";

    /// <summary>An ITI-18 AdhocQueryRequest.</summary>
    public static string Query(string queryId, string returnType, params (string Name, string Value)[] parameters) =>
        "<query:AdhocQueryRequest xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\" xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">"
        + $"<query:ResponseOption returnComposedObjects=\"true\" returnType=\"{returnType}\"/><rim:AdhocQuery id=\"{queryId}\">"
        + string.Concat(parameters.Select(p => Slot(p.Name, p.Value))) + "</rim:AdhocQuery></query:AdhocQueryRequest>";

    public static string FindDocuments(string ins, params (string Name, string Value)[] extra) =>
        Query(FindDocumentsId, "LeafClass", [("$XDSDocumentEntryPatientId", $"'{ins}^^^&1.2.250.1.213.1.4.10&ISO^NH'"), ("$XDSDocumentEntryStatus", $"('{Approved}')"), .. extra]);

    public static string Retrieve(params string[] uniqueIds) =>
        "<xdsb:RetrieveDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">"
        + string.Concat(uniqueIds.Select(u => $"<xdsb:DocumentRequest><xdsb:RepositoryUniqueId>1.2.250.1.213.4.1.1.1.2</xdsb:RepositoryUniqueId><xdsb:DocumentUniqueId>{u}</xdsb:DocumentUniqueId></xdsb:DocumentRequest>"))
        + "</xdsb:RetrieveDocumentSetRequest>";

    /// <summary>An ITI-57 availability status change.</summary>
    public static string StatusUpdate(string ins, string entryUuid, string from, string to) =>
        UpdateEnvelope(ins, $"<rim:Association id=\"up1\" associationType=\"urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus\" sourceObject=\"SubmissionSet01\" targetObject=\"{entryUuid}\">{Slot("OriginalStatus", from)}{Slot("NewStatus", to)}</rim:Association>");

    public static string UpdateEnvelope(string ins, string content) =>
        "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\"><rim:RegistryObjectList>"
        + "<rim:RegistryPackage id=\"SubmissionSet01\">" + Slot("submissionTime", "20261122090000")
        + Identifier("urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8", "SubmissionSet01", NewOid())
        + Identifier("urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446", "SubmissionSet01", $"{ins}^^^&1.2.250.1.213.1.4.10&ISO^NH") + "</rim:RegistryPackage>"
        + "<rim:Classification id=\"cl-set\" classifiedObject=\"SubmissionSet01\" classificationNode=\"urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd\"/>"
        + content + "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>";

    /// <summary>An ITI-57 visibility change: the stored entry resubmitted with new confidentiality codes, same lid, PreviousVersion.</summary>
    public static string VisibilityUpdate(string ins, DmpSimulatorEntry current, params string[] confidentiality)
    {
        var document = new XmlDocument();
        document.LoadXml(current.MetadataXml);
        var eo = document.DocumentElement!;
        eo.SetAttribute("id", "NewVersion01");
        foreach (var node in eo.SelectNodes("*[local-name()='Classification' and @classificationScheme='urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f']")!.OfType<XmlElement>().ToList())
        {
            eo.RemoveChild(node);
        }

        foreach (var code in confidentiality)
        {
            var fragment = document.CreateDocumentFragment();
            fragment.InnerXml = Classification("urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f", "NewVersion01", code, code.Length == 1 ? "2.16.840.1.113883.5.25" : "1.2.250.1.213.1.1.4.13")
                .Replace("<rim:", "<rim:", StringComparison.Ordinal).Replace("<rim:Classification ", "<rim:Classification xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\" ", StringComparison.Ordinal);
            eo.AppendChild(fragment);
        }

        var association = $"<rim:Association id=\"as1\" associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" sourceObject=\"SubmissionSet01\" targetObject=\"NewVersion01\">{Slot("SubmissionSetStatus", "Original")}{Slot("PreviousVersion", current.Version.ToString(CultureInfo.InvariantCulture))}</rim:Association>";
        return UpdateEnvelope(ins, eo.OuterXml + association);
    }
}
