namespace Segur.Ins;

/// <summary>INSi client codes (<c>SGR-2500</c> to <c>SGR-2799</c>).</summary>
public static partial class InsErrorCodes
{
    /// <summary>The INSi query is incomplete or invalid (missing birth name, first name, sex or birth date; bad COG).</summary>
    public const string InsiQueryInvalid = "SGR-2500";

    /// <summary>The Vitale query is incomplete (insured NIR, beneficiary birth date or rank missing or invalid).</summary>
    public const string InsiVitaleQueryInvalid = "SGR-2501";

    /// <summary>The authentication mode needs a credential that is not configured (organisation certificate for mutual
    /// TLS, CPS card or signing certificate for the CPx mode).</summary>
    public const string InsiCredentialMissing = "SGR-2510";

    /// <summary>The organisation certificate's common name is not <c>INSI-MANU</c> or <c>INSI-AUTO</c>: INSi would
    /// refuse it (<c>desir_560</c>).</summary>
    public const string InsiCertificateCommonName = "SGR-2511";

    /// <summary>The CPx assertion could not be built or signed (card removed, PIN, unusable certificate).</summary>
    public const string InsiAssertionFailed = "SGR-2512";

    /// <summary>INSi refused the software: unknown or unauthorised IDAM (<c>desir_550</c>). Check
    /// <c>InsiClientOptions.Idam</c> and the CNDA authorisation; retrying does not help.</summary>
    public const string InsiSoftwareNotAuthorized = "SGR-2520";

    /// <summary>INSi refused the credential's access level (<c>desir_560</c>): wrong certificate CN or profile.
    /// Retrying does not help.</summary>
    public const string InsiAccessDenied = "SGR-2521";

    /// <summary>INSi is temporarily unavailable (<c>desir_1020</c>, <c>siram_40</c> or another code listed in
    /// <c>InsiClientOptions.TransientFaultCodes</c>); retried, then reported.</summary>
    public const string InsiUnavailable = "SGR-2522";

    /// <summary>INSi reported a technical error while searching (<c>insi_102</c>); transient.</summary>
    public const string InsiTechnicalError = "SGR-2523";

    /// <summary>INSi answered with a fault code the SDK does not know; <c>ServiceCode</c> and <c>RawFault</c> carry it.</summary>
    public const string InsiFault = "SGR-2524";

    /// <summary>The INSi response has no readable <c>RESULTAT</c> (missing return code, identity without INS or traits).</summary>
    public const string InsiResponseInvalid = "SGR-2530";

    /// <summary>The INSi return code (<c>CodeCR</c>) is not <c>00</c>, <c>01</c> or <c>02</c>.</summary>
    public const string InsiReturnCodeUnknown = "SGR-2531";
}
