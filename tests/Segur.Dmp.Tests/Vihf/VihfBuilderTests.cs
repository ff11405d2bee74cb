using System.Security.Cryptography.Xml;
using System.Xml;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Xds;
using Segur.Dmp.Vihf;
using Segur.Testing;
using Xunit;

namespace Segur.Dmp.Tests.Vihf;

/// <summary>The VIHF token (dmp.md §2.3–2.4, §4): attributes per mode, options, signature.</summary>
public sealed class VihfBuilderTests : IDisposable
{
    private readonly XdsClientFixture _fixture = new(_ => new XdsWireReply(string.Empty));

    public void Dispose() => _fixture.Dispose();

    private ManualTimeProvider Clock => (ManualTimeProvider)_fixture.Options.TimeProvider;

    private static XmlNamespaceManager Ns(XmlElement assertion)
    {
        var ns = new XmlNamespaceManager(assertion.OwnerDocument.NameTable);
        ns.AddNamespace("saml2", "urn:oasis:names:tc:SAML:2.0:assertion");
        ns.AddNamespace("hl7", "urn:hl7-org:v3");
        ns.AddNamespace("ds", "http://www.w3.org/2000/09/xmldsig#");
        return ns;
    }

    private static string? Attribute(XmlElement assertion, string name) =>
        assertion.SelectSingleNode($"saml2:AttributeStatement/saml2:Attribute[@Name='{name}']/saml2:AttributeValue", Ns(assertion))?.InnerText;

    private static XmlElement? CodedAttribute(XmlElement assertion, string name) =>
        assertion.SelectSingleNode($"saml2:AttributeStatement/saml2:Attribute[@Name='{name}']/saml2:AttributeValue/*", Ns(assertion)) as XmlElement;

    private Task<XmlElement> BuildAsync(DmpUserContext user, DmpPatient? patient) => new VihfBuilder(_fixture.Options).BuildAsync(user, patient, CancellationToken.None);

    [Fact]
    public async Task Indirect_WritesEveryRequiredAttributeAndVerifiesWithSignedXml()
    {
        var assertion = await BuildAsync(XdsTestData.User(), XdsTestData.Patient());

        Assert.Equal("3.0", Attribute(assertion, "VIHF_Version"));
        Assert.Equal("INDIRECTE", Attribute(assertion, "Authentification_Mode"));
        Assert.Equal("10B0127189", Attribute(assertion, "Identifiant_Structure"));
        Assert.Equal("urn:dmp", Attribute(assertion, "Ressource_URN"));
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH", Attribute(assertion, VihfBuilder.ResourceIdAttribute));
        Assert.False(string.IsNullOrWhiteSpace(Attribute(assertion, VihfBuilder.SubjectIdAttribute)));
        Assert.Equal("normal", CodedAttribute(assertion, VihfBuilder.PurposeOfUseAttribute)!.GetAttribute("code"));
        var roles = assertion.SelectNodes($"saml2:AttributeStatement/saml2:Attribute[@Name='{VihfBuilder.RoleAttribute}']/saml2:AttributeValue/hl7:Role", Ns(assertion))!;
        Assert.Equal(2, roles.Count);
        Assert.Equal("21", ((XmlElement)roles[0]!).GetAttribute("code"));
        Assert.Equal("899900063480", assertion.SelectSingleNode("saml2:Subject/saml2:NameID", Ns(assertion))!.InnerText);
        Assert.Equal(_fixture.Certificate.Subject, assertion.SelectSingleNode("saml2:Issuer", Ns(assertion))!.InnerText);
        Assert.Null(CodedAttribute(assertion, VihfBuilder.ConfidentialityAttribute));

        var signed = new SignedXml(assertion);
        signed.LoadXml((XmlElement)assertion.SelectSingleNode("ds:Signature", Ns(assertion))!);
        Assert.True(signed.CheckSignature(_fixture.Certificate, verifySignatureOnly: true));
        Assert.Contains(_fixture.Certificate.Thumbprint, signed.KeyInfo.OfType<KeyInfoX509Data>().SelectMany(d => d.Certificates!.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>()).Select(c => c.Thumbprint));
    }

    [Fact]
    public async Task Tampered_SignatureNoLongerVerifies()
    {
        var assertion = await BuildAsync(XdsTestData.User(), XdsTestData.Patient());
        var structure = assertion.SelectSingleNode("saml2:AttributeStatement/saml2:Attribute[@Name='Identifiant_Structure']/saml2:AttributeValue", Ns(assertion))!;
        structure.InnerText = "10B0000000";

        var signed = new SignedXml(assertion);
        signed.LoadXml((XmlElement)assertion.SelectSingleNode("ds:Signature", Ns(assertion))!);
        Assert.False(signed.CheckSignature(_fixture.Certificate, verifySignatureOnly: true));
    }

