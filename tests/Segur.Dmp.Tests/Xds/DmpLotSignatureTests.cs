using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Segur.Dmp.Xds;
using Segur.Security;
using Segur.Testing.Pki;

#pragma warning disable CA5350 // The DMP lot format is SHA-1; the tests check it.

namespace Segur.Dmp.Tests.Xds;

public sealed class DmpLotSignatureTests : IDisposable
{
    private const string SetId = "1.2.250.1.999.1.1.7898.1";
    private const string Doc1Id = "2.25.112233445566778899";
    private const string Doc2Id = "2.25.998877665544332211";
    private static readonly DateTimeOffset SigningTime = new(2026, 1, 5, 9, 30, 0, TimeSpan.FromHours(1));

    private static readonly byte[] Doc1 = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"CDA.xsl\"?>\n" +
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n  <!-- N1 -->\n" +
        "  <id root=\"2.25.112233445566778899\"/>\n  <title>Compte rendu é</title>\n</ClinicalDocument>\n");

    private static readonly byte[] Doc2 = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"2.25.998877665544332211\"/></ClinicalDocument>");

    private readonly TestPki _pki = TestPki.Create(name: "LOT");
    private readonly X509Certificate2 _signer;
    private readonly Pkcs12CredentialSource _credential;

    public DmpLotSignatureTests()
    {
        _signer = _pki.IssueOrganisationCertificate("10B0127189", "ORG-SIGN", "CLINIQUE DU TEST");
        _credential = TestPki.CreateCredential(_signer);
    }

    public void Dispose()
    {
        _credential.Dispose();
        _signer.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task SignAsync_Sha1_WritesTheDmpXadesStructure()
    {
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1, signatureId: "1.2.250.1.999.1.1.7898.3"));
        var ns = Namespaces(xml);

        Assert.Equal("1.2.250.1.999.1.1.7898.3", Select(xml, ns, "/ds:Signature/@Id"));
        Assert.Equal("http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", Select(xml, ns, "/ds:Signature/ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm"));
        Assert.Equal("http://www.w3.org/2000/09/xmldsig#rsa-sha1", Select(xml, ns, "/ds:Signature/ds:SignedInfo/ds:SignatureMethod/@Algorithm"));
        Assert.Equal("http://www.w3.org/2000/09/xmldsig#Manifest", Select(xml, ns, "/ds:Signature/ds:SignedInfo/ds:Reference[@URI='#IHEManifest']/@Type"));
        Assert.Equal("http://uri.etsi.org/01903/v1.1.1#SignedProperties",
            Select(xml, ns, "/ds:Signature/ds:SignedInfo/ds:Reference[@URI='#1.2.250.1.999.1.1.7898.3-SignedProperties']/@Type"));
        Assert.Equal("1.2.840.10065.1.12.1.14",
            Select(xml, ns, "/ds:Signature/ds:Object/ds:SignatureProperties/ds:SignatureProperty[@Id='purposeOfSignature'][@Target='#1.2.250.1.999.1.1.7898.3']"));
        var manifestUris = xml.SelectNodes("/ds:Signature/ds:Object/ds:Manifest[@Id='IHEManifest']/ds:Reference/@URI", ns)!.Cast<XmlNode>().Select(n => n.Value).ToList();
        Assert.Equal(["urn:oid:" + SetId, "urn:oid:" + Doc1Id, "urn:oid:" + Doc2Id], manifestUris);
        Assert.Equal("AA==", Select(xml, ns, $"//ds:Manifest/ds:Reference[@URI='urn:oid:{SetId}']/ds:DigestValue"));
        Assert.Equal("http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
            Select(xml, ns, $"//ds:Manifest/ds:Reference[@URI='urn:oid:{Doc1Id}']/ds:Transforms/ds:Transform/@Algorithm"));
        Assert.Equal(Convert.ToBase64String(_signer.RawData), Select(xml, ns, "/ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate"));

        const string props = "/ds:Signature/ds:Object/xades:QualifyingProperties[@Target='#1.2.250.1.999.1.1.7898.3']/xades:SignedProperties/xades:SignedSignatureProperties";
        Assert.Equal("2026-01-05T08:30:00Z", Select(xml, ns, props + "/xades:SigningTime"));
        Assert.Equal(Convert.ToBase64String(SHA1.HashData(_signer.RawData)), Select(xml, ns, props + "/xades:SigningCertificate/xades:Cert/xades:CertDigest/xades:DigestValue"));
        Assert.Equal(_signer.IssuerName.Name, Select(xml, ns, props + "/xades:SigningCertificate/xades:Cert/xades:IssuerSerial/ds:X509IssuerName"));
        Assert.Equal(new System.Numerics.BigInteger(_signer.GetSerialNumber(), isUnsigned: true).ToString(),
            Select(xml, ns, props + "/xades:SigningCertificate/xades:Cert/xades:IssuerSerial/ds:X509SerialNumber"));
        Assert.Single(xml.SelectNodes(props + "/xades:SignaturePolicyIdentifier/xades:SignaturePolicyImplied", ns)!);
    }

    [Theory]
    [InlineData("SHA1", SignedXml.XmlDsigRSASHA1Url, 20)]
    [InlineData("SHA256", SignedXml.XmlDsigRSASHA256Url, 32)]
    public async Task SignAsync_VerifiedBySignedXml_IncludingManifestDigests(string hashName, string signatureMethod, int digestLength)
    {
        var bytes = await SignAsync(new HashAlgorithmName(hashName));
        var xml = Load(bytes);
        var ns = Namespaces(xml);

        var signedXml = new SignedXml(xml);
        signedXml.LoadXml(xml.DocumentElement!);
        Assert.True(signedXml.CheckSignature(_signer, verifySignatureOnly: true));
        Assert.Equal(signatureMethod, signedXml.SignatureMethod);
        Assert.Equal(2, signedXml.SignedInfo!.References.Count);

        // The manifest is an application-level check for SignedXml: recompute each document digest independently.
        foreach (var (id, content) in new[] { (Doc1Id, Doc1), (Doc2Id, Doc2) })
        {
            var document = Load(content);
            var transform = new XmlDsigC14NWithCommentsTransform();
            transform.LoadInput(document);
            using var canonical = (Stream)transform.GetOutput(typeof(Stream));
            var expected = hashName == "SHA1" ? SHA1.HashData(canonical) : SHA256.HashData(canonical);
            var actual = Convert.FromBase64String(Select(xml, ns, $"//ds:Manifest/ds:Reference[@URI='urn:oid:{id}']/ds:DigestValue")!);
            Assert.Equal(digestLength, actual.Length);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public async Task Verify_SignedLot_ReturnsSignerTimeAndIds(string hashName)
    {
        var bytes = await SignAsync(new HashAlgorithmName(hashName));

        var result = DmpLotSignature.Verify(bytes, Documents());

        Assert.Equal(_signer.Thumbprint, result.SignerCertificate.Thumbprint);
        Assert.Equal(SigningTime, result.SigningTime);
        Assert.Equal(SetId, result.SubmissionSetUniqueId);
        Assert.Equal([Doc1Id, Doc2Id], result.DocumentUniqueIds);
        Assert.Equal(new HashAlgorithmName(hashName), result.HashAlgorithm);
        Assert.Equal("S0", result.SignatureId);
    }

    [Fact]
    public async Task Verify_TamperedDocument_FailsWithDocumentDigestMismatch()
    {
        var bytes = await SignAsync(HashAlgorithmName.SHA1);
        var documents = Documents();
        documents[Doc2Id] = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"2.25.998877665544332212\"/></ClinicalDocument>");

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, documents));

        Assert.Equal(DmpErrorCodes.LotDocumentDigestMismatch, ex.ErrorCode);
        Assert.Contains(Doc2Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DocumentReserializedOnly_StillVerifies()
    {
        // Canonical XML makes the digest independent of the XML declaration, attribute quoting and CRLF.
        var bytes = await SignAsync(HashAlgorithmName.SHA1);
        var documents = Documents();
        documents[Doc2Id] = Encoding.UTF8.GetBytes("<?xml version='1.0'?>\r\n<ClinicalDocument xmlns='urn:hl7-org:v3'><id root='2.25.998877665544332211'></id></ClinicalDocument>");

        Assert.Equal([Doc1Id, Doc2Id], DmpLotSignature.Verify(bytes, documents).DocumentUniqueIds);
    }

    [Fact]
    public async Task Verify_MissingOrExtraDocument_FailsWithDocumentSetMismatch()
    {
        var bytes = await SignAsync(HashAlgorithmName.SHA1);
        var missing = Documents();
        missing.Remove(Doc1Id);
        var extra = Documents();
        extra["2.25.1"] = Doc2;

        var missingEx = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, missing,
            new DmpLotSignatureVerificationOptions { SubmissionSetUniqueId = SetId }));
        var extraEx = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, extra));

        Assert.Equal(DmpErrorCodes.LotDocumentSetMismatch, missingEx.ErrorCode);
        Assert.Equal(DmpErrorCodes.LotDocumentSetMismatch, extraEx.ErrorCode);
    }

    [Fact]
    public async Task Verify_MissingDocumentWithoutExpectedSet_FailsOnTheSetReference()
    {
        var bytes = await SignAsync(HashAlgorithmName.SHA1);
        var missing = Documents();
        missing.Remove(Doc1Id);

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, missing));

        Assert.Equal(DmpErrorCodes.LotSubmissionSetMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_OtherExpectedSet_FailsWithSubmissionSetMismatch()
    {
        var bytes = await SignAsync(HashAlgorithmName.SHA1);

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, Documents(),
            new DmpLotSignatureVerificationOptions { SubmissionSetUniqueId = "1.2.3.4" }));

        Assert.Equal(DmpErrorCodes.LotSubmissionSetMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_WrongExpectedCertificate_FailsWithCertificateMismatch()
    {
        var bytes = await SignAsync(HashAlgorithmName.SHA1);
        using var other = _pki.IssueOrganisationCertificate("10B0127189", "ORG-SIGN");

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(bytes, Documents(),
            new DmpLotSignatureVerificationOptions { SignerCertificate = other }));

        Assert.Equal(DmpErrorCodes.LotSigningCertificateMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_CertificateSwappedInKeyInfo_FailsWithSignatureInvalid()
    {
        using var other = _pki.IssueOrganisationCertificate("10B0127189", "ORG-SIGN");
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1));
        xml.GetElementsByTagName("X509Certificate", XmlSignature.Namespace)[0]!.InnerText = Convert.ToBase64String(other.RawData);

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(Encoding.UTF8.GetBytes(xml.OuterXml), Documents()));

        Assert.Equal(DmpErrorCodes.LotSignatureInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_ManifestDigestEdited_FailsWithReferenceDigestMismatch()
    {
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1));
        var ns = Namespaces(xml);
        // An attacker swapping a document also rewrites its manifest digest: the SignedInfo digest of the manifest catches it.
        var digest = xml.SelectSingleNode($"//ds:Manifest/ds:Reference[@URI='urn:oid:{Doc2Id}']/ds:DigestValue", ns)!;
        var forged = Encoding.UTF8.GetBytes("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"2.25.6\"/></ClinicalDocument>");
        digest.InnerText = Convert.ToBase64String(SHA1.HashData(forged));
        var documents = Documents();
        documents[Doc2Id] = forged;

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(Encoding.UTF8.GetBytes(xml.OuterXml), documents));

        Assert.Equal(DmpErrorCodes.LotReferenceDigestMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_SigningTimeEdited_FailsWithReferenceDigestMismatch()
    {
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1));
        xml.GetElementsByTagName("SigningTime", DmpLotSignature.XadesNamespace)[0]!.InnerText = "2030-01-01T00:00:00Z";

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(Encoding.UTF8.GetBytes(xml.OuterXml), Documents()));

        Assert.Equal(DmpErrorCodes.LotReferenceDigestMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_SignedInfoEdited_FailsWithSignatureInvalid()
    {
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1));
        var ns = Namespaces(xml);
        xml.SelectSingleNode("//ds:SignedInfo/ds:Reference[@URI='#IHEManifest']/ds:DigestValue", ns)!.InnerText = Convert.ToBase64String(new byte[20]);

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(Encoding.UTF8.GetBytes(xml.OuterXml), Documents()));

        Assert.Equal(DmpErrorCodes.LotSignatureInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Verify_Sha1Disallowed_FailsWithAlgorithmUnsupported()
    {
        var sha1 = await SignAsync(HashAlgorithmName.SHA1);
        var sha256 = await SignAsync(HashAlgorithmName.SHA256);
        var strict = new DmpLotSignatureVerificationOptions { AllowSha1 = false };

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(sha1, Documents(), strict));

        Assert.Equal(DmpErrorCodes.LotAlgorithmUnsupported, ex.ErrorCode);
        Assert.Equal(HashAlgorithmName.SHA256, DmpLotSignature.Verify(sha256, Documents(), strict).HashAlgorithm);
    }

    [Fact]
    public async Task Verify_PurposeOfSignatureRemoved_FailsWithPropertiesInvalid()
    {
        var xml = Load(await SignAsync(HashAlgorithmName.SHA1));
        var property = xml.GetElementsByTagName("SignatureProperty", XmlSignature.Namespace)[0]!;
        property.InnerText = "1.2.840.10065.1.12.1.1";

        var ex = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify(Encoding.UTF8.GetBytes(xml.OuterXml), Documents()));

        Assert.Equal(DmpErrorCodes.LotPropertiesInvalid, ex.ErrorCode);
    }

    [Fact]
    public void Verify_NotXmlOrNotSignature_FailsWithMalformed()
    {
        var notXml = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify("not xml"u8, Documents()));
        var other = Assert.Throws<SegurValidationException>(() => DmpLotSignature.Verify("<a/>"u8, Documents()));

        Assert.Equal(DmpErrorCodes.LotSignatureMalformed, notXml.ErrorCode);
        Assert.Equal(DmpErrorCodes.LotSignatureMalformed, other.ErrorCode);
    }

    [Fact]
    public async Task Verify_RawDigestDocument_Verifies_AndDetectsByteChange()
    {
        var raw = new byte[] { 0x25, 0x50, 0x44, 0x46, 0x00, 0xFF };
        var input = new DmpLotSignatureInput(SetId, [new DmpLotDocument(Doc1Id, raw) { DigestRawBytes = true }]);
        var bytes = await DmpLotSignature.SignAsync(input, _credential, HashAlgorithmName.SHA256, SigningTime);

        var ok = DmpLotSignature.Verify(bytes, new Dictionary<string, ReadOnlyMemory<byte>> { [Doc1Id] = raw });
        var ex = Assert.Throws<SegurValidationException>(() =>
            DmpLotSignature.Verify(bytes, new Dictionary<string, ReadOnlyMemory<byte>> { [Doc1Id] = new byte[] { 0x25, 0x50, 0x44, 0x46, 0x00, 0xFE } }));

        Assert.Equal([Doc1Id], ok.DocumentUniqueIds);
        Assert.Equal(DmpErrorCodes.LotDocumentDigestMismatch, ex.ErrorCode);
    }

    [Theory]
    [InlineData("1.2.3^ext", Doc1Id)]
    [InlineData(SetId, "1.02.3")]
    [InlineData(SetId, SetId)]
    public async Task SignAsync_InvalidOrDuplicateUniqueId_FailsWithInputInvalid(string setId, string documentId)
    {
        var input = new DmpLotSignatureInput(setId, [new DmpLotDocument(documentId, Doc2)]);

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => DmpLotSignature.SignAsync(input, _credential, HashAlgorithmName.SHA1, SigningTime));

        Assert.Equal(DmpErrorCodes.LotInputInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task SignAsync_DocumentNotXml_FailsWithDocumentNotXml()
    {
        var input = new DmpLotSignatureInput(SetId, [new DmpLotDocument(Doc1Id, "%PDF-1.4"u8.ToArray())]);

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => DmpLotSignature.SignAsync(input, _credential, HashAlgorithmName.SHA1, SigningTime));

        Assert.Equal(DmpErrorCodes.LotDocumentNotXml, ex.ErrorCode);
    }

    [Fact]
    public async Task SignAsync_UnsupportedHash_ThrowsArgumentException()
    {
        var input = new DmpLotSignatureInput(SetId, [new DmpLotDocument(Doc1Id, Doc1)]);

        await Assert.ThrowsAsync<ArgumentException>(() => DmpLotSignature.SignAsync(input, _credential, HashAlgorithmName.MD5, SigningTime));
    }

    private Task<byte[]> SignAsync(HashAlgorithmName hash, string? signatureId = null) =>
        DmpLotSignature.SignAsync(
            new DmpLotSignatureInput(SetId, [new DmpLotDocument(Doc1Id, Doc1), new DmpLotDocument(Doc2Id, Doc2)]) { SignatureId = signatureId },
            _credential, hash, SigningTime);

    private static Dictionary<string, ReadOnlyMemory<byte>> Documents() => new()
    {
        [Doc1Id] = Doc1,
        [Doc2Id] = Doc2,
    };

    private static XmlDocument Load(byte[] bytes)
    {
        // XmlReader normalizes line ends as XML 1.0 requires (XmlDocument.LoadXml does not).
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        document.Load(reader);
        return document;
    }

    private static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("ds", XmlSignature.Namespace);
        ns.AddNamespace("xades", DmpLotSignature.XadesNamespace);
        return ns;
    }

    private static string? Select(XmlDocument document, XmlNamespaceManager ns, string xpath) => document.SelectSingleNode(xpath, ns)?.InnerText;
}
