namespace Segur.Ins;

/// <summary>
/// The record of a high-trust identity check: how the identity was validated (RNIV validation mode code), when, and
/// an optional reference to the evidence.
/// </summary>
public sealed class IdentityCheck
{
    /// <summary>Validation mode: national identity card (<c>CN</c>).</summary>
    public const string NationalIdentityCard = "CN";

    /// <summary>Validation mode: passport (<c>PA</c>).</summary>
    public const string Passport = "PA";

    /// <summary>Validation mode: residence permit (titre de séjour, <c>CS</c>).</summary>
    public const string ResidencePermit = "CS";

    /// <summary>Validation mode: the carte Vitale application (ApCV, <c>AV</c>), which counts as a high-trust check.</summary>
    public const string VitaleApplication = "AV";

    private static readonly HashSet<string> KnownModes = new(StringComparer.Ordinal)
    {
        "CN", "PA", "CS", "eCN", "IN", "AV", "LECV", "AN", "LEP", "CC", "ANCV",
    };

    /// <summary>Creates a check record.</summary>
    /// <param name="validationMode">The RNIV validation mode code (FR Core <c>fr-core-cs-identity-mode-validation</c>):
    /// <c>CN</c>, <c>PA</c>, <c>CS</c>, <c>eCN</c>, <c>IN</c>, <c>AV</c>, <c>LECV</c>, <c>AN</c>, <c>LEP</c>, <c>CC</c>
    /// or <c>ANCV</c>.</param>
    /// <param name="checkedAt">When the check was done (from the application's <see cref="TimeProvider"/>).</param>
    /// <param name="evidence">A reference to the evidence (document number, scan id), or <see langword="null"/>.</param>
    /// <exception cref="SegurValidationException">Unknown validation mode (<see cref="InsErrorCodes.IdentityCheckInvalid"/>).</exception>
    public IdentityCheck(string validationMode, DateTimeOffset checkedAt, string? evidence = null)
    {
        if (string.IsNullOrWhiteSpace(validationMode) || !KnownModes.Contains(validationMode.Trim()))
        {
            throw new SegurValidationException(InsErrorCodes.IdentityCheckInvalid, "The identity validation mode is not an RNIV code (CN, PA, CS, eCN, IN, AV, LECV, AN, LEP, CC, ANCV).") { Field = "validationMode" };
        }

        ValidationMode = validationMode.Trim();
        CheckedAt = checkedAt;
        Evidence = string.IsNullOrWhiteSpace(evidence) ? null : evidence;
    }

    /// <summary>The RNIV validation mode code.</summary>
    public string ValidationMode { get; }

    /// <summary>When the check was done.</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>A reference to the evidence, or <see langword="null"/>.</summary>
    public string? Evidence { get; }
}
