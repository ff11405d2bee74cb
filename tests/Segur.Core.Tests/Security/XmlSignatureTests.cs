using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using Moq;
using Segur.Security;
using XmlSignature = Segur.Security.XmlSignature;

namespace Segur.Core.Tests.Security;

public sealed class XmlSignatureTests
{
    private const string Document = "<doc xmlns=\"urn:test\" xmlns:p=\"urn:p\">\n  <p:item ID=\"_item1\" kind=\"a\">\n    <p:name>Café &amp; co</p:name>\n  </p:item>\n  <other>x</other>\n</doc>";

    private static async Task<XmlDocument> SignedDocumentAsync()
    {
        var doc = SecurityFixture.Load(Document);
        using var credential = SecurityFixture.CreateSignerCredential();
        await XmlSignature.SignEnvelopedAsync(Item(doc), credential);
        return SecurityFixture.Load(SecurityFixture.Serialize(doc));
    }

    private static XmlElement Item(XmlDocument doc) => (XmlElement)doc.GetElementsByTagName("item", "urn:p")[0]!;

    [Fact]
    public async Task SignEnvelopedAsync_ThenVerify_ReturnsSignerCertificate()
    {
        var doc = await SignedDocumentAsync();

        var result = XmlSignature.Verify(Item(doc));

        Assert.Equal(SecurityFixture.Signer.Thumbprint, result.SignerCertificate.Thumbprint);
        Assert.Equal("_item1", result.ReferenceId);
        Assert.Equal(XmlSignature.RsaSha256Uri, result.SignatureMethod);
        Assert.Equal(XmlSignature.Sha256Uri, result.DigestMethod);
    }

    [Fact]
    public async Task SignEnvelopedAsync_VerifiedBySignedXml()
    {
        var doc = await SignedDocumentAsync();
        var signature = (XmlElement)doc.GetElementsByTagName("Signature", XmlSignature.Namespace)[0]!;
        var signedXml = new SignedXml(doc);
        signedXml.LoadXml(signature);

        Assert.True(signedXml.CheckSignature(SecurityFixture.Signer, verifySignatureOnly: true));
    }

