using System.Security.Cryptography.Xml;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Segur.Security;
using Segur.Testing;
using XmlSignature = Segur.Security.XmlSignature;

namespace Segur.Core.Tests.Security;

public sealed class SamlAssertionsTests
{
    private static readonly XNamespace Hl7 = "urn:hl7-org:v3";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    internal static SamlAssertion Vihf() => new()
    {
        Id = "_vihf-1",
        IssueInstant = SecurityFixture.Now,
        Issuer = SecurityFixture.Signer.Subject,
        IssuerFormat = SamlAssertion.X509SubjectNameFormat,
        Subject = new SamlNameId("899700012345") { Format = SamlAssertion.UnspecifiedNameFormat, NameQualifier = "CPS" },
        NotBefore = SecurityFixture.Now.AddMinutes(-1),
        NotOnOrAfter = SecurityFixture.Now.AddMinutes(10),
        Audiences = { "urn:dmp" },
        AuthnStatement = new SamlAuthnStatement { AuthnContextClassRef = SamlAssertion.SmartcardPkiContext },
        Attributes =
        {
            new SamlAttribute("VIHF_Version", "3.0"),
            new SamlAttribute("Identifiant_Structure", "499900063480001") { NameFormat = SamlAttribute.BasicNameFormat },
            new SamlAttribute("LPS_Nom") { Values = { SamlAttributeValue.FromText("Segur SDK", "string") } },
            new SamlAttribute("multi", "a", "b"),
            new SamlAttribute("urn:oasis:names:tc:xacml:2.0:subject:role")
            {
                Values =
                {
                    SamlAttributeValue.FromElement(new XElement(Hl7 + "Role",
                        new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
                        new XAttribute(Xsi + "type", "CE"), new XAttribute("code", "21"),
                        new XAttribute("codeSystem", "1.2.250.1.71.1.2.7"), new XAttribute("displayName", "Pharmacien"))),
                },
            },
        },
    };

    private static async Task<XmlDocument> SignedAsync(SamlAssertion? assertion = null)
    {
        using var credential = SecurityFixture.CreateSignerCredential();
        var doc = await SamlAssertions.BuildSignedAsync(assertion ?? Vihf(), credential);
        return SecurityFixture.Load(SecurityFixture.Serialize(doc));
    }

    private static SamlValidationOptions Options(DateTimeOffset? now = null) => new()
    {
        TimeProvider = new ManualTimeProvider(now ?? SecurityFixture.Now),
        ExpectedAudience = "urn:dmp",
    };

    [Fact]
    public async Task BuildSignedAsync_Output_IsValidAgainstSamlSchema()
    {
        var doc = await SignedAsync();
        var dir = Path.Combine(SharedReference.Path, "insi", "xsd", "SAML");
        var schemas = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = new XmlUrlResolver() };
        using (var reader = XmlReader.Create(Path.Combine(dir, "saml-schema-assertion-2.0.xsd"), settings))
        {
            schemas.Add(null, reader);
        }

        schemas.Compile();
        var errors = new List<string>();
        doc.Schemas = schemas;
        doc.Validate((_, e) => errors.Add(e.Message));

