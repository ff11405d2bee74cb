using System.Security.Cryptography;
using System.Xml;
using Segur.Security;

namespace Segur.Dmp.Vihf;

/// <summary>
/// Enveloped XML signatures with the DMP's algorithm choice (RSA-SHA1 by default, RSA-SHA256 on request): exclusive
/// canonicalization, enveloped + exc-c14n transforms, the certificate in <c>KeyInfo</c>. Core's
/// <see cref="XmlSignature.SignEnvelopedAsync"/> signs with SHA-256 only; its <see cref="XmlSignature.Verify"/> (with
/// <c>AllowSha1</c>) verifies both.
/// </summary>
internal static class DmpXmlSigner
{
    internal static (string SignatureMethod, string DigestMethod, HashAlgorithmName Hash) Algorithms(DmpSignatureHash hash) => hash switch
    {
        DmpSignatureHash.Sha256 => (XmlSignature.RsaSha256Uri, XmlSignature.Sha256Uri, HashAlgorithmName.SHA256),
        _ => (XmlSignature.RsaSha1Uri, XmlSignature.Sha1Uri, HashAlgorithmName.SHA1),
    };

    /// <summary>Signs <paramref name="element"/> (which carries <c>ID</c>) with a signature inserted after
    /// <paramref name="insertAfter"/>.</summary>
    public static async Task<XmlElement> SignEnvelopedAsync(XmlElement element, string id, XmlNode insertAfter, ICredentialSource signer,
        DmpSignatureHash hash, CancellationToken cancellationToken)
    {
        var (signatureMethod, digestMethod, hashName) = Algorithms(hash);
        var certificate = await signer.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
        var document = element.OwnerDocument;
        var signature = document.CreateElement("ds", "Signature", XmlSignature.Namespace);
        signature.SetAttribute("xmlns:ds", XmlSignature.Namespace);
        var signedInfo = Append(signature, "SignedInfo");
        Append(signedInfo, "CanonicalizationMethod").SetAttribute("Algorithm", ExclusiveCanonicalization.AlgorithmUri);
        Append(signedInfo, "SignatureMethod").SetAttribute("Algorithm", signatureMethod);
        var reference = Append(signedInfo, "Reference");
        reference.SetAttribute("URI", "#" + id);
        var transforms = Append(reference, "Transforms");
        Append(transforms, "Transform").SetAttribute("Algorithm", XmlSignature.EnvelopedTransformUri);
        Append(transforms, "Transform").SetAttribute("Algorithm", ExclusiveCanonicalization.AlgorithmUri);
        Append(reference, "DigestMethod").SetAttribute("Algorithm", digestMethod);
        var digestValue = Append(reference, "DigestValue");
        var signatureValue = Append(signature, "SignatureValue");
        var x509 = Append(Append(signature, "KeyInfo"), "X509Data");
        Append(x509, "X509Certificate").InnerText = Convert.ToBase64String(certificate.RawData);
        element.InsertAfter(signature, insertAfter);

        var canonical = ExclusiveCanonicalization.Canonicalize(element, null, signature);
#pragma warning disable CA5350 // SHA-1 is what the DMP examples use (dmp.md §4); SHA-256 is one option away.
        digestValue.InnerText = Convert.ToBase64String(hashName == HashAlgorithmName.SHA1 ? SHA1.HashData(canonical) : SHA256.HashData(canonical));
#pragma warning restore CA5350
        byte[] value;
        try
        {
            value = await signer.SignDataAsync(ExclusiveCanonicalization.Canonicalize(signedInfo), hashName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not SegurException and not OperationCanceledException)
        {
            throw new SegurException(DmpErrorCodes.VihfSigningFailed, "The VIHF signer could not sign the token.", innerException: ex);
        }

        signatureValue.InnerText = Convert.ToBase64String(value);
        return signature;

        XmlElement Append(XmlElement parent, string localName)
        {
            var child = document.CreateElement("ds", localName, XmlSignature.Namespace);
            parent.AppendChild(child);
            return child;
        }
    }
}
