using System.Xml;
using Segur.Ins.Insi;
using Segur.Security;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Pki;
using static Segur.Ins.Tests.Insi.InsiTestSupport;

namespace Segur.Ins.Tests.Insi;

/// <summary>Every request the client builds validates against the INSi XSDs (bodies and headers separately: the WSDL's
/// WS-Addressing import points to a URL that is not available offline).</summary>
public sealed class InsiRequestSchemaTests : IDisposable
{
    private const string CtxLps = "urn:siram:lps:ctxlps";
    private const string CtxBam = "urn:siram:bam:ctxbam";
    private const string Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private const string Wsa = "http://www.w3.org/2005/08/addressing";
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 30, 0, 123, TimeSpan.Zero));
    private readonly TestPki _pki;
    private readonly Pkcs12CredentialSource _card;
    private readonly Pkcs12CredentialSource _organisation;

    public InsiRequestSchemaTests()
    {
        _pki = TestPki.Create(_time);
        _card = TestPki.CreateCredential(_pki.IssuePersonalCertificate("899700012345", "PHARMA", "PAUL"));
        _organisation = TestPki.CreateCredential(_pki.IssueOrganisationCertificate("3123456789", "INSI-MANU"));
    }

    public void Dispose()
    {
        _card.Dispose();
        _organisation.Dispose();
        _pki.Dispose();
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "traits", "OrganisationCertificate" },
        { "traits", "Cpx" },
        { "vitale", "OrganisationCertificate" },
        { "vitale", "Cpx" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_EachOperationAndMode_ValidatesAgainstInsiSchemas(string operation, string mode)
    {
        var envelope = await SendAndCapture(operation, Enum.Parse<InsiAuthenticationMode>(mode));

        var body = Body(envelope);
        Assert.Empty(Validate(body));
        Assert.Equal(operation == "traits" ? "RECSANSVITALE" : "RECVITALE", body.LocalName);
        Assert.Empty(Validate(Header(envelope, "ContexteLPS", CtxLps)));
        Assert.Empty(Validate(Header(envelope, "ContexteBAM", CtxBam)));
        var security = FindHeader(envelope, "Security", Wsse);
        if (mode == "Cpx")
        {
            Assert.NotNull(security);
            Assert.Empty(Validate(security));
        }
        else
        {
            Assert.Null(security);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_EachOperationAndMode_HasInsiHeaders(string operation, string mode)
    {
        var envelope = await SendAndCapture(operation, Enum.Parse<InsiAuthenticationMode>(mode));

        Assert.Equal("http://www.w3.org/2003/05/soap-envelope", envelope.DocumentElement!.NamespaceURI);
        var action = Header(envelope, "Action", Wsa).InnerText;
        Assert.Equal(operation == "traits" ? "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite" : "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale", action);
        var messageId = Header(envelope, "MessageID", Wsa).InnerText;
        Assert.StartsWith("uuid:", messageId, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(messageId[5..], out _));
        Assert.Null(FindHeader(envelope, "To", Wsa));

        var lps = Header(envelope, "ContexteLPS", CtxLps);
        Assert.Equal("CTXLPS", lps.GetAttribute("Nature"));
        Assert.Equal("01_00", lps.GetAttribute("Version"));
        Assert.Equal("2026-03-02T08:30:00.123Z", lps["Temps", CtxLps]!.InnerText);
        Assert.True(Guid.TryParse(lps["Id", CtxLps]!.InnerText, out _));
        var idam = lps["LPS", CtxLps]!["IDAM", CtxLps]!;
        Assert.Equal("4", idam.GetAttribute("R"));
        Assert.Equal("TESTSGIE0000", idam.InnerText);
        Assert.Equal(Instance.ToString(), lps["LPS", CtxLps]!["Instance", CtxLps]!.InnerText);

        var bam = Header(envelope, "ContexteBAM", CtxBam);
        Assert.Equal("01_02", bam.GetAttribute("Version"));
        var couverture = bam["COUVERTURE", CtxBam]!;
        if (operation == "traits")
        {
            Assert.Empty(couverture.ChildNodes.OfType<XmlElement>());
        }
        else
        {
            Assert.Equal("297022A020778", couverture["ASSURE", CtxBam]!["Id", CtxBam]!["Num", CtxBam]!.InnerText);
            Assert.Equal("78", couverture["ASSURE", CtxBam]!["Id", CtxBam]!["Cle", CtxBam]!.InnerText);
            Assert.Equal("1", couverture["BENEFICIAIRE", CtxBam]!["Rang", CtxBam]!.InnerText);
        }
    }

    [Fact]
    public async Task Request_CpxMode_AssertionSignatureVerifiesWithSegurAndSystemXml()
    {
        var envelope = await SendAndCapture("traits", InsiAuthenticationMode.Cpx);
        var assertion = Header(envelope, "Security", Wsse).ChildNodes.OfType<XmlElement>().Single();

        var result = SamlAssertions.Validate(assertion, new SamlValidationOptions { TimeProvider = _time });
        Assert.Equal("CPS", result.Assertion.Subject!.NameQualifier);
        Assert.Equal("899700012345", result.Assertion.Subject.Value);
        Assert.Equal(SamlAssertion.X509SubjectNameFormat, result.Assertion.IssuerFormat);

        // Independent verifier: System.Security.Cryptography.Xml on a re-parsed copy of the bytes sent.
        var copy = new XmlDocument { PreserveWhitespace = true };
        copy.LoadXml(assertion.OuterXml);
        var signed = new System.Security.Cryptography.Xml.SignedXml(copy);
        signed.LoadXml((XmlElement)copy.GetElementsByTagName("Signature", "http://www.w3.org/2000/09/xmldsig#")[0]!);
        var certificate = await _card.GetCertificateAsync();
        Assert.True(signed.CheckSignature(certificate, verifySignatureOnly: true));
    }

    [Fact]
    public async Task Request_VitaleCpxWithVitaleAssertion_CarriesBothAssertions()
    {
        var vitale = (await SamlAssertions.BuildSignedAsync(new SamlAssertion { Issuer = "CN=VITALE TEST" }, _card, _time)).OuterXml;
        var sent = new List<SoapRequest>();
        var client = new InsiClient(ConfiguredOptions(InsiAuthenticationMode.Cpx), Transport(sent, NotFound).Object);

        await client.SearchWithVitaleAsync(new InsiVitaleQuery(InsMatricule.Parse("297022A02077878"), BirthDate.ParseIso("1997-02-26"), 1) { VitaleAssertionXml = vitale });

        var security = Header(ToDocument(sent[0]), "Security", Wsse);
        Assert.Equal(2, security.ChildNodes.OfType<XmlElement>().Count());
        Assert.Empty(Validate(security));
    }

    private InsiClientOptions ConfiguredOptions(InsiAuthenticationMode mode)
    {
        var options = Options(mode);
        options.TimeProvider = _time;
        options.Credential = mode == InsiAuthenticationMode.Cpx ? _card : _organisation;
        options.AssertionPs.BillingId = "10B0152872";
        options.AssertionPs.ActivitySector = "SA07";
        return options;
    }

    private async Task<XmlDocument> SendAndCapture(string operation, InsiAuthenticationMode mode)
    {
        var sent = new List<SoapRequest>();
        var client = new InsiClient(ConfiguredOptions(mode), Transport(sent, NotFound).Object);
        if (operation == "traits")
        {
            await client.SearchByTraitsAsync(Dominique("2A020"));
        }
        else
        {
            await client.SearchWithVitaleAsync(new InsiVitaleQuery(InsMatricule.Parse("297022A02077878"), BirthDate.ParseIso("1997-02-26"), 1)
            {
                BeneficiaryNir = InsMatricule.Parse("297022A02077878"),
                BirthName = "ADRTROIS",
            });
        }

        Assert.Single(sent);
        return ToDocument(sent[0]);
    }
}