    [Fact]
    public async Task Direct_NoSubjectIdAndSmartcardContext()
    {
        var assertion = await BuildAsync(XdsTestData.User() with { Mode = DmpAuthenticationMode.Direct }, XdsTestData.Patient());

        Assert.Equal("DIRECTE", Attribute(assertion, "Authentification_Mode"));
        Assert.Null(Attribute(assertion, VihfBuilder.SubjectIdAttribute));
        Assert.Equal(Segur.Security.SamlAssertion.SmartcardPkiContext,
            assertion.SelectSingleNode("saml2:AuthnStatement/saml2:AuthnContext/saml2:AuthnContextClassRef", Ns(assertion))!.InnerText);
    }

    [Fact]
    public async Task Reinforced_NeedsTheDeclaration()
    {
        var user = XdsTestData.User() with { Mode = DmpAuthenticationMode.IndirectReinforced };

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => BuildAsync(user, XdsTestData.Patient()));
        Assert.Equal(DmpErrorCodes.VihfAuthnDeclarationMissing, ex.ErrorCode);

        var assertion = await BuildAsync(user with { AuthenticationContextDeclaration = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI" }, XdsTestData.Patient());
        Assert.Equal("INDIRECTE_RENFORCEE", Attribute(assertion, "Authentification_Mode"));
        Assert.NotNull(assertion.SelectSingleNode("saml2:AuthnStatement/saml2:AuthnContext/*[starts-with(local-name(), 'AuthnContextDecl')]", Ns(assertion)));
    }

    [Theory]
    [InlineData(DmpAccessMode.BreakGlass, "bris_de_glace")]
    [InlineData(DmpAccessMode.Centre15, "centre_15")]
    public async Task EmergencyModes_WrittenAsPurposeOfUse(DmpAccessMode mode, string code)
    {
        var assertion = await BuildAsync(XdsTestData.User() with { AccessMode = mode, AccessReason = "urgence vitale" }, XdsTestData.Patient());

        var purpose = CodedAttribute(assertion, VihfBuilder.PurposeOfUseAttribute)!;
        Assert.Equal(code, purpose.GetAttribute("code"));
        Assert.Equal(VihfBuilder.PurposeOfUseCodeSystem, purpose.GetAttribute("codeSystem"));
        Assert.DoesNotContain("urgence vitale", assertion.OuterXml, StringComparison.Ordinal); // the reason is audited, not sent
    }

    [Fact]
    public async Task SecretConnection_WritesTheConfidentialityCode()
    {
        var assertion = await BuildAsync(XdsTestData.User(secret: true), XdsTestData.Patient());

        Assert.Equal("INVISIBLE_REPRESENTANTS_LEGAUX", CodedAttribute(assertion, VihfBuilder.ConfidentialityAttribute)!.GetAttribute("code"));
    }

    [Fact]
    public async Task Options_VersionAndModeSpellingChangeTheToken()
    {
        _fixture.Options.Vihf.Version = "2.0";
        _fixture.Options.Vihf.ModeAttributeName = "Authentification_mode";

        var assertion = await BuildAsync(XdsTestData.User(), XdsTestData.Patient());

        Assert.Equal("2.0", Attribute(assertion, "VIHF_Version"));
        Assert.Equal("INDIRECTE", Attribute(assertion, "Authentification_mode"));
        Assert.Null(Attribute(assertion, "Authentification_Mode"));
    }

    [Fact]
    public async Task NoPatient_NoResourceId()
    {
        var assertion = await BuildAsync(XdsTestData.User(), null);

        Assert.Null(Attribute(assertion, VihfBuilder.ResourceIdAttribute));
    }

    [Fact]
    public async Task EachCall_FreshIdAndIssueInstantFromTheClock()
    {
        var first = await BuildAsync(XdsTestData.User(), XdsTestData.Patient());
        Clock.Advance(TimeSpan.FromMinutes(3));
        var second = await BuildAsync(XdsTestData.User(), XdsTestData.Patient());

        Assert.NotEqual(first.GetAttribute("ID"), second.GetAttribute("ID"));
        var issued = DateTimeOffset.Parse(second.GetAttribute("IssueInstant"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Clock.GetUtcNow(), issued);
        Assert.Equal(TimeSpan.FromMinutes(3), issued - DateTimeOffset.Parse(first.GetAttribute("IssueInstant"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task NoSigner_ClearValidationError()
    {
        _fixture.Options.VihfSigner = null;

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => BuildAsync(XdsTestData.User(), XdsTestData.Patient()));

        Assert.Equal(DmpErrorCodes.VihfSignerMissing, ex.ErrorCode);
    }
}
