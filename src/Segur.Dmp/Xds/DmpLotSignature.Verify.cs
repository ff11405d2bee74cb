using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Segur.Security;
using Segur.Xml;

namespace Segur.Dmp.Xds;

public static partial class DmpLotSignature
{
    /// <summary>Verifies a DMP lot signature against the documents of the submission.</summary>
    /// <param name="signatureXml">The <c>Signature01</c> content (the enveloping <c>ds:Signature</c>).</param>
    /// <param name="documentsByUniqueId">The submitted documents' exact bytes by uniqueId; every one must be
    /// referenced by the manifest and every manifest document reference must be supplied.</param>
    /// <param name="options">Algorithm policy, expected signer and set; <see langword="null"/> for the defaults.</param>
    /// <returns>The signer certificate, signing time and referenced uniqueIds. Whether the certificate is trusted is a
    /// separate question (<c>IgcSanteTrust</c>).</returns>
    /// <remarks>Checks, in order: the <c>SignedInfo</c> algorithms (Canonical XML 1.0 with or without comments, or
    /// exclusive c14n; RSA-SHA1 when allowed, RSA-SHA256), the signature value with the signer's key, the two
    /// <c>SignedInfo</c> references (manifest and XAdES signed properties, each resolving to exactly one element),
    /// every manifest reference (set, documents), the XAdES signing certificate, signing time, signature policy and
    /// the DSG purpose of signature. Same-document references are canonicalized without comments, as XML-DSig
    /// requires for <c>URI="#id"</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="documentsByUniqueId"/> is null.</exception>
    /// <exception cref="SegurValidationException">The signature is malformed (<c>SGR-4382</c>), uses a refused
    /// algorithm (<c>SGR-4383</c>), has no certificate (<c>SGR-4384</c>), does not verify (<c>SGR-4385</c>), was
    /// altered (<c>SGR-4386</c>), a document was altered (<c>SGR-4387</c>) or does not match the manifest
    /// (<c>SGR-4388</c>), the XAdES signing certificate or expected signer differ (<c>SGR-4389</c>), the signed
    /// properties are invalid (<c>SGR-4390</c>), or the set reference is wrong (<c>SGR-4391</c>).</exception>
    public static DmpLotSignatureVerification Verify(ReadOnlySpan<byte> signatureXml,
        IReadOnlyDictionary<string, ReadOnlyMemory<byte>> documentsByUniqueId, DmpLotSignatureVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(documentsByUniqueId);
        options ??= new DmpLotSignatureVerificationOptions();

        XmlDocument xml;
        try
        {
            using var stream = new MemoryStream(signatureXml.ToArray(), writable: false);
            xml = SafeXml.LoadDocument(stream);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.LotSignatureMalformed, "The lot signature is not acceptable XML: " + ex.Message, innerException: ex);
        }

        var signature = xml.DocumentElement;
        if (signature is null || signature.LocalName != "Signature" || signature.NamespaceURI != Ds)
        {
            throw Fail(DmpErrorCodes.LotSignatureMalformed, "The lot signature's root element is not ds:Signature.");
        }

