using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Segur.Security;

/// <summary>
/// XML-DSig enveloped signatures over one element referenced by its identifier (<c>URI="#id"</c>), with
/// exclusive canonicalization, SHA-256 digests and RSA-SHA256 signatures, as the DMP VIHF, the INSi assertion and
/// SAML require. Signing goes through an <see cref="ICredentialSource"/>, so a CPS card signs without exporting its key.
/// </summary>
/// <remarks>
/// <para>Verification is strict on purpose: the caller names the element that must be signed, the signature must be
/// a direct child of it, carry exactly one reference whose identifier resolves to that very element and to no other
/// (which defeats signature-wrapping attacks), use only the enveloped-signature and exclusive canonicalization
/// transforms, and SHA-1 is refused unless <see cref="XmlSignatureVerificationOptions.AllowSha1"/> is set.
/// Verification proves who signed with which certificate; whether that certificate is trusted is a separate
/// question answered by <see cref="IgcSanteTrust"/>.</para>
/// <para>Parse incoming documents with <see cref="Segur.Xml.SafeXml.LoadDocument(string, long)"/>, which keeps
/// whitespace (needed for the digest) and refuses DTDs.</para>
/// </remarks>
public static class XmlSignature
{
    /// <summary>The XML-DSig namespace.</summary>
    public const string Namespace = "http://www.w3.org/2000/09/xmldsig#";

    /// <summary>The enveloped-signature transform URI.</summary>
    public const string EnvelopedTransformUri = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    /// <summary>The RSA-SHA256 signature method URI.</summary>
    public const string RsaSha256Uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    /// <summary>The RSA-SHA1 signature method URI (accepted on verification only when allowed).</summary>
    public const string RsaSha1Uri = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

    /// <summary>The SHA-256 digest method URI.</summary>
    public const string Sha256Uri = "http://www.w3.org/2001/04/xmlenc#sha256";

    /// <summary>The SHA-1 digest method URI (accepted on verification only when allowed).</summary>
    public const string Sha1Uri = "http://www.w3.org/2000/09/xmldsig#sha1";

    internal const string WsuNamespace = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private const string RsaSha384Uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    private const string RsaSha512Uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    private const string Sha384Uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    private const string Sha512Uri = "http://www.w3.org/2001/04/xmlenc#sha512";

