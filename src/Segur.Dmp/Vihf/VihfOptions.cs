using System.ComponentModel.DataAnnotations;

namespace Segur.Dmp.Vihf;

/// <summary>The hash of the VIHF and lot signatures (<c>rsa-sha1</c> in every CNAM example, <c>rsa-sha256</c> in the
/// 2024 ANS example: confirm on the GIE SESAM-Vitale test platform).</summary>
public enum DmpSignatureHash
{
    /// <summary>RSA-SHA1 with SHA-1 digests (the proven default).</summary>
    Sha1,

    /// <summary>RSA-SHA256 with SHA-256 digests.</summary>
    Sha256,
}

/// <summary>
/// How the VIHF token is written where public sources disagree (dmp.md §4). Defaults follow the CNAM examples and
/// code; change them only when the GIE SESAM-Vitale documentation says otherwise.
/// </summary>
public sealed class VihfOptions
{
    /// <summary>The <c>VIHF_Version</c> value. <value>Default: <c>3.0</c> (all examples and code; one ANS table says
    /// 4.0).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(16)]
    public string Version { get; set; } = "3.0";

    /// <summary>The attribute name of the authentication mode. <value>Default: <c>Authentification_Mode</c> (CNAM kit
    /// v2.06.01, ANS 2024, DRIM); older CNAM messages spell it <c>Authentification_mode</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string ModeAttributeName { get; set; } = "Authentification_Mode";

    /// <summary>The <c>codeSystemName</c> of the <c>PurposeOfUse</c> CE. <value>Default: <c>mode acces VIHF 2.0</c>
    /// (examples show 1.0 and 2.0); <see langword="null"/> or empty writes none.</value></summary>
    [StringLength(64)]
    public string? PurposeOfUseCodeSystemName { get; set; } = "mode acces VIHF 2.0";

    /// <summary>The <c>Ressource_URN</c> value. <value>Default: <c>urn:dmp</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string ResourceUrn { get; set; } = "urn:dmp";

    /// <summary>The confidentiality code sent during a secret connection (JDV_J64).
    /// <value>Default: <c>INVISIBLE_REPRESENTANTS_LEGAUX</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string SecretConnectionCode { get; set; } = "INVISIBLE_REPRESENTANTS_LEGAUX";

    /// <summary>The code system of <see cref="SecretConnectionCode"/>. <value>Default: <c>1.2.250.1.213.1.1.4.13</c>
    /// (TRE_A07).</value></summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string SecretConnectionCodeSystem { get; set; } = "1.2.250.1.213.1.1.4.13";

    /// <summary>Whether the legacy <c>Confidentiality_code</c> attribute (CNAM kit) is also written during a secret
    /// connection. <value>Default: <see langword="false"/>.</value></summary>
    public bool WriteLegacyConfidentialityCode { get; set; }

    /// <summary>Whether <c>subject-id</c> ("Prénom Nom") is also written in DIRECTE mode (the CNAM DIRECTE example has
    /// none; it is required in the indirect modes). <value>Default: <see langword="false"/>.</value></summary>
    public bool SubjectIdInDirectMode { get; set; }

    /// <summary>The <c>AuthnContextClassRef</c> in DIRECTE mode when the user context does not say.
    /// <value>Default: <c>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string DirectAuthenticationContextClass { get; set; } = Segur.Security.SamlAssertion.SmartcardPkiContext;

    /// <summary>The <c>AuthnContextClassRef</c> in the indirect modes when the user context does not say: it must match
    /// the real local authentication. <value>Default: <c>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string IndirectAuthenticationContextClass { get; set; } = Segur.Security.SamlAssertion.UnspecifiedContext;

    /// <summary>The validity window written as <c>Conditions NotBefore/NotOnOrAfter</c> around the issue instant
    /// (optional in the VIHF). <value>Default: <see langword="null"/>, no Conditions.</value></summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan? Validity { get; set; }

    /// <summary>Whether the <c>wsse:Security</c> header is marked <c>mustUnderstand</c>.
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool SecurityHeaderMustUnderstand { get; set; } = true;
}