        var signedInfo = Single(signature, Ds, "SignedInfo");
        var canonicalization = Single(signedInfo, Ds, "CanonicalizationMethod").GetAttribute("Algorithm");
        var signatureMethod = Single(signedInfo, Ds, "SignatureMethod").GetAttribute("Algorithm");
        var hash = signatureMethod switch
        {
            XmlSignature.RsaSha256Uri => HashAlgorithmName.SHA256,
            XmlSignature.RsaSha1Uri when options.AllowSha1 => HashAlgorithmName.SHA1,
            XmlSignature.RsaSha1Uri => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, "The lot signature uses RSA-SHA1, which these options refuse."),
            _ => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"Signature method '{signatureMethod}' is not accepted (RSA-SHA1 or RSA-SHA256)."),
        };

        var certificate = SignerCertificate(signature, options);
        try
        {
            var canonicalSignedInfo = CanonicalizeSameDocument(signedInfo, canonicalization, keepComments: true);
            using (var rsa = certificate.GetRSAPublicKey())
            {
                var value = DecodeBase64(Single(signature, Ds, "SignatureValue").InnerText, "SignatureValue");
                if (rsa is null || !rsa.VerifyData(canonicalSignedInfo, value, hash, RSASignaturePadding.Pkcs1))
                {
                    throw Fail(DmpErrorCodes.LotSignatureInvalid, "The lot signature value does not verify with the signer certificate's key.");
                }
            }

            XmlElement? manifest = null;
            XmlElement? signedProperties = null;
            var references = Children(signedInfo, Ds, "Reference").ToList();
            if (references.Count != 2)
            {
                throw Fail(DmpErrorCodes.LotSignatureMalformed, $"SignedInfo must reference the manifest and the signed properties; it holds {references.Count} references.");
            }

            foreach (var reference in references)
            {
                var target = ResolveSameDocument(signature, reference.GetAttribute("URI"));
                if (target.LocalName == "Manifest" && target.NamespaceURI == Ds && manifest is null)
                {
                    manifest = target;
                }
                else if (target.LocalName == "SignedProperties" && target.NamespaceURI == XadesNamespace && signedProperties is null)
                {
                    signedProperties = target;
                }
                else
                {
                    throw Fail(DmpErrorCodes.LotSignatureMalformed, $"SignedInfo references '{target.LocalName}', which is neither the manifest nor the XAdES signed properties.");
                }

                var (transform, referenceHash) = ReadReference(reference, options);
                var canonical = CanonicalizeSameDocument(target, transform ?? InclusiveCanonicalization.AlgorithmUri, keepComments: false);
                if (!CryptographicOperations.FixedTimeEquals(Hash(referenceHash, canonical), DigestValue(reference)))
                {
                    throw Fail(DmpErrorCodes.LotReferenceDigestMismatch, $"The digest of the signed {target.LocalName} does not match: the lot signature was altered.");
                }
            }

            var (setUniqueId, documentIds) = VerifyManifest(manifest!, documentsByUniqueId, options);
            var signingTime = VerifySignedProperties(signedProperties!, certificate);
            VerifyPurpose(signature);
            return new DmpLotSignatureVerification(certificate, signingTime, setUniqueId, documentIds, hash,
                signature.GetAttributeNode("Id")?.Value);
        }
        catch
        {
            if (!ReferenceEquals(certificate, options.SignerCertificate))
            {
                certificate.Dispose();
            }

            throw;
        }
    }

    private static (string SetUniqueId, IReadOnlyList<string> DocumentIds) VerifyManifest(XmlElement manifest,
        IReadOnlyDictionary<string, ReadOnlyMemory<byte>> documents, DmpLotSignatureVerificationOptions options)
    {
        if (manifest.GetAttribute("Id") != ManifestId)
        {
            throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The manifest's Id is '{manifest.GetAttribute("Id")}', not '{ManifestId}'.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var documentIds = new List<string>();
        var others = new List<string>();
        foreach (var reference in Children(manifest, Ds, "Reference"))
        {
            var uri = reference.GetAttribute("URI");
            if (!uri.StartsWith("urn:oid:", StringComparison.Ordinal) || uri.Length == "urn:oid:".Length)
            {
                throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The manifest reference '{uri}' is not 'urn:oid:<uniqueId>'.");
            }

            var uniqueId = uri["urn:oid:".Length..];
            if (!seen.Add(uniqueId))
            {
                throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The manifest references '{uniqueId}' more than once.");
            }

            var (transform, referenceHash) = ReadReference(reference, options);
            var expected = DigestValue(reference);
            if (!documents.TryGetValue(uniqueId, out var content))
            {
                others.Add(uniqueId); // the set, or a document that was not supplied (decided below)
                continue;
            }

            if (transform is not null && transform != InclusiveCanonicalization.AlgorithmUri && transform != InclusiveCanonicalization.WithCommentsAlgorithmUri)
            {
                throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"The document reference '{uniqueId}' uses the transform '{transform}' (only Canonical XML 1.0 is accepted for documents).");
            }

            var actual = transform is null
                ? Hash(referenceHash, content.Span)
                : DigestCanonicalDocument(content, transform == InclusiveCanonicalization.WithCommentsAlgorithmUri, referenceHash, uniqueId);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                throw Fail(DmpErrorCodes.LotDocumentDigestMismatch, $"The document '{uniqueId}' does not match the digest the lot signature holds: it was altered or is not the document signed.");
            }

            documentIds.Add(uniqueId);
        }

        string setUniqueId;
        if (options.SubmissionSetUniqueId is { } expectedSet)
        {
            if (!others.Remove(expectedSet))
            {
                throw Fail(DmpErrorCodes.LotSubmissionSetMismatch, $"The manifest does not reference the submission set '{expectedSet}'.");
            }

            if (others.Count > 0)
            {
                throw Fail(DmpErrorCodes.LotDocumentSetMismatch, $"The manifest references the document(s) {string.Join(", ", others)}, which were not supplied.");
            }

            setUniqueId = expectedSet;
        }
        else
        {
            if (others.Count != 1)
            {
                throw Fail(DmpErrorCodes.LotSubmissionSetMismatch, others.Count == 0
                    ? "The manifest does not reference the submission set."
                    : $"The manifest references {others.Count} uniqueIds that are not supplied documents ({string.Join(", ", others)}); exactly one must be the submission set.");
            }

            setUniqueId = others[0];
        }

        foreach (var uniqueId in documents.Keys)
        {
            if (!seen.Contains(uniqueId))
            {
                throw Fail(DmpErrorCodes.LotDocumentSetMismatch, $"The document '{uniqueId}' is not referenced by the lot signature's manifest.");
            }
        }

        return (setUniqueId, documentIds);
    }

    private static byte[] DigestCanonicalDocument(ReadOnlyMemory<byte> content, bool withComments, HashAlgorithmName hash, string uniqueId)
    {
        try
        {
            return Hash(hash, InclusiveCanonicalization.Canonicalize(InclusiveCanonicalization.Load(content), withComments));
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.LotDocumentDigestMismatch,
                $"The document '{uniqueId}' is not acceptable XML, so it cannot match its canonicalized digest: {ex.Message}", innerException: ex);
        }
    }

    private static DateTimeOffset VerifySignedProperties(XmlElement signedProperties, X509Certificate2 certificate)
    {
        var properties = Child(signedProperties, XadesNamespace, "SignedSignatureProperties")
            ?? throw Fail(DmpErrorCodes.LotPropertiesInvalid, "The XAdES signed properties lack SignedSignatureProperties.");
        var timeText = Child(properties, XadesNamespace, "SigningTime")?.InnerText
            ?? throw Fail(DmpErrorCodes.LotPropertiesInvalid, "The XAdES signed properties lack SigningTime.");
        DateTimeOffset signingTime;
        try
        {
            signingTime = XmlConvert.ToDateTimeOffset(timeText.Trim());
        }
        catch (FormatException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.LotPropertiesInvalid, $"The XAdES SigningTime '{timeText}' is not a date-time.", innerException: ex);
        }

        if (Child(properties, XadesNamespace, "SignaturePolicyIdentifier") is not { } policy
            || (Child(policy, XadesNamespace, "SignaturePolicyImplied") is null && Child(policy, XadesNamespace, "SignaturePolicyId") is null))
        {
            throw Fail(DmpErrorCodes.LotPropertiesInvalid, "The XAdES signed properties lack SignaturePolicyIdentifier (SignaturePolicyImplied).");
        }

        var signingCertificate = Child(properties, XadesNamespace, "SigningCertificate")
            ?? throw Fail(DmpErrorCodes.LotSigningCertificateMismatch, "The XAdES signed properties lack SigningCertificate.");
        foreach (var cert in Children(signingCertificate, XadesNamespace, "Cert"))
        {
            var certDigest = Child(cert, XadesNamespace, "CertDigest");
            var method = certDigest is null ? null : Child(certDigest, XadesNamespace, "DigestMethod")?.GetAttribute("Algorithm");
            var value = certDigest is null ? null : Child(certDigest, XadesNamespace, "DigestValue")?.InnerText;
            if (method is null || value is null)
            {
                throw Fail(DmpErrorCodes.LotSignatureMalformed, "A XAdES Cert lacks its CertDigest.");
            }

            var certHash = method switch
            {
                XmlSignature.Sha1Uri => HashAlgorithmName.SHA1,
                XmlSignature.Sha256Uri => HashAlgorithmName.SHA256,
                _ => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"The XAdES certificate digest method '{method}' is not accepted."),
            };
            if (!CryptographicOperations.FixedTimeEquals(Hash(certHash, certificate.RawData), DecodeBase64(value, "CertDigest")))
            {
                continue; // XAdES may list the chain; the signer's own entry must be there
            }

            var serial = Child(cert, XadesNamespace, "IssuerSerial") is { } issuerSerial ? Child(issuerSerial, Ds, "X509SerialNumber")?.InnerText.Trim() : null;
            if (serial != SerialNumber(certificate))
            {
                throw Fail(DmpErrorCodes.LotSigningCertificateMismatch, "The XAdES IssuerSerial of the signing certificate does not give its serial number.");
            }

            return signingTime;
        }

        throw Fail(DmpErrorCodes.LotSigningCertificateMismatch, "The XAdES SigningCertificate does not designate the certificate that signed the lot.");
    }

    private static void VerifyPurpose(XmlElement signature)
    {
        foreach (var obj in Children(signature, Ds, "Object"))
        {
            foreach (var properties in Children(obj, Ds, "SignatureProperties"))
            {
                foreach (var property in Children(properties, Ds, "SignatureProperty"))
                {
                    if (property.InnerText.Trim() == PurposeOfSignature)
                    {
                        return;
                    }
                }
            }
        }

        throw Fail(DmpErrorCodes.LotPropertiesInvalid, $"The lot signature lacks the SignatureProperty purposeOfSignature '{PurposeOfSignature}'.");
    }

    private static X509Certificate2 SignerCertificate(XmlElement signature, DmpLotSignatureVerificationOptions options)
    {
        var encoded = Children(signature, Ds, "KeyInfo")
            .SelectMany(k => Children(k, Ds, "X509Data"))
            .SelectMany(d => Children(d, Ds, "X509Certificate"))
            .ToList();
        if (encoded.Count > 1)
        {
            throw Fail(DmpErrorCodes.LotSignatureMalformed, "The lot signature's KeyInfo holds several certificates; it must hold the signer's only.");
        }

        X509Certificate2? embedded = null;
        if (encoded.Count == 1)
        {
            try
            {
                embedded = LoadDer(DecodeBase64(encoded[0].InnerText, "X509Certificate"));
            }
            catch (CryptographicException ex)
            {
                throw new SegurValidationException(DmpErrorCodes.LotSignatureMalformed, "The lot signature's X509Certificate cannot be decoded.", innerException: ex);
            }
        }

        if (options.SignerCertificate is { } expected)
        {
            if (embedded is not null && !embedded.RawData.AsSpan().SequenceEqual(expected.RawData))
            {
                embedded.Dispose();
                throw Fail(DmpErrorCodes.LotSigningCertificateMismatch, $"The lot was signed by '{Subject(encoded[0])}', not by the expected certificate '{expected.Subject}'.");
            }

            embedded?.Dispose();
            return expected;
        }

        return embedded ?? throw Fail(DmpErrorCodes.LotCertificateMissing, "The lot signature carries no X509Certificate and no signer certificate was supplied.");
    }

    private static string Subject(XmlElement encoded)
    {
        using var certificate = LoadDer(Convert.FromBase64String(encoded.InnerText.Trim()));
        return certificate.Subject;
    }

    private static X509Certificate2 LoadDer(byte[] der)
    {
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadCertificate(der);
#else
        return new X509Certificate2(der);
#endif
    }

    private static (string? Transform, HashAlgorithmName Hash) ReadReference(XmlElement reference, DmpLotSignatureVerificationOptions options)
    {
        string? transform = null;
        var transforms = Children(reference, Ds, "Transforms").ToList();
        if (transforms.Count > 1)
        {
            throw Fail(DmpErrorCodes.LotSignatureMalformed, "A reference holds several Transforms elements.");
        }

        if (transforms.Count == 1)
        {
            var list = Children(transforms[0], Ds, "Transform").ToList();
            if (list.Count != 1)
            {
                throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"A reference lists {list.Count} transforms; the lot signature accepts a single canonicalization.");
            }

            transform = list[0].GetAttribute("Algorithm");
            if (transform is not (InclusiveCanonicalization.AlgorithmUri or InclusiveCanonicalization.WithCommentsAlgorithmUri or ExclusiveCanonicalization.AlgorithmUri))
            {
                throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"The transform '{transform}' is not accepted (Canonical XML 1.0 or exclusive c14n).");
            }
        }

        var method = Single(reference, Ds, "DigestMethod").GetAttribute("Algorithm");
        var hash = method switch
        {
            XmlSignature.Sha256Uri => HashAlgorithmName.SHA256,
            XmlSignature.Sha1Uri when options.AllowSha1 => HashAlgorithmName.SHA1,
            XmlSignature.Sha1Uri => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, "A reference uses SHA-1, which these options refuse."),
            _ => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"Digest method '{method}' is not accepted (SHA-1 or SHA-256)."),
        };
        return (transform, hash);
    }

    private static byte[] CanonicalizeSameDocument(XmlElement element, string algorithm, bool keepComments) => algorithm switch
    {
        InclusiveCanonicalization.AlgorithmUri => InclusiveCanonicalization.Canonicalize(element, withComments: false),
        InclusiveCanonicalization.WithCommentsAlgorithmUri => InclusiveCanonicalization.Canonicalize(element, withComments: keepComments),
        ExclusiveCanonicalization.AlgorithmUri => ExclusiveCanonicalization.Canonicalize(element),
        _ => throw Fail(DmpErrorCodes.LotAlgorithmUnsupported, $"Canonicalization '{algorithm}' is not accepted (Canonical XML 1.0 or exclusive c14n)."),
    };

    private static XmlElement ResolveSameDocument(XmlElement signature, string uri)
    {
        if (uri.Length < 2 || uri[0] != '#')
        {
            throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The SignedInfo reference '{uri}' is not a same-document '#id' reference.");
        }

        var id = uri[1..];
        var matches = new List<XmlElement>();
        foreach (var element in signature.OwnerDocument.GetElementsByTagName("*").OfType<XmlElement>())
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                if (attribute.NamespaceURI.Length == 0 && attribute.LocalName is "Id" or "ID" or "id" && attribute.Value == id)
                {
                    matches.Add(element);
                    break;
                }
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The reference '{uri}' designates no element of the lot signature."),
            _ => throw Fail(DmpErrorCodes.LotSignatureMalformed, $"The reference '{uri}' designates {matches.Count} elements (duplicate Id)."),
        };
    }

    private static byte[] DigestValue(XmlElement reference) => DecodeBase64(Single(reference, Ds, "DigestValue").InnerText, "DigestValue");

    private static byte[] DecodeBase64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.LotSignatureMalformed, $"The lot signature's {what} is not valid base64.", innerException: ex);
        }
    }

    private static XmlElement Single(XmlElement parent, string ns, string localName)
    {
        var found = Children(parent, ns, localName).Take(2).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw Fail(DmpErrorCodes.LotSignatureMalformed, $"{parent.LocalName} lacks {localName}."),
            _ => throw Fail(DmpErrorCodes.LotSignatureMalformed, $"{parent.LocalName} holds several {localName} elements."),
        };
    }

    private static SegurValidationException Fail(string code, string message) => new(code, message);
}