    /// <summary>Signs an element with an enveloped signature placed inside it.</summary>
    /// <param name="element">The element to sign; it must carry an identifier attribute (<c>ID</c>, <c>Id</c>,
    /// <c>id</c>, <c>wsu:Id</c> or <c>AssertionID</c>) that is unique in its document.</param>
    /// <param name="credential">Signs the canonical <c>SignedInfo</c> (RSA PKCS#1 v1.5, SHA-256).</param>
    /// <param name="options">Where to place the signature and which prefixes to canonicalize inclusively;
    /// <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The inserted <c>ds:Signature</c> element.</returns>
    /// <exception cref="ArgumentException">The element has no identifier, or the insertion point is not one of its children.</exception>
    /// <exception cref="SegurValidationException">The identifier is not unique in the document (<c>SGR-1306</c>).</exception>
    /// <exception cref="SegurException">The credential could not sign (<c>SGR-1309</c> or the credential's own code).</exception>
    public static async Task<XmlElement> SignEnvelopedAsync(XmlElement element, ICredentialSource credential,
        XmlSigningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new XmlSigningOptions();
        var id = XmlIds.GetId(element)
            ?? throw new ArgumentException("The element to sign has no ID/Id/id/wsu:Id/AssertionID attribute.", nameof(element));
        if (options.InsertAfter is not null && !ReferenceEquals(options.InsertAfter.ParentNode, element))
        {
            throw new ArgumentException("InsertAfter must be a child of the element to sign.", nameof(options));
        }

        EnsureUniqueTarget(element, id);
        var certificate = await credential.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
        var document = element.OwnerDocument;
        var prefixes = options.InclusiveNamespacePrefixes.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();

        var signature = document.CreateElement("ds", "Signature", Namespace);
        signature.SetAttribute("xmlns:ds", Namespace);
        var signedInfo = Append(signature, "SignedInfo");
        Append(signedInfo, "CanonicalizationMethod").SetAttribute("Algorithm", ExclusiveCanonicalization.AlgorithmUri);
        Append(signedInfo, "SignatureMethod").SetAttribute("Algorithm", RsaSha256Uri);
        var reference = Append(signedInfo, "Reference");
        reference.SetAttribute("URI", "#" + id);
        var transforms = Append(reference, "Transforms");
        Append(transforms, "Transform").SetAttribute("Algorithm", EnvelopedTransformUri);
        var c14n = Append(transforms, "Transform");
        c14n.SetAttribute("Algorithm", ExclusiveCanonicalization.AlgorithmUri);
        if (prefixes.Count > 0)
        {
            var inclusive = document.CreateElement("ec", "InclusiveNamespaces", ExclusiveCanonicalization.AlgorithmUri);
            inclusive.SetAttribute("xmlns:ec", ExclusiveCanonicalization.AlgorithmUri);
            inclusive.SetAttribute("PrefixList", string.Join(' ', prefixes));
            c14n.AppendChild(inclusive);
        }

        Append(reference, "DigestMethod").SetAttribute("Algorithm", Sha256Uri);
        var digestValue = Append(reference, "DigestValue");
        var signatureValue = Append(signature, "SignatureValue");
        if (options.IncludeCertificate)
        {
            var keyInfo = Append(signature, "KeyInfo");
            var x509Data = Append(keyInfo, "X509Data");
            Append(x509Data, "X509Certificate").InnerText = Convert.ToBase64String(certificate.RawData);
        }

        if (options.InsertAfter is null)
        {
            element.AppendChild(signature);
        }
        else
        {
            element.InsertAfter(signature, options.InsertAfter);
        }

        try
        {
            var digest = SHA256.HashData(ExclusiveCanonicalization.Canonicalize(element, prefixes, signature));
            digestValue.InnerText = Convert.ToBase64String(digest);
            var canonicalSignedInfo = ExclusiveCanonicalization.Canonicalize(signedInfo);
            byte[] value;
            try
            {
                value = await credential.SignDataAsync(canonicalSignedInfo, HashAlgorithmName.SHA256, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not SegurException and not OperationCanceledException)
            {
                throw new SegurException(CoreErrorCodes.SigningFailed, "The credential could not sign the XML signature.", innerException: ex);
            }

            signatureValue.InnerText = Convert.ToBase64String(value);
            return signature;
        }
        catch
        {
            element.RemoveChild(signature);
            throw;
        }

        XmlElement Append(XmlElement parent, string localName)
        {
            var child = document.CreateElement("ds", localName, Namespace);
            parent.AppendChild(child);
            return child;
        }
    }

    /// <summary>Verifies the enveloped signature of the element that must be signed.</summary>
    /// <param name="signedElement">The element the caller expects to be signed (for example the SAML
    /// <c>Assertion</c> it is about to trust). Its document should come from <see cref="Segur.Xml.SafeXml"/>.</param>
    /// <param name="options">Algorithm policy and an optional known signer certificate; <see langword="null"/> for the defaults.</param>
    /// <returns>The signer certificate and the algorithms used.</returns>
    /// <exception cref="SegurValidationException">The signature is missing (<c>SGR-1303</c>), malformed (<c>SGR-1308</c>),
    /// uses a refused algorithm (<c>SGR-1304</c>), references another element or none (<c>SGR-1305</c>), the identifier
    /// is duplicated (<c>SGR-1306</c>), the content changed (<c>SGR-1302</c>), no certificate is available (<c>SGR-1307</c>)
    /// or the signature value is wrong (<c>SGR-1301</c>).</exception>
    public static XmlSignatureVerification Verify(XmlElement signedElement, XmlSignatureVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signedElement);
        options ??= new XmlSignatureVerificationOptions();

        var signatures = ChildElements(signedElement, "Signature").ToList();
        if (signatures.Count == 0)
        {
            throw Fail(CoreErrorCodes.SignatureMissing, $"The element '{signedElement.LocalName}' carries no enveloped ds:Signature.");
        }

        if (signatures.Count > 1)
        {
            throw Fail(CoreErrorCodes.SignatureMalformed, $"The element '{signedElement.LocalName}' carries several ds:Signature elements.");
        }

        var signature = signatures[0];
        var signedInfo = SingleChild(signature, "SignedInfo");
        var signatureValueText = SingleChild(signature, "SignatureValue").InnerText;

        var canonicalization = SingleChild(signedInfo, "CanonicalizationMethod");
        var canonicalizationAlgorithm = canonicalization.GetAttribute("Algorithm");
        if (canonicalizationAlgorithm != ExclusiveCanonicalization.AlgorithmUri)
        {
            throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, $"Canonicalization '{canonicalizationAlgorithm}' is not accepted; only exclusive c14n without comments is.");
        }

