namespace Segur;

/// <summary>Error codes for credentials, XML signatures, SAML and IGC-Santé trust (<c>SGR-1300</c> to <c>SGR-1399</c>).</summary>
public static partial class CoreErrorCodes
{
    /// <summary>The XML signature value does not verify with the signer's key.</summary>
    public const string SignatureInvalid = "SGR-1301";

    /// <summary>The digest of the signed element does not match the one in the signature (the content was changed).</summary>
    public const string SignatureDigestMismatch = "SGR-1302";

    /// <summary>The element that must be signed carries no XML signature.</summary>
    public const string SignatureMissing = "SGR-1303";

    /// <summary>The XML signature uses an algorithm or transform the SDK does not accept (or SHA-1 while it is not allowed).</summary>
    public const string SignatureAlgorithmUnsupported = "SGR-1304";

    /// <summary>The signature's reference is missing or does not point at the element that must be signed (signature wrapping).</summary>
    public const string SignatureReferenceInvalid = "SGR-1305";

    /// <summary>Several elements of the document carry the referenced identifier.</summary>
    public const string SignatureDuplicateId = "SGR-1306";

    /// <summary>The signature carries no usable signer certificate and none was supplied.</summary>
    public const string SignatureCertificateMissing = "SGR-1307";

    /// <summary>The XML signature is malformed (missing SignedInfo, SignatureValue, DigestValue…).</summary>
    public const string SignatureMalformed = "SGR-1308";

    /// <summary>The credential could not produce a signature.</summary>
    public const string SigningFailed = "SGR-1309";

    /// <summary>The SAML assertion is malformed or lacks a required part.</summary>
    public const string SamlMalformed = "SGR-1320";

    /// <summary>The SAML assertion is not valid yet (NotBefore in the future, beyond the allowed clock skew).</summary>
    public const string SamlNotYetValid = "SGR-1321";

    /// <summary>The SAML assertion has expired (NotOnOrAfter in the past, beyond the allowed clock skew).</summary>
    public const string SamlExpired = "SGR-1322";

    /// <summary>The SAML assertion is not meant for this audience.</summary>
    public const string SamlAudienceMismatch = "SGR-1323";

    /// <summary>The SAML assertion's issuer is not the expected one.</summary>
    public const string SamlIssuerMismatch = "SGR-1324";

    /// <summary>The PKCS#12 file does not exist or cannot be read.</summary>
    public const string Pkcs12FileUnreadable = "SGR-1330";

    /// <summary>The PKCS#12 content cannot be opened: wrong password or damaged file.</summary>
    public const string Pkcs12PasswordOrFormat = "SGR-1331";

    /// <summary>The credential's certificate has no private key.</summary>
    public const string CredentialPrivateKeyMissing = "SGR-1332";

    /// <summary>The credential's key is not an RSA key (IGC-Santé and the Ségur profiles use RSA).</summary>
    public const string CredentialKeyNotRsa = "SGR-1333";

    /// <summary>No certificate matching the search was found in the certificate store.</summary>
    public const string CertificateNotFoundInStore = "SGR-1334";

    /// <summary>The credential was disposed.</summary>
    public const string CredentialDisposed = "SGR-1335";

    /// <summary>The embedded IGC-Santé trust anchors cannot be loaded.</summary>
    public const string TrustAnchorsUnavailable = "SGR-1340";

    /// <summary>The certificate does not chain to a trusted IGC-Santé (or chosen) root; the message names the status.</summary>
    public const string CertificateChainUntrusted = "SGR-1341";

    /// <summary>A certificate of the chain is expired or not yet valid.</summary>
    public const string CertificateNotTimeValid = "SGR-1342";

    /// <summary>A certificate of the chain is revoked.</summary>
    public const string CertificateRevoked = "SGR-1343";

    /// <summary>The revocation status of a certificate of the chain could not be checked (CRL unreachable or stale).</summary>
    public const string CertificateRevocationUnknown = "SGR-1344";

    /// <summary>The server's certificate does not match the host name.</summary>
    public const string ServerCertificateNameMismatch = "SGR-1345";
}
