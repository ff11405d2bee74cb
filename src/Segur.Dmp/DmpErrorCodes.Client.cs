namespace Segur.Dmp;

/// <content>VIHF, TD0.x and the client plumbing: <c>SGR-4200</c> to <c>SGR-4299</c>.</content>
public static partial class DmpErrorCodes
{
    /// <summary>The user context cannot give a VIHF: the family name is empty, the structure or user identifier is
    /// missing, or a value is too long.</summary>
    public const string VihfUserInvalid = "SGR-4201";

    /// <summary>The VIHF roles are invalid: none, more than two, an empty code or code system, or a physician
    /// (G15 <c>10</c>) or pharmacist (G15 <c>21</c>) without the second (specialty) role.</summary>
    public const string VihfRolesInvalid = "SGR-4202";

    /// <summary><c>INDIRECTE_RENFORCEE</c> needs <see cref="Client.DmpUserContext.AuthenticationContextDeclaration"/>
    /// (no public default: the integrator declares the primary authentication).</summary>
    public const string VihfAuthnDeclarationMissing = "SGR-4203";

    /// <summary>No VIHF signer is configured (<c>DmpClientOptions.VihfSigner</c>: the CPS card in DIRECTE, the ORG SIGN
    /// certificate otherwise).</summary>
    public const string VihfSignerMissing = "SGR-4204";

    /// <summary>The VIHF signer could not sign (card removed, key unusable).</summary>
    public const string VihfSigningFailed = "SGR-4205";

    /// <summary>No TLS client credential is configured for <c>DmpClient.CreateAsync</c> (the CPS card in DIRECTE, the
    /// ORG AUTH_CLI certificate otherwise).</summary>
    public const string TlsCredentialMissing = "SGR-4206";

    /// <summary>The DMP refused the request (SOAP Sender fault). The fault is kept raw in
    /// <see cref="SegurException.RawFault"/>: the DMP fault catalogue is not public.</summary>
    public const string DmpRequestRefused = "SGR-4210";

    /// <summary>The DMP failed to process the request (SOAP Receiver fault); transient unless its subcode says
    /// otherwise.</summary>
    public const string DmpServiceFailed = "SGR-4211";

    /// <summary>The DMP refused the VIHF token or the security header (WS-Security fault subcode: invalid, expired or
    /// unverifiable token).</summary>
    public const string DmpSecurityRefused = "SGR-4212";

    /// <summary>The DMP answered with a SOAP protocol fault (VersionMismatch, MustUnderstand…).</summary>
    public const string DmpProtocolFault = "SGR-4213";

    /// <summary>A non-idempotent call (TD2.1, TD3.3) failed after the request may have reached the DMP: the outcome is
    /// unknown. Transient, but check with TD3.1 (GetDocuments by uniqueId) before sending again.</summary>
    public const string DmpOutcomeUnknown = "SGR-4214";

    /// <summary>A TD0.x reply is not the expected HL7v3 message or misses a required element.</summary>
    public const string Td0ResponseInvalid = "SGR-4220";

    /// <summary>The DMP answered a TD0.x request with an HL7v3 error acknowledgement (<c>AE</c>/<c>AR</c>); the
    /// acknowledgement details are kept raw.</summary>
    public const string Td0Refused = "SGR-4221";

    /// <summary>A TD0.x query is invalid (TD0.4 date in the future, TD0.5 without a family name…).</summary>
    public const string Td0QueryInvalid = "SGR-4222";
}
