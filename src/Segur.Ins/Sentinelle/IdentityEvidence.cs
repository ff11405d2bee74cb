namespace Segur.Ins.Sentinelle;

/// <summary>
/// What the professional checked before qualifying an identity: a high-trust identity document (passport, identity
/// card, residence permit…, per the RNIV) or, when the RNIV allows it, the documented exception procedure (for
/// example a minor without own document, checked on the family record book and a parent's identity card).
/// </summary>
public sealed class IdentityEvidence
{
    private IdentityEvidence(string validationMode, string? reference, string? justification)
    {
        ValidationMode = validationMode;
        Reference = reference;
        Justification = justification;
    }

    /// <summary>The RNIV validation mode code (<see cref="IdentityCheck"/> constants: <c>PA</c>, <c>CN</c>, <c>CS</c>…).</summary>
    public string ValidationMode { get; }

    /// <summary>A reference to the document (number, scan id), or <see langword="null"/>. Personal data.</summary>
    public string? Reference { get; }

    /// <summary>Whether this is the exception procedure rather than a high-trust document.</summary>
    public bool IsExceptionProcedure => Justification is not null;

    /// <summary>The exception procedure's justification, or <see langword="null"/>.</summary>
    public string? Justification { get; }

    /// <summary>An identity document seen by the professional. Qualification accepts it only when its mode is one of
    /// <see cref="SentinelleOptions.HighTrustModes"/>.</summary>
    /// <param name="validationMode">The RNIV validation mode: <see cref="IdentityCheck.Passport"/>,
    /// <see cref="IdentityCheck.NationalIdentityCard"/>, <see cref="IdentityCheck.ResidencePermit"/>…</param>
    /// <param name="reference">A reference to the document, or <see langword="null"/>.</param>
    /// <returns>The evidence.</returns>
    /// <exception cref="SegurValidationException">Not an RNIV validation mode (<see cref="InsErrorCodes.IdentityCheckInvalid"/>).</exception>
    public static IdentityEvidence Document(string validationMode, string? reference = null) =>
        new(Check(validationMode), string.IsNullOrWhiteSpace(reference) ? null : reference, null);

    /// <summary>The documented exception procedure of the structure's identity-vigilance policy: any RNIV validation
    /// mode, with a justification written to the audit trail.</summary>
    /// <param name="validationMode">The RNIV validation mode of what was checked.</param>
    /// <param name="justification">Why the usual document is unavailable and who decided.</param>
    /// <param name="reference">A reference to what was checked, or <see langword="null"/>.</param>
    /// <returns>The evidence.</returns>
    /// <exception cref="SegurValidationException">Not an RNIV validation mode (<see cref="InsErrorCodes.IdentityCheckInvalid"/>)
    /// or no justification (<see cref="InsErrorCodes.ExceptionJustificationMissing"/>).</exception>
    public static IdentityEvidence ExceptionProcedure(string validationMode, string justification, string? reference = null)
    {
        var mode = Check(validationMode);
        if (string.IsNullOrWhiteSpace(justification))
        {
            throw new SegurValidationException(InsErrorCodes.ExceptionJustificationMissing, "The exception procedure needs a justification.") { Field = nameof(justification) };
        }

        return new IdentityEvidence(mode, string.IsNullOrWhiteSpace(reference) ? null : reference, justification.Trim());
    }

    internal IdentityCheck ToCheck(DateTimeOffset now) => new(ValidationMode, now, Reference);

    private static string Check(string validationMode) =>
        new IdentityCheck(validationMode ?? string.Empty, DateTimeOffset.MinValue).ValidationMode;
}
