using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Security;
using Segur.Xml;

namespace Segur.Dmp.Xds;

/// <summary>
/// The XAdES "lot" signature of a DMP submission (TD2.1 feed, ITI-57 update): an enveloping <c>ds:Signature</c>
/// over an IHE DSG manifest of the submission set and its documents, sent as the <c>Signature01</c> XDS entry.
/// </summary>
/// <remarks>
/// <para>Structure written (IHE ITI DSG "enveloping" signature, XAdES 1.1.1, as in the public DMP examples: CNAM
/// TD2.1 <c>SignatureXades.xml</c>, ANS DRIMbox, CNAM editor kit):</para>
/// <code>
/// ds:Signature Id=…
///   ds:SignedInfo  (C14N with comments; rsa-sha1 or rsa-sha256)
///     ds:Reference Type="…xmldsig#Manifest" URI="#IHEManifest"           (C14N with comments transform)
///     ds:Reference Type="…v1.1.1#SignedProperties" URI="#…-SignedProperties" (C14N with comments transform)
///   ds:SignatureValue, ds:KeyInfo/ds:X509Data/ds:X509Certificate
///   ds:Object/ds:SignatureProperties/ds:SignatureProperty Id="purposeOfSignature" Target="#…" = 1.2.840.10065.1.12.1.14
///   ds:Object/ds:Manifest Id="IHEManifest"
///     ds:Reference URI="urn:oid:&lt;set uniqueId&gt;"  (digest "AA==": the set has no content of its own)
///     ds:Reference URI="urn:oid:&lt;document uniqueId&gt;" (C14N with comments transform, digest of the document)
///   ds:Object/xades:QualifyingProperties Target="#…"/xades:SignedProperties Id="…-SignedProperties"
///     SigningTime, SigningCertificate (CertDigest, IssuerSerial), SignaturePolicyIdentifier/SignaturePolicyImplied
/// </code>
/// <para>Choices: the digests, the certificate digest and the signature method all follow the <c>hash</c>
/// argument (SHA-1 is what every public example and the DMP documentation show; SHA-256 is a switch to confirm on
/// the GIE SESAM-Vitale test platform). Canonicalization is inclusive Canonical XML 1.0 with comments everywhere,
/// as in every public example; the Core's exclusive canonicalization is not used here. The set reference's
/// digest is the one-byte placeholder <c>AA==</c> of the public examples. <c>X509IssuerName</c> is the RFC 2253
/// form of the issuer, <c>X509SerialNumber</c> the decimal serial number.</para>
/// </remarks>
public static partial class DmpLotSignature
{
    /// <summary>The IHE DSG purpose of signature of a submission set ("source", ASTM E1762).</summary>
    public const string PurposeOfSignature = "1.2.840.10065.1.12.1.14";

    /// <summary>The <c>Id</c> of the IHE manifest.</summary>
    public const string ManifestId = "IHEManifest";

    /// <summary>The XAdES 1.1.1 namespace.</summary>
    public const string XadesNamespace = "http://uri.etsi.org/01903/v1.1.1#";

    internal const string ManifestType = "http://www.w3.org/2000/09/xmldsig#Manifest";
    internal const string SignedPropertiesType = "http://uri.etsi.org/01903/v1.1.1#SignedProperties";
    internal const string DefaultSignatureId = "S0";
    internal const string SetDigestPlaceholder = "AA==";
    private const string Ds = XmlSignature.Namespace;

    /// <summary>Signs a DMP submission lot.</summary>
    /// <param name="input">The submission set uniqueId and the documents with their exact bytes.</param>
    /// <param name="signer">The signing credential: the organisation's ORG SIGN certificate (indirect modes) or the
    /// CPS card (direct mode).</param>
    /// <param name="hash"><see cref="HashAlgorithmName.SHA1"/> (the DMP's documented format) or
    /// <see cref="HashAlgorithmName.SHA256"/>.</param>
    /// <param name="signingTime">The XAdES signing time (take it from the client's <see cref="TimeProvider"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The UTF-8 XML of the <c>ds:Signature</c> (with an XML declaration), the content of <c>Signature01</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="signer"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is neither SHA-1 nor SHA-256.</exception>
    /// <exception cref="SegurValidationException">A uniqueId is not a bare OID or is repeated (<c>SGR-4380</c>), a
    /// document is not XML (<c>SGR-4381</c>).</exception>
    /// <exception cref="SegurException">The credential could not sign (its own code).</exception>
    public static async Task<byte[]> SignAsync(DmpLotSignatureInput input, ICredentialSource signer, HashAlgorithmName hash,
        DateTimeOffset signingTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signer);
        var (signatureMethod, digestMethod) = Algorithms(hash);
        ValidateInput(input);

        var documentDigests = new List<(DmpLotDocument Document, string Digest)>(input.Documents.Count);
        foreach (var document in input.Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            documentDigests.Add((document, Convert.ToBase64String(DigestDocument(document.Content, !document.DigestRawBytes, hash, document.UniqueId))));
        }

