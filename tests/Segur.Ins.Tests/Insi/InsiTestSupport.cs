using System.Net;
using System.Xml;
using System.Xml.Schema;
using Moq;
using Polly;
using Segur.Ins.Insi;
using Segur.Soap;

namespace Segur.Ins.Tests.Insi;

internal static class InsiTestSupport
{
    public static readonly Guid Instance = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static string Reference(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? throw new InvalidOperationException("SegurSdk.sln not found.");
        return Path.Combine([Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "insi")), .. parts]);
    }

    public static InsiClientOptions Options(InsiAuthenticationMode mode = InsiAuthenticationMode.OrganisationCertificate) => new()
    {
        Endpoint = new Uri("https://insi.test/lps"),
        AuthenticationMode = mode,
        Idam = "TESTSGIE0000",
        LpsName = "urn:lps:segur-tests:1.0",
        LpsVersion = "1.0",
        InstanceId = Instance,
        Emetteur = "899900063480",
        Pipeline = ResiliencePipeline.Empty,
    };

    public static InsiTraitsQuery Dominique(string? birthPlace = null) =>
        new("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.ParseIso("1997-02-26"), birthPlace);

    /// <summary>A transport that records requests and answers with the given envelope XML.</summary>
    public static Mock<ISoapTransport> Transport(List<SoapRequest> sent, params string[] answers)
    {
        var queue = new Queue<string>(answers);
        var mock = new Mock<ISoapTransport>(MockBehavior.Strict);
        mock.Setup(t => t.SendAsync(It.IsAny<SoapRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SoapRequest request, CancellationToken _) =>
            {
                sent.Add(request);
                var xml = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
                return new SoapResponse(SoapEnvelope.Parse(xml), HttpStatusCode.OK);
            });
        return mock;
    }

    public static string Envelope(string bodyContent) =>
        $"<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>{bodyContent}</soap:Body></soap:Envelope>";

    public static string NotFound => Envelope("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>01</CodeCR><LibelleCR>Aucune identite trouvee</LibelleCR></CR></RESULTAT>");

    public static string Fault(string code, string subcode, string detail) => Envelope(
        $"<soap:Fault xmlns:siram=\"urn:siram\"><soap:Code><soap:Value>soap:{code}</soap:Value><soap:Subcode><soap:Value>siram:{subcode}</soap:Value></soap:Subcode></soap:Code>"
        + $"<soap:Reason><soap:Text xml:lang=\"fr\">ADRTROIS DOMINIQUE refused</soap:Text></soap:Reason><soap:Detail><siram:Erreur severite=\"fatale\" code=\"{detail}\">ADRTROIS</siram:Erreur></soap:Detail></soap:Fault>");

    public static XmlDocument ToDocument(SoapRequest request)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(System.Text.Encoding.UTF8.GetString(request.ToBytes()));
        return document;
    }

    private static readonly Lazy<XmlSchemaSet> SchemaSet = new(() =>
    {
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        foreach (var file in new[]
                 {
                     "xsd/ServiceIdentiteCertifiee/INSi_RECSANS_INS.xsd", "xsd/ServiceIdentiteCertifiee/INSi_RECVITALE_INS.xsd",
                     "xsd/ServiceIdentiteCertifiee/INSi_RESULTAT_INS.xsd", "xsd/CTX/ROOT_ctxlps_CTXLPS_V01_00.xsd", "xsd/CTX/ROOT_ctxbam_CTXBAM_V01_02.xsd",
                     "xsd/WSSE/Security.xsd", "xsd/schema_faultSOAP_V01_01.xsd",
                 })
        {
            var path = Reference(file.Split('/'));
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            set.Add(null, reader);
        }

        set.Compile();
        return set;
    });

    /// <summary>Validates one element (a header block or the body payload) against the INSi schema set.</summary>
    public static IReadOnlyList<string> Validate(XmlElement element)
    {
        var errors = new List<string>();
        var document = new XmlDocument { PreserveWhitespace = true };
        document.AppendChild(document.ImportNode(element, true));
        document.Schemas = SchemaSet.Value;
        document.Validate((_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        if (document.DocumentElement!.SchemaInfo.Validity != XmlSchemaValidity.Valid && errors.Count == 0)
        {
            errors.Add($"{element.LocalName} was not validated (no schema for {{{element.NamespaceURI}}}).");
        }

        return errors;
    }

    public static XmlElement Header(XmlDocument envelope, string localName, string ns) =>
        envelope.DocumentElement!.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Header")
            .ChildNodes.OfType<XmlElement>().SingleOrDefault(e => e.LocalName == localName && e.NamespaceURI == ns)
        ?? throw new Xunit.Sdk.XunitException($"Header {localName} missing.");

    public static XmlElement? FindHeader(XmlDocument envelope, string localName, string ns) =>
        envelope.DocumentElement!.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Header")
            .ChildNodes.OfType<XmlElement>().SingleOrDefault(e => e.LocalName == localName && e.NamespaceURI == ns);

    public static XmlElement Body(XmlDocument envelope) =>
        envelope.DocumentElement!.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Body").ChildNodes.OfType<XmlElement>().Single();
}