    [Fact]
    public async Task SignEnvelopedAsync_TamperedThenCheckedBySignedXml_Fails()
    {
        var doc = await SignedDocumentAsync();
        Item(doc).SetAttribute("kind", "b");
        var signedXml = new SignedXml(doc);
        signedXml.LoadXml((XmlElement)doc.GetElementsByTagName("Signature", XmlSignature.Namespace)[0]!);

        Assert.False(signedXml.CheckSignature(SecurityFixture.Signer, verifySignatureOnly: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_SignatureMadeBySignedXml_IsAcceptedWithSha256AndRefusedWithSha1ByDefault(bool sha1)
    {
        var doc = SecurityFixture.Load(Document);
        SignWithSignedXml(doc, Item(doc), sha1);
        var reloaded = SecurityFixture.Load(SecurityFixture.Serialize(doc));

        if (sha1)
        {
            var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(reloaded)));
            Assert.Equal(CoreErrorCodes.SignatureAlgorithmUnsupported, ex.ErrorCode);
            var allowed = XmlSignature.Verify(Item(reloaded), new XmlSignatureVerificationOptions { AllowSha1 = true });
            Assert.Equal(XmlSignature.RsaSha1Uri, allowed.SignatureMethod);
        }
        else
        {
            var result = XmlSignature.Verify(Item(reloaded));
            Assert.Equal(SecurityFixture.Signer.Thumbprint, result.SignerCertificate.Thumbprint);
        }
    }

    [Fact]
    public async Task Verify_ContentChanged_ThrowsDigestMismatch()
    {
        var doc = await SignedDocumentAsync();
        Item(doc).GetElementsByTagName("name", "urn:p")[0]!.InnerText = "Café & cie";

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureDigestMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_WhitespaceAdded_ThrowsDigestMismatch()
    {
        var doc = await SignedDocumentAsync();
        Item(doc).AppendChild(doc.CreateWhitespace(" "));

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureDigestMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_SignatureValueChanged_ThrowsSignatureInvalid()
    {
        var doc = await SignedDocumentAsync();
        var value = doc.GetElementsByTagName("SignatureValue", XmlSignature.Namespace)[0]!;
        var bytes = Convert.FromBase64String(value.InnerText);
        bytes[10] ^= 0x01;
        value.InnerText = Convert.ToBase64String(bytes);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_DigestValueAndContentBothChanged_ThrowsSignatureInvalid()
    {
        var doc = await SignedDocumentAsync();
        var item = Item(doc);
        item.SetAttribute("kind", "evil");
        var signature = (XmlElement)doc.GetElementsByTagName("Signature", XmlSignature.Namespace)[0]!;
        var digest = SHA256.HashData(ExclusiveCanonicalization.Canonicalize(item, null, signature));
        doc.GetElementsByTagName("DigestValue", XmlSignature.Namespace)[0]!.InnerText = Convert.ToBase64String(digest);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(item));

        Assert.Equal(CoreErrorCodes.SignatureInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_OtherKnownSignerCertificate_ThrowsSignatureInvalid()
    {
        var doc = await SignedDocumentAsync();

        var ex = Assert.Throws<SegurValidationException>(() =>
            XmlSignature.Verify(Item(doc), new XmlSignatureVerificationOptions { SignerCertificate = SecurityFixture.Organisation }));

        Assert.Equal(CoreErrorCodes.SignatureInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_WrappingAttack_SignatureMovedToForgedElement_ThrowsReferenceInvalid()
    {
        var doc = await SignedDocumentAsync();
        var original = Item(doc);
        var signature = (XmlElement)doc.GetElementsByTagName("Signature", XmlSignature.Namespace)[0]!;
        // The attacker keeps the genuine signed element elsewhere and puts a forged one, carrying the genuine
        // signature, where the application looks.
        var forged = (XmlElement)original.CloneNode(deep: false);
        forged.SetAttribute("ID", "_forged");
        forged.SetAttribute("kind", "admin");
        forged.AppendChild(signature);
        doc.DocumentElement!.InsertBefore(forged, original);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(forged));

        Assert.Equal(CoreErrorCodes.SignatureReferenceInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_WrappingAttack_DuplicateId_ThrowsDuplicateId()
    {
        var doc = await SignedDocumentAsync();
        var original = Item(doc);
        var forged = (XmlElement)original.CloneNode(deep: true);
        forged.SetAttribute("kind", "admin");
        doc.DocumentElement!.PrependChild(forged);
        var wrapper = doc.CreateElement("wrapper", "urn:test");
        doc.DocumentElement!.AppendChild(wrapper);
        wrapper.AppendChild(original);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(forged));

        Assert.Equal(CoreErrorCodes.SignatureDuplicateId, ex.ErrorCode);
    }

    [Fact]
    public void Verify_NoSignature_ThrowsSignatureMissing()
    {
        var doc = SecurityFixture.Load(Document);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureMissing, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_ReferenceRemoved_ThrowsReferenceInvalid()
    {
        var doc = await SignedDocumentAsync();
        var reference = doc.GetElementsByTagName("Reference", XmlSignature.Namespace)[0]!;
        reference.ParentNode!.RemoveChild(reference);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureReferenceInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_SecondReferenceAdded_ThrowsReferenceInvalid()
    {
        var doc = await SignedDocumentAsync();
        var reference = doc.GetElementsByTagName("Reference", XmlSignature.Namespace)[0]!;
        reference.ParentNode!.AppendChild(reference.CloneNode(true));

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureReferenceInvalid, ex.ErrorCode);
    }

    [Theory]
    [InlineData("Transform", "http://www.w3.org/TR/1999/REC-xpath-19991116")]
    [InlineData("CanonicalizationMethod", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")]
    [InlineData("SignatureMethod", "http://www.w3.org/2000/09/xmldsig#hmac-sha1")]
    [InlineData("DigestMethod", "http://www.w3.org/2001/04/xmldsig-more#md5")]
    public async Task Verify_UnsupportedAlgorithm_ThrowsAlgorithmUnsupported(string element, string algorithm)
    {
        var doc = await SignedDocumentAsync();
        ((XmlElement)doc.GetElementsByTagName(element, XmlSignature.Namespace)[0]!).SetAttribute("Algorithm", algorithm);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));

        Assert.Equal(CoreErrorCodes.SignatureAlgorithmUnsupported, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_NoCertificate_ThrowsCertificateMissing_UnlessSignerGiven()
    {
        var doc = await SignedDocumentAsync();
        var keyInfo = doc.GetElementsByTagName("KeyInfo", XmlSignature.Namespace)[0]!;
        keyInfo.ParentNode!.RemoveChild(keyInfo);

        var ex = Assert.Throws<SegurValidationException>(() => XmlSignature.Verify(Item(doc)));
        var result = XmlSignature.Verify(Item(doc), new XmlSignatureVerificationOptions { SignerCertificate = SecurityFixture.Signer });

        Assert.Equal(CoreErrorCodes.SignatureCertificateMissing, ex.ErrorCode);
        Assert.Same(SecurityFixture.Signer, result.SignerCertificate);
    }

    [Fact]
    public async Task SignEnvelopedAsync_ElementWithoutId_ThrowsArgumentException()
    {
        var doc = SecurityFixture.Load("<a><b/></a>");
        using var credential = SecurityFixture.CreateSignerCredential();

        await Assert.ThrowsAsync<ArgumentException>(() => XmlSignature.SignEnvelopedAsync(doc.DocumentElement!, credential));
    }

    [Fact]
    public async Task SignEnvelopedAsync_DuplicateIdInDocument_ThrowsDuplicateId()
    {
        var doc = SecurityFixture.Load("<a><b Id=\"x\"/><c id=\"x\"/></a>");
        using var credential = SecurityFixture.CreateSignerCredential();

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            XmlSignature.SignEnvelopedAsync((XmlElement)doc.DocumentElement!.FirstChild!, credential));

        Assert.Equal(CoreErrorCodes.SignatureDuplicateId, ex.ErrorCode);
    }

    [Fact]
    public async Task SignEnvelopedAsync_CredentialFails_ThrowsSigningFailedAndLeavesDocumentUnchanged()
    {
        var doc = SecurityFixture.Load(Document);
        var before = SecurityFixture.Serialize(doc);
        var credential = new Mock<ICredentialSource>();
        credential.Setup(c => c.GetCertificateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SecurityFixture.Signer);
        credential.Setup(c => c.SignDataAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<HashAlgorithmName>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CryptographicException("card says no"));

        var ex = await Assert.ThrowsAsync<SegurException>(() => XmlSignature.SignEnvelopedAsync(Item(doc), credential.Object));

        Assert.Equal(CoreErrorCodes.SigningFailed, ex.ErrorCode);
        Assert.Equal(before, SecurityFixture.Serialize(doc));
    }

    [Fact]
    public async Task SignEnvelopedAsync_SignsThroughCredentialWithSha256()
    {
        var doc = SecurityFixture.Load(Document);
        using var real = SecurityFixture.CreateSignerCredential();
        var credential = new Mock<ICredentialSource>();
        credential.Setup(c => c.GetCertificateAsync(It.IsAny<CancellationToken>())).Returns(() => real.GetCertificateAsync());
        credential.Setup(c => c.SignDataAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<HashAlgorithmName>(), It.IsAny<CancellationToken>()))
            .Returns((ReadOnlyMemory<byte> data, HashAlgorithmName hash, CancellationToken ct) => real.SignDataAsync(data, hash, ct));

        await XmlSignature.SignEnvelopedAsync(Item(doc), credential.Object, new XmlSigningOptions { InsertAfter = Item(doc).FirstChild });

        credential.Verify(c => c.SignDataAsync(It.IsAny<ReadOnlyMemory<byte>>(), HashAlgorithmName.SHA256, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal("Signature", Item(doc).ChildNodes[1]!.LocalName);
        XmlSignature.Verify(Item(doc));
    }

    [Fact]
    public async Task SignEnvelopedAsync_WsuIdOnSoapBody_VerifiedByUsAndSignedXml()
    {
        const string wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
        var doc = SecurityFixture.Load($"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body xmlns:wsu=\"{wsu}\" wsu:Id=\"body\"><m xmlns=\"urn:m\">1</m></s:Body></s:Envelope>");
        var body = (XmlElement)doc.DocumentElement!.FirstChild!;
        using var credential = SecurityFixture.CreateSignerCredential();

        await XmlSignature.SignEnvelopedAsync(body, credential);

        Assert.Equal("body", XmlSignature.Verify(body).ReferenceId);
    }

    private static void SignWithSignedXml(XmlDocument doc, XmlElement element, bool sha1)
    {
        using var key = SecurityFixture.Signer.GetRSAPrivateKey()!;
        var signedXml = new SignedXml(element) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signedXml.SignedInfo.SignatureMethod = sha1 ? SignedXml.XmlDsigRSASHA1Url : SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + element.GetAttribute("ID"))
        {
            DigestMethod = sha1 ? SignedXml.XmlDsigSHA1Url : SignedXml.XmlDsigSHA256Url,
        };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(SecurityFixture.Signer));
        signedXml.KeyInfo = keyInfo;
        signedXml.ComputeSignature();
        element.AppendChild(doc.ImportNode(signedXml.GetXml(), true));
    }
}