        var signatureMethod = SingleChild(signedInfo, "SignatureMethod").GetAttribute("Algorithm");
        var signatureHash = signatureMethod switch
        {
            RsaSha256Uri => HashAlgorithmName.SHA256,
            RsaSha384Uri => HashAlgorithmName.SHA384,
            RsaSha512Uri => HashAlgorithmName.SHA512,
            RsaSha1Uri when options.AllowSha1 => HashAlgorithmName.SHA1,
            RsaSha1Uri => throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, "The signature uses RSA-SHA1, which is refused unless AllowSha1 is set."),
            _ => throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, $"Signature method '{signatureMethod}' is not accepted."),
        };

        var references = ChildElements(signedInfo, "Reference").ToList();
        if (references.Count != 1)
        {
            throw Fail(CoreErrorCodes.SignatureReferenceInvalid, $"The signature must carry exactly one Reference; it carries {references.Count}.");
        }

        var reference = references[0];
        var uri = reference.GetAttribute("URI");
        var expectedId = XmlIds.GetId(signedElement);
        if (expectedId is null || uri != "#" + expectedId)
        {
            throw Fail(CoreErrorCodes.SignatureReferenceInvalid,
                $"The signature's reference '{uri}' does not designate the element '{signedElement.LocalName}' that must be signed.");
        }

        EnsureUniqueTarget(signedElement, expectedId);

        var (referencePrefixes, hasEnveloped) = ReadTransforms(reference);
        if (!hasEnveloped)
        {
            throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, "The reference lacks the enveloped-signature transform.");
        }

        var digestMethod = SingleChild(reference, "DigestMethod").GetAttribute("Algorithm");
        var digestHash = digestMethod switch
        {
            Sha256Uri => HashAlgorithmName.SHA256,
            Sha384Uri => HashAlgorithmName.SHA384,
            Sha512Uri => HashAlgorithmName.SHA512,
            Sha1Uri when options.AllowSha1 => HashAlgorithmName.SHA1,
            Sha1Uri => throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, "The reference uses SHA-1, which is refused unless AllowSha1 is set."),
            _ => throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, $"Digest method '{digestMethod}' is not accepted."),
        };

        var expectedDigest = DecodeBase64(SingleChild(reference, "DigestValue").InnerText, "DigestValue");
        var actualDigest = Hash(digestHash, ExclusiveCanonicalization.Canonicalize(signedElement, referencePrefixes, signature));
        if (!CryptographicOperations.FixedTimeEquals(expectedDigest, actualDigest))
        {
            throw Fail(CoreErrorCodes.SignatureDigestMismatch, $"The digest of '{signedElement.LocalName}' does not match: the signed content was changed.");
        }

        var candidates = new List<X509Certificate2>();
        if (options.SignerCertificate is not null)
        {
            candidates.Add(options.SignerCertificate);
        }
        else
        {
            foreach (var keyInfo in ChildElements(signature, "KeyInfo"))
            {
                foreach (var x509Data in ChildElements(keyInfo, "X509Data"))
                {
                    foreach (var encoded in ChildElements(x509Data, "X509Certificate"))
                    {
                        candidates.Add(LoadCertificate(DecodeBase64(encoded.InnerText, "X509Certificate")));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            throw Fail(CoreErrorCodes.SignatureCertificateMissing, "The signature carries no X509Certificate and no signer certificate was supplied.");
        }

        var signatureValue = DecodeBase64(signatureValueText, "SignatureValue");
        var canonicalSignedInfo = ExclusiveCanonicalization.Canonicalize(signedInfo, ReadInclusivePrefixes(canonicalization));
        foreach (var candidate in candidates)
        {
            using var rsa = candidate.GetRSAPublicKey();
            if (rsa is not null && rsa.VerifyData(canonicalSignedInfo, signatureValue, signatureHash, RSASignaturePadding.Pkcs1))
            {
                foreach (var other in candidates)
                {
                    if (!ReferenceEquals(other, candidate) && !ReferenceEquals(other, options.SignerCertificate))
                    {
                        other.Dispose();
                    }
                }

                return new XmlSignatureVerification(candidate, expectedId, signatureMethod, digestMethod);
            }
        }

        foreach (var other in candidates.Where(c => !ReferenceEquals(c, options.SignerCertificate)))
        {
            other.Dispose();
        }

        throw Fail(CoreErrorCodes.SignatureInvalid, "The signature value does not verify with the signer certificate's key.");
    }

    private static (List<string> Prefixes, bool HasEnveloped) ReadTransforms(XmlElement reference)
    {
        var transforms = ChildElements(reference, "Transforms").ToList();
        if (transforms.Count != 1)
        {
            throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, "The reference must list its transforms (enveloped-signature, exclusive c14n).");
        }

        var list = ChildElements(transforms[0], "Transform").ToList();
        var hasEnveloped = false;
        var hasC14n = false;
        List<string> prefixes = [];
        for (var i = 0; i < list.Count; i++)
        {
            var algorithm = list[i].GetAttribute("Algorithm");
            if (algorithm == EnvelopedTransformUri && !hasEnveloped && !hasC14n)
            {
                hasEnveloped = true;
            }
            else if (algorithm == ExclusiveCanonicalization.AlgorithmUri && !hasC14n && i == list.Count - 1)
            {
                hasC14n = true;
                prefixes = ReadInclusivePrefixes(list[i]);
            }
            else
            {
                throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported,
                    $"Transform '{algorithm}' is not accepted here; only enveloped-signature followed by exclusive c14n is.");
            }
        }

        if (!hasC14n)
        {
            throw Fail(CoreErrorCodes.SignatureAlgorithmUnsupported, "The reference must end with the exclusive c14n transform.");
        }

        return (prefixes, hasEnveloped);
    }

    private static List<string> ReadInclusivePrefixes(XmlElement method)
    {
        foreach (XmlNode child in method.ChildNodes)
        {
            if (child is XmlElement { LocalName: "InclusiveNamespaces" } inclusive && inclusive.NamespaceURI == ExclusiveCanonicalization.AlgorithmUri)
            {
                return inclusive.GetAttribute("PrefixList").Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();
            }
        }

        return [];
    }

    private static void EnsureUniqueTarget(XmlElement element, string id)
    {
        var matches = XmlIds.FindAll(element.OwnerDocument, id);
        if (matches.Count > 1)
        {
            throw Fail(CoreErrorCodes.SignatureDuplicateId, $"{matches.Count} elements of the document carry the identifier the signature references.");
        }

        if (matches.Count == 0 || !ReferenceEquals(matches[0], element))
        {
            throw Fail(CoreErrorCodes.SignatureReferenceInvalid, "The referenced identifier does not resolve to the element that must be signed.");
        }
    }

    private static byte[] Hash(HashAlgorithmName name, byte[] data) => name.Name switch
    {
#pragma warning disable CA5350 // SHA-1 only reached when the caller explicitly allowed it for legacy partners.
        "SHA1" => SHA1.HashData(data),
#pragma warning restore CA5350
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => SHA256.HashData(data),
    };

    private static byte[] DecodeBase64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new SegurValidationException(CoreErrorCodes.SignatureMalformed, $"The signature's {what} is not valid base64.", innerException: ex);
        }
    }

    private static X509Certificate2 LoadCertificate(byte[] der)
    {
        try
        {
            return CertificateLoading.LoadDer(der);
        }
        catch (CryptographicException ex)
        {
            throw new SegurValidationException(CoreErrorCodes.SignatureMalformed, "The signature's X509Certificate cannot be decoded.", innerException: ex);
        }
    }

    private static IEnumerable<XmlElement> ChildElements(XmlElement parent, string localName)
    {
        for (var child = parent.FirstChild; child is not null; child = child.NextSibling)
        {
            if (child is XmlElement element && element.LocalName == localName && element.NamespaceURI == Namespace)
            {
                yield return element;
            }
        }
    }

    private static XmlElement SingleChild(XmlElement parent, string localName)
    {
        XmlElement? found = null;
        foreach (var element in ChildElements(parent, localName))
        {
            if (found is not null)
            {
                throw Fail(CoreErrorCodes.SignatureMalformed, $"ds:{parent.LocalName} holds several ds:{localName} elements.");
            }

            found = element;
        }

        return found ?? throw Fail(CoreErrorCodes.SignatureMalformed, $"ds:{parent.LocalName} lacks ds:{localName}.");
    }

    private static SegurValidationException Fail(string code, string message) => new(code, message);
}