        Assert.Empty(errors);
    }

    [Fact]
    public async Task BuildSignedAsync_SignatureDirectlyAfterIssuer()
    {
        var doc = await SignedAsync();
        var children = doc.DocumentElement!.ChildNodes.OfType<XmlElement>().Select(e => e.LocalName).ToList();

        Assert.Equal(["Issuer", "Signature", "Subject", "Conditions", "AuthnStatement", "AttributeStatement"], children);
    }

    [Fact]
    public async Task BuildSignedAsync_VerifiedBySignedXml()
    {
        var doc = await SignedAsync();
        var signedXml = new SignedXml(doc);
        signedXml.LoadXml((XmlElement)doc.GetElementsByTagName("Signature", XmlSignature.Namespace)[0]!);

        Assert.True(signedXml.CheckSignature(SecurityFixture.Signer, verifySignatureOnly: true));
    }

    [Fact]
    public async Task Validate_SignedAssertion_ReturnsContentAndSigner()
    {
        var doc = await SignedAsync();

        var result = SamlAssertions.Validate(doc.DocumentElement!, Options());

        Assert.Equal(SecurityFixture.Signer.Thumbprint, result.SignerCertificate.Thumbprint);
        var assertion = result.Assertion;
        Assert.Equal("_vihf-1", assertion.Id);
        Assert.Equal(SecurityFixture.Signer.Subject, assertion.Issuer);
        Assert.Equal(SamlAssertion.X509SubjectNameFormat, assertion.IssuerFormat);
        Assert.Equal("899700012345", assertion.Subject!.Value);
        Assert.Equal("CPS", assertion.Subject.NameQualifier);
        Assert.Equal(SecurityFixture.Now.AddMinutes(10), assertion.NotOnOrAfter);
        Assert.Equal(SamlAssertion.SmartcardPkiContext, assertion.AuthnStatement!.AuthnContextClassRef);
        Assert.Equal(SecurityFixture.Now, assertion.AuthnStatement.AuthnInstant);
        Assert.Equal(["a", "b"], assertion.Attributes.Single(a => a.Name == "multi").Values.Select(v => v.Text));
        var typed = assertion.Attributes.Single(a => a.Name == "LPS_Nom").Values.Single();
        Assert.Equal(("Segur SDK", "string"), (typed.Text, typed.XsiType));
        var role = assertion.Attributes.Single(a => a.Name.EndsWith(":role", StringComparison.Ordinal)).Values.Single().Element!;
        Assert.Equal(Hl7 + "Role", role.Name);
        Assert.Equal("21", (string?)role.Attribute("code"));
    }

    [Fact]
    public async Task Validate_AfterNotOnOrAfterPlusSkew_ThrowsExpired()
    {
        var doc = await SignedAsync();

        var withinSkew = SamlAssertions.Validate(doc.DocumentElement!, Options(SecurityFixture.Now.AddMinutes(14)));
        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, Options(SecurityFixture.Now.AddMinutes(15))));

        Assert.NotNull(withinSkew);
        Assert.Equal(CoreErrorCodes.SamlExpired, ex.ErrorCode);
    }

    [Fact]
    public async Task Validate_BeforeNotBeforeMinusSkew_ThrowsNotYetValid()
    {
        var doc = await SignedAsync();

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, Options(SecurityFixture.Now.AddMinutes(-7))));

        Assert.Equal(CoreErrorCodes.SamlNotYetValid, ex.ErrorCode);
    }

    [Fact]
    public async Task Validate_OtherAudience_ThrowsAudienceMismatch()
    {
        var doc = await SignedAsync();
        var options = Options();
        options.ExpectedAudience = "urn:insi";

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, options));

        Assert.Equal(CoreErrorCodes.SamlAudienceMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Validate_OtherIssuerExpected_ThrowsIssuerMismatch()
    {
        var doc = await SignedAsync();
        var options = Options();
        options.ExpectedIssuer = "CN=someone else";

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, options));

        Assert.Equal(CoreErrorCodes.SamlIssuerMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Validate_AttributeValueTampered_ThrowsDigestMismatch()
    {
        var doc = await SignedAsync();
        var value = doc.GetElementsByTagName("AttributeValue", SamlAssertion.Namespace)[1]!;
        value.InnerText = "100000000000001";

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, Options()));

        Assert.Equal(CoreErrorCodes.SignatureDigestMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Validate_UnsignedAssertion_ThrowsSignatureMissing()
    {
        var doc = SamlAssertions.Build(Vihf());

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, Options()));

        Assert.Equal(CoreErrorCodes.SignatureMissing, ex.ErrorCode);
        await Task.CompletedTask;
    }

    [Fact]
    public void Validate_NotAnAssertion_ThrowsMalformed()
    {
        var doc = SecurityFixture.Load("<Assertion xmlns=\"urn:oasis:names:tc:SAML:1.0:assertion\"/>");

        var ex = Assert.Throws<SegurValidationException>(() => SamlAssertions.Validate(doc.DocumentElement!, Options()));

        Assert.Equal(CoreErrorCodes.SamlMalformed, ex.ErrorCode);
    }

    [Fact]
    public void Build_WithoutIssueInstant_UsesTheClock()
    {
        var assertion = Vihf();
        assertion.IssueInstant = default;

        var doc = SamlAssertions.Build(assertion, new ManualTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));

        Assert.Equal("2030-01-02T03:04:05.000Z", doc.DocumentElement!.GetAttribute("IssueInstant"));
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a b")]
    public void Build_IdNotNcName_ThrowsArgumentException(string id)
    {
        var assertion = Vihf();
        assertion.Id = id;

        Assert.Throws<ArgumentException>(() => SamlAssertions.Build(assertion));
    }
}

internal static class SharedReference
{
    public static string Path
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SegurSdk.sln")))
            {
                dir = dir.Parent;
            }

            return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir!.FullName, "..", "shared", "reference"));
        }
    }
}
