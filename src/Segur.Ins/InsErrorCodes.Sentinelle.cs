namespace Segur.Ins;

/// <summary>Sentinelle workflow codes (<c>SGR-2100</c> to <c>SGR-2199</c>).</summary>
public static partial class InsErrorCodes
{
    /// <summary>The patient record is not in the <c>IPatientDirectory</c> (unknown id, or deleted meanwhile).</summary>
    public const string PatientNotFound = "SGR-2100";

    /// <summary>The patient record changed since it was read (optimistic concurrency token mismatch): reload it and
    /// apply the change again.</summary>
    public const string PatientRecordConflict = "SGR-2101";

    /// <summary>The background INSi queue is full: the check was not queued. Transient: open the record again later.</summary>
    public const string SentinelleQueueFull = "SGR-2102";

    /// <summary>The Sentinelle service is stopped (disposed): no check is queued any more.</summary>
    public const string SentinelleStopped = "SGR-2103";

    /// <summary>A background INSi check failed on an unexpected error of the patient directory or the application;
    /// the inner exception says which.</summary>
    public const string SentinelleCheckFailed = "SGR-2104";

    /// <summary>Qualification refused: no identity document (or exception procedure) was given.</summary>
    public const string IdentityDocumentMissing = "SGR-2110";

    /// <summary>Qualification refused: the identity document is not of high trust (passport, identity card, residence
    /// permit, electronic identity). Use the documented exception procedure when the RNIV allows it.</summary>
    public const string IdentityDocumentNotHighTrust = "SGR-2111";

    /// <summary>Qualification refused: there is no recent INSi answer that found this identity with the record's traits.
    /// Open the record (background INSi check) and wait for a matching result, then qualify.</summary>
    public const string InsiAgreementMissing = "SGR-2112";

    /// <summary>Qualification refused: INSi found the identity but with traits that differ from the record's. Check the
    /// traits against the identity document, correct them, and let INSi check again.</summary>
    public const string InsiTraitsDiffer = "SGR-2113";

    /// <summary>The exception procedure needs a justification (who decided, why the usual document is unavailable).</summary>
    public const string ExceptionJustificationMissing = "SGR-2114";

    /// <summary>The Vitale data are incomplete or invalid (insured NIR, name, first name, birth date, rank).</summary>
    public const string VitaleIdentityInvalid = "SGR-2120";
}