/// <summary>Options for <see cref="XmlSignature.SignEnvelopedAsync"/>.</summary>
public sealed class XmlSigningOptions
{
    /// <summary>The child of the signed element after which the signature is inserted (for SAML: the
    /// <c>Issuer</c>); <see langword="null"/> appends the signature as the last child.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public XmlNode? InsertAfter { get; set; }

    /// <summary>Namespace prefixes canonicalized inclusively (written in an <c>InclusiveNamespaces PrefixList</c>),
    /// typically <c>xs</c> when attribute values use <c>xsi:type="xs:string"</c>.</summary>
    /// <value>Default: empty.</value>
    public IList<string> InclusiveNamespacePrefixes { get; } = new List<string>();

    /// <summary>Whether the signer certificate is written in <c>KeyInfo/X509Data/X509Certificate</c>.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool IncludeCertificate { get; set; } = true;
}

/// <summary>Options for <see cref="XmlSignature.Verify"/>.</summary>
public sealed class XmlSignatureVerificationOptions
{
    /// <summary>Whether SHA-1 digests and RSA-SHA1 signatures are accepted (legacy partners only).</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowSha1 { get; set; }

    /// <summary>A known signer certificate. When set, the signature must verify with it and any certificate in
    /// <c>KeyInfo</c> is ignored.</summary>
    /// <value>Default: <see langword="null"/> (use the certificate in <c>KeyInfo</c>).</value>
    public X509Certificate2? SignerCertificate { get; set; }
}

