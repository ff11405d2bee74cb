using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Dmp.Xds;

/// <summary>One document of a DMP submission, as the lot signature references it.</summary>
public sealed class DmpLotDocument
{
    /// <summary>Creates a lot document.</summary>
    /// <param name="uniqueId">The document's XDS uniqueId (the CDA <c>id/@root</c>, a bare OID).</param>
    /// <param name="content">The exact bytes sent in the submission (the CDA file).</param>
    /// <exception cref="ArgumentException"><paramref name="uniqueId"/> is empty.</exception>
    public DmpLotDocument(string uniqueId, ReadOnlyMemory<byte> content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uniqueId);
        UniqueId = uniqueId;
        Content = content;
    }

    /// <summary>The document's XDS uniqueId, referenced as <c>urn:oid:&lt;uniqueId&gt;</c>.</summary>
    public string UniqueId { get; }

    /// <summary>The exact document bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Whether the manifest digests the bytes as they are (no transform) instead of their Canonical XML
    /// with comments. Leave <see langword="false"/> for CDA documents: every public DMP example canonicalizes them.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool DigestRawBytes { get; init; }
}

/// <summary>What the XAdES lot signature of a DMP submission (TD2.1, ITI-57) covers: the submission set and its documents.</summary>
public sealed class DmpLotSignatureInput
{
    /// <summary>Creates the input.</summary>
    /// <param name="submissionSetUniqueId">The submission set's uniqueId (bare OID).</param>
    /// <param name="documents">The documents of the set, at least one (ITI-57 metadata updates sign the set alone:
    /// pass an empty list only for them).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public DmpLotSignatureInput(string submissionSetUniqueId, IEnumerable<DmpLotDocument> documents)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(submissionSetUniqueId);
        ArgumentNullException.ThrowIfNull(documents);
        SubmissionSetUniqueId = submissionSetUniqueId;
        Documents = documents.ToList();
        if (Documents.Any(d => d is null))
        {
            throw new ArgumentException("The document list contains null.", nameof(documents));
        }
    }

    /// <summary>The submission set's uniqueId.</summary>
    public string SubmissionSetUniqueId { get; }

    /// <summary>The documents, in manifest order.</summary>
    public IReadOnlyList<DmpLotDocument> Documents { get; }

    /// <summary>The <c>Id</c> of the <c>ds:Signature</c>, which the <c>purposeOfSignature</c> property and the XAdES
    /// <c>QualifyingProperties</c> target. The public DMP examples use the uniqueId of the <c>Signature01</c> XDS entry.</summary>
    /// <value>Default: <see langword="null"/>, which writes <c>Id="S0"</c>.</value>
    public string? SignatureId { get; init; }
}

/// <summary>Options of <see cref="DmpLotSignature.Verify"/>.</summary>
public sealed class DmpLotSignatureVerificationOptions
{
    /// <summary>Whether SHA-1 digests and RSA-SHA1 are accepted. The DMP's own format is SHA-1, so this is on by default.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool AllowSha1 { get; set; } = true;

    /// <summary>The certificate that must have signed; any certificate in <c>KeyInfo</c> must then be this one.</summary>
    /// <value>Default: <see langword="null"/> (the certificate in <c>KeyInfo</c> is used; check its trust separately).</value>
    public X509Certificate2? SignerCertificate { get; set; }

    /// <summary>The submission set uniqueId the manifest must reference.</summary>
    /// <value>Default: <see langword="null"/> (the one manifest reference that is not a supplied document is the set).</value>
    public string? SubmissionSetUniqueId { get; set; }
}

/// <summary>The outcome of a successful <see cref="DmpLotSignature.Verify"/>.</summary>
public sealed class DmpLotSignatureVerification
{
    internal DmpLotSignatureVerification(X509Certificate2 signerCertificate, DateTimeOffset signingTime, string submissionSetUniqueId,
        IReadOnlyList<string> documentUniqueIds, HashAlgorithmName hashAlgorithm, string? signatureId)
    {
        SignerCertificate = signerCertificate;
        SigningTime = signingTime;
        SubmissionSetUniqueId = submissionSetUniqueId;
        DocumentUniqueIds = documentUniqueIds;
        HashAlgorithm = hashAlgorithm;
        SignatureId = signatureId;
    }

    /// <summary>The certificate whose key verified the signature (check its trust with <c>IgcSanteTrust</c>). When it was
    /// read from <c>KeyInfo</c> (no expected signer given), the caller owns it and may dispose it.</summary>
    public X509Certificate2 SignerCertificate { get; }

    /// <summary>The XAdES <c>SigningTime</c>.</summary>
    public DateTimeOffset SigningTime { get; }

    /// <summary>The submission set uniqueId referenced by the manifest.</summary>
    public string SubmissionSetUniqueId { get; }

    /// <summary>The document uniqueIds referenced by the manifest, in manifest order (all verified).</summary>
    public IReadOnlyList<string> DocumentUniqueIds { get; }

    /// <summary>The hash algorithm of the signature method (SHA-1 or SHA-256).</summary>
    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>The <c>Id</c> of the <c>ds:Signature</c>, if any.</summary>
    public string? SignatureId { get; }
}
