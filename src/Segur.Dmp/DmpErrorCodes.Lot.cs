namespace Segur.Dmp;

/// <content>XAdES lot signature codes: <c>SGR-4380</c> to <c>SGR-4399</c>.</content>
public static partial class DmpErrorCodes
{
    /// <summary>The lot to sign is invalid: a uniqueId is not a bare OID, a uniqueId appears twice, or there is no document.</summary>
    public const string LotInputInvalid = "SGR-4380";

    /// <summary>A document of the lot is not well-formed XML, so it cannot be canonicalized (C14N) for its manifest
    /// reference; sign non-XML content with <c>DmpLotDocument.DigestRawBytes</c>.</summary>
    public const string LotDocumentNotXml = "SGR-4381";

    /// <summary>The lot signature is not a well-formed XAdES <c>ds:Signature</c> of the expected structure (missing
    /// <c>SignedInfo</c>, manifest, qualifying properties, base64…).</summary>
    public const string LotSignatureMalformed = "SGR-4382";

    /// <summary>The lot signature uses an algorithm or transform that is not accepted (canonicalization, signature
    /// method, digest method, reference transform; SHA-1 when disallowed).</summary>
    public const string LotAlgorithmUnsupported = "SGR-4383";

    /// <summary>The lot signature carries no signer certificate and none was supplied.</summary>
    public const string LotCertificateMissing = "SGR-4384";

    /// <summary>The signature value does not verify with the signer certificate's key (signed data altered or wrong key).</summary>
    public const string LotSignatureInvalid = "SGR-4385";

    /// <summary>The digest of the manifest or of the signed properties does not match: the signature was altered.</summary>
    public const string LotReferenceDigestMismatch = "SGR-4386";

    /// <summary>The digest of a document of the lot does not match its manifest reference: the document was altered
    /// (or is not the one signed).</summary>
    public const string LotDocumentDigestMismatch = "SGR-4387";

    /// <summary>The documents do not match the manifest: a referenced document was not supplied, or a supplied
    /// document is not referenced.</summary>
    public const string LotDocumentSetMismatch = "SGR-4388";

    /// <summary>The XAdES <c>SigningCertificate</c> does not designate the certificate that signed (digest or issuer
    /// and serial differ), or the signer is not the expected certificate.</summary>
    public const string LotSigningCertificateMismatch = "SGR-4389";

    /// <summary>The signed properties are invalid: <c>SigningTime</c> missing or not a date-time,
    /// <c>purposeOfSignature</c> missing or not <c>1.2.840.10065.1.12.1.14</c>, no signature policy.</summary>
    public const string LotPropertiesInvalid = "SGR-4390";

    /// <summary>The submission set reference of the manifest is missing, ambiguous or not the expected set uniqueId.</summary>
    public const string LotSubmissionSetMismatch = "SGR-4391";
}