/// <summary>The outcome of a successful <see cref="XmlSignature.Verify"/>.</summary>
public sealed class XmlSignatureVerification
{
    internal XmlSignatureVerification(X509Certificate2 signerCertificate, string referenceId, string signatureMethod, string digestMethod)
    {
        SignerCertificate = signerCertificate;
        ReferenceId = referenceId;
        SignatureMethod = signatureMethod;
        DigestMethod = digestMethod;
    }

    /// <summary>The certificate whose key verified the signature. Check its trust with <see cref="IgcSanteTrust"/>.</summary>
    public X509Certificate2 SignerCertificate { get; }

    /// <summary>The identifier of the signed element.</summary>
    public string ReferenceId { get; }

    /// <summary>The signature method URI.</summary>
    public string SignatureMethod { get; }

    /// <summary>The digest method URI.</summary>
    public string DigestMethod { get; }
}

/// <summary>Resolves XML identifier attributes the way XML-DSig references need.</summary>
internal static class XmlIds
{
    private static readonly string[] NoNamespaceNames = ["ID", "Id", "id", "AssertionID"];

    public static string? GetId(XmlElement element)
    {
        foreach (var name in NoNamespaceNames)
        {
            var attribute = element.GetAttributeNode(name);
            if (attribute is not null && attribute.NamespaceURI.Length == 0 && attribute.Value.Length > 0)
            {
                return attribute.Value;
            }
        }

        var wsu = element.GetAttributeNode("Id", XmlSignature.WsuNamespace);
        return wsu is { Value.Length: > 0 } ? wsu.Value : null;
    }

    public static List<XmlElement> FindAll(XmlDocument document, string id)
    {
        var found = new List<XmlElement>();
        if (document.DocumentElement is not null)
        {
            Walk(document.DocumentElement, id, found);
        }

        return found;
    }

    private static void Walk(XmlElement element, string id, List<XmlElement> found)
    {
        foreach (XmlAttribute attribute in element.Attributes)
        {
            var isId = attribute.NamespaceURI.Length == 0
                ? Array.IndexOf(NoNamespaceNames, attribute.LocalName) >= 0
                : attribute.NamespaceURI == XmlSignature.WsuNamespace && attribute.LocalName == "Id";
            if (isId && attribute.Value == id)
            {
                found.Add(element);
                break;
            }
        }

        for (var child = element.FirstChild; child is not null; child = child.NextSibling)
        {
            if (child is XmlElement childElement)
            {
                Walk(childElement, id, found);
            }
        }
    }
}