        var certificate = await signer.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
        var signatureId = input.SignatureId ?? DefaultSignatureId;
        var signedPropertiesId = signatureId + "-SignedProperties";

        var built = new XmlDocument();
        var signature = Element(built, built, "ds", "Signature", Ds);
        signature.SetAttribute("xmlns:ds", Ds);
        signature.SetAttribute("Id", signatureId);
        var signedInfo = Element(built, signature, "ds", "SignedInfo", Ds);
        Element(built, signedInfo, "ds", "CanonicalizationMethod", Ds).SetAttribute("Algorithm", InclusiveCanonicalization.WithCommentsAlgorithmUri);
        Element(built, signedInfo, "ds", "SignatureMethod", Ds).SetAttribute("Algorithm", signatureMethod);
        AddReference(built, signedInfo, "#" + ManifestId, ManifestType, transform: true, digestMethod, string.Empty);
        AddReference(built, signedInfo, "#" + signedPropertiesId, SignedPropertiesType, transform: true, digestMethod, string.Empty);
        Element(built, signature, "ds", "SignatureValue", Ds);
        var x509Data = Element(built, Element(built, signature, "ds", "KeyInfo", Ds), "ds", "X509Data", Ds);
        Element(built, x509Data, "ds", "X509Certificate", Ds).InnerText = Convert.ToBase64String(certificate.RawData);

        var purpose = Element(built, Element(built, Element(built, signature, "ds", "Object", Ds), "ds", "SignatureProperties", Ds), "ds", "SignatureProperty", Ds);
        purpose.SetAttribute("Id", "purposeOfSignature");
        purpose.SetAttribute("Target", "#" + signatureId);
        purpose.InnerText = PurposeOfSignature;

        var manifest = Element(built, Element(built, signature, "ds", "Object", Ds), "ds", "Manifest", Ds);
        manifest.SetAttribute("Id", ManifestId);
        AddReference(built, manifest, "urn:oid:" + input.SubmissionSetUniqueId, null, transform: false, digestMethod, SetDigestPlaceholder);
        foreach (var (document, digest) in documentDigests)
        {
            AddReference(built, manifest, "urn:oid:" + document.UniqueId, null, transform: !document.DigestRawBytes, digestMethod, digest);
        }

        var qualifying = Element(built, Element(built, signature, "ds", "Object", Ds), "xades", "QualifyingProperties", XadesNamespace);
        qualifying.SetAttribute("xmlns:xades", XadesNamespace);
        qualifying.SetAttribute("Target", "#" + signatureId);
        var signedProperties = Element(built, qualifying, "xades", "SignedProperties", XadesNamespace);
        signedProperties.SetAttribute("Id", signedPropertiesId);
        var signatureProperties = Element(built, signedProperties, "xades", "SignedSignatureProperties", XadesNamespace);
        Element(built, signatureProperties, "xades", "SigningTime", XadesNamespace).InnerText =
            signingTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var cert = Element(built, Element(built, signatureProperties, "xades", "SigningCertificate", XadesNamespace), "xades", "Cert", XadesNamespace);
        var certDigest = Element(built, cert, "xades", "CertDigest", XadesNamespace);
        Element(built, certDigest, "xades", "DigestMethod", XadesNamespace).SetAttribute("Algorithm", digestMethod);
        Element(built, certDigest, "xades", "DigestValue", XadesNamespace).InnerText = Convert.ToBase64String(Hash(hash, certificate.RawData));
        var issuerSerial = Element(built, cert, "xades", "IssuerSerial", XadesNamespace);
        Element(built, issuerSerial, "ds", "X509IssuerName", Ds).InnerText = certificate.IssuerName.Name;
        Element(built, issuerSerial, "ds", "X509SerialNumber", Ds).InnerText = SerialNumber(certificate);
        Element(built, Element(built, signatureProperties, "xades", "SignaturePolicyIdentifier", XadesNamespace), "xades", "SignaturePolicyImplied", XadesNamespace);

        // Digests and the signature are computed on the re-parsed text, i.e. on exactly what a verifier will read.
        var document2 = SafeXml.LoadDocument(built.OuterXml);
        var root = document2.DocumentElement!;
        var parsedSignedInfo = Child(root, Ds, "SignedInfo")!;
        var references = Children(parsedSignedInfo, Ds, "Reference").ToList();
        var parsedManifest = Child(Children(root, Ds, "Object").ElementAt(1), Ds, "Manifest")!;
        var parsedSignedProperties = Child(Child(Children(root, Ds, "Object").ElementAt(2), XadesNamespace, "QualifyingProperties")!, XadesNamespace, "SignedProperties")!;
        Child(references[0], Ds, "DigestValue")!.InnerText =
            Convert.ToBase64String(Hash(hash, InclusiveCanonicalization.Canonicalize(parsedManifest, withComments: true)));
        Child(references[1], Ds, "DigestValue")!.InnerText =
            Convert.ToBase64String(Hash(hash, InclusiveCanonicalization.Canonicalize(parsedSignedProperties, withComments: true)));

