namespace Segur.Dmp;

/// <content>Access rules checked locally before calling the DMP: <c>SGR-4400</c> to <c>SGR-4499</c>.</content>
public static partial class DmpErrorCodes
{
    /// <summary>Consultation without the patient's local consent and outside the care team.</summary>
    public const string AccessConsentMissing = "SGR-4401";

    /// <summary>Consultation while the user's DMP authorisation is not <c>VALIDE</c> (TD0.2), in normal access mode.</summary>
    public const string AccessNotAuthorized = "SGR-4402";

    /// <summary>Break-glass (<c>bris_de_glace</c>) or centre-15 access without a reason.</summary>
    public const string AccessReasonMissing = "SGR-4403";

    /// <summary>Feeding before the patient was informed (Ségur default <c>RequirePatientInformed</c>).</summary>
    public const string AccessPatientNotInformed = "SGR-4404";

    /// <summary>Feeding while the patient opposed it.</summary>
    public const string AccessFeedingOpposed = "SGR-4405";

    /// <summary>Deleting a document the user did not author (only the author deletes).</summary>
    public const string AccessNotAuthor = "SGR-4406";

    /// <summary><c>MASQUE_PS</c> with <c>INVISIBLE_PATIENT</c> while <c>DmpParameters.AllowMaskedAndInvisible</c> is off.</summary>
    public const string AccessVisibilityConflict = "SGR-4407";

    /// <summary>A secret connection (minor) but a fed document is visible to legal representatives.</summary>
    public const string AccessSecretConnectionVisibility = "SGR-4408";

    /// <summary>The patient blocked this professional (<c>INTERDIT</c>).</summary>
    public const string AccessForbiddenByPatient = "SGR-4409";

    /// <summary>The patient has no active DMP (absent or closed).</summary>
    public const string AccessDmpNotActive = "SGR-4410";

    /// <summary>The patient opposed this emergency access mode (<c>OPPOSITION_BRIS_DE_GLACE</c> /
    /// <c>OPPOSITION_ACCES_URGENCE</c>).</summary>
    public const string AccessEmergencyOpposed = "SGR-4411";

    /// <summary>The local rules are enforced but no <c>IDmpConsentStore</c> is configured.</summary>
    public const string AccessConsentStoreMissing = "SGR-4412";
}