        var signatureValue = await signer.SignDataAsync(InclusiveCanonicalization.Canonicalize(parsedSignedInfo, withComments: true), hash, cancellationToken)
            .ConfigureAwait(false);
        Child(root, Ds, "SignatureValue")!.InnerText = Convert.ToBase64String(signatureValue);
        return Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + root.OuterXml);
    }

    private static void ValidateInput(DmpLotSignatureInput input)
    {
        RequireOid(input.SubmissionSetUniqueId, "submission set uniqueId");
        var seen = new HashSet<string>(StringComparer.Ordinal) { input.SubmissionSetUniqueId };
        foreach (var document in input.Documents)
        {
            RequireOid(document.UniqueId, "document uniqueId");
            if (!seen.Add(document.UniqueId))
            {
                throw new SegurValidationException(DmpErrorCodes.LotInputInvalid,
                    $"The uniqueId '{document.UniqueId}' appears more than once in the lot (set and documents must all differ).");
            }
        }

        if (input.SignatureId is { } id && !IsNcName(id))
        {
            // An OID such as a Signature01 uniqueId is tolerated (public examples use it) but not arbitrary text.
            if (!CdaRules.IsValidOid(id))
            {
                throw new SegurValidationException(DmpErrorCodes.LotInputInvalid, $"The signature Id '{id}' is neither an XML name nor an OID.");
            }
        }
    }

    private static bool IsNcName(string value)
    {
        try
        {
            XmlConvert.VerifyNCName(value);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static void RequireOid(string value, string what)
    {
        if (!CdaRules.IsValidOid(value))
        {
            throw new SegurValidationException(DmpErrorCodes.LotInputInvalid,
                $"The {what} '{value}' is not a bare OID (the DMP refuses 'root^extension' and anything but digits and dots).");
        }
    }

    internal static (string SignatureMethod, string DigestMethod) Algorithms(HashAlgorithmName hash)
    {
        if (hash == HashAlgorithmName.SHA1)
        {
            return (XmlSignature.RsaSha1Uri, XmlSignature.Sha1Uri);
        }

        if (hash == HashAlgorithmName.SHA256)
        {
            return (XmlSignature.RsaSha256Uri, XmlSignature.Sha256Uri);
        }

        throw new ArgumentException($"The lot signature supports SHA-1 and SHA-256, not '{hash.Name}'.", nameof(hash));
    }

    internal static byte[] DigestDocument(ReadOnlyMemory<byte> content, bool canonicalize, HashAlgorithmName hash, string uniqueId)
    {
        if (!canonicalize)
        {
            return Hash(hash, content.Span);
        }

        XmlDocument xml;
        try
        {
            xml = InclusiveCanonicalization.Load(content);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.LotDocumentNotXml,
                $"The document '{uniqueId}' is not acceptable XML, so it cannot be canonicalized for the lot signature: {ex.Message}", innerException: ex);
        }

        return Hash(hash, InclusiveCanonicalization.Canonicalize(xml, withComments: true));
    }

    internal static byte[] Hash(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
#pragma warning disable CA5350 // SHA-1 is the DMP's documented lot format; SHA-256 is the switch.
        hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data) : SHA256.HashData(data);
#pragma warning restore CA5350

    internal static string SerialNumber(X509Certificate2 certificate) =>
        new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);

    private static void AddReference(XmlDocument document, XmlElement parent, string uri, string? type, bool transform, string digestMethod, string digestValue)
    {
        var reference = Element(document, parent, "ds", "Reference", Ds);
        if (type is not null)
        {
            reference.SetAttribute("Type", type);
        }

        reference.SetAttribute("URI", uri);
        if (transform)
        {
            Element(document, Element(document, reference, "ds", "Transforms", Ds), "ds", "Transform", Ds)
                .SetAttribute("Algorithm", InclusiveCanonicalization.WithCommentsAlgorithmUri);
        }

        Element(document, reference, "ds", "DigestMethod", Ds).SetAttribute("Algorithm", digestMethod);
        Element(document, reference, "ds", "DigestValue", Ds).InnerText = digestValue;
    }

    private static XmlElement Element(XmlDocument document, XmlNode parent, string prefix, string localName, string ns)
    {
        var element = document.CreateElement(prefix, localName, ns);
        parent.AppendChild(element);
        return element;
    }

    internal static IEnumerable<XmlElement> Children(XmlElement parent, string ns, string localName)
    {
        for (var child = parent.FirstChild; child is not null; child = child.NextSibling)
        {
            if (child is XmlElement element && element.LocalName == localName && element.NamespaceURI == ns)
            {
                yield return element;
            }
        }
    }

    internal static XmlElement? Child(XmlElement parent, string ns, string localName) => Children(parent, ns, localName).FirstOrDefault();
}
