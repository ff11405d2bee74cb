using System.ComponentModel.DataAnnotations;
using Segur.Audit;

namespace Segur.Ins.Sentinelle;

/// <summary>Settings of <see cref="SentinelleService"/> and <see cref="InsBatchVerifier"/>. Validated at construction,
/// every problem reported together (<c>SGR-1601</c>).</summary>
public sealed class SentinelleOptions : SegurClientOptions, IValidatableObject
{
    /// <summary>How many background INSi checks may wait; when full, opening a record reports
    /// <see cref="InsErrorCodes.SentinelleQueueFull"/> instead of waiting. <value>Default: 256.</value></summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>How many background INSi checks run at the same time. <value>Default: 2.</value></summary>
    [Range(1, 64)]
    public int MaxConcurrentChecks { get; set; } = 2;

    /// <summary>How long an INSi answer that found the identity with the record's traits allows a one-call
    /// qualification. <value>Default: 1 hour.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AgreementValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether background checks use the first-name strategy (each first name alone, then the list, the birth
    /// place on "several"), which costs up to a few calls but avoids false "not found".
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool UseFirstNameStrategy { get; set; } = true;

    /// <summary>Whether a background check that found the identity with the record's traits is applied to the record
    /// and saved (PROV→RECUP, VALI→QUAL, INS history updated). When off, only the outcome is published.
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool ApplyMatchingResults { get; set; } = true;

    /// <summary>Whether a batch verification that INSi did not confirm removes the INS from the record
    /// (RECUP→PROV, QUAL→VALI, INS kept in the history). <value>Default: <see langword="true"/>.</value></summary>
    public bool ApplyVerificationFailures { get; set; } = true;

    /// <summary>The RNIV validation modes accepted as high-trust identity documents for qualification without the
    /// exception procedure. <value>Default: <c>PA</c> (passport), <c>CN</c> (identity card), <c>CS</c> (residence
    /// permit), <c>eCN</c> (electronic identity card), <c>IN</c> (certified digital identity), <c>AV</c> (carte Vitale
    /// application).</value></summary>
    public ISet<string> HighTrustModes { get; } = new HashSet<string>(StringComparer.Ordinal) { "PA", "CN", "CS", "eCN", "IN", "AV" };

    /// <summary>The RNIV policy of the records (test OIDs). <value>Default: production.</value></summary>
    public IdentityRecordOptions IdentityRecordOptions { get; set; } = new();

    /// <summary>Where qualifications, refusals, checks and verifications are traced. <value>Default:
    /// <see langword="null"/> (no trace; set it in production, Ségur requires the traces).</value></summary>
    public IAuditTrail? AuditTrail { get; set; }

    /// <summary>The actor written in audit records (user or workstation). <value>Default: <c>sentinelle</c>.</value></summary>
    [Required(AllowEmptyStrings = false)]
    public string Actor { get; set; } = "sentinelle";

    /// <summary>How many records a batch verification checks at the same time. <value>Default: 4.</value></summary>
    [Range(1, 64)]
    public int BatchMaxConcurrency { get; set; } = 4;

    /// <summary>How many INSi verifications a batch may start per <see cref="BatchRatePeriod"/> (token bucket, shared
    /// by every batch of one <see cref="InsBatchVerifier"/>; also the burst). <value>Default: 5.</value></summary>
    [Range(1, 10_000)]
    public int BatchPermitsPerPeriod { get; set; } = 5;

    /// <summary>The period of <see cref="BatchPermitsPerPeriod"/>. <value>Default: 1 second.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BatchRatePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Produces the "assertion Vitale" for a search with Vitale data in the CPx mode. Its format is produced by
    /// the licensed SESAM-Vitale component and is not public, so the SDK does not build it.
    /// <value>Default: <see langword="null"/> (no assertion sent).</value></summary>
    public IVitaleAssertionProvider? VitaleAssertionProvider { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdentityRecordOptions is null)
        {
            yield return new ValidationResult("IdentityRecordOptions is required.", [nameof(IdentityRecordOptions)]);
        }

        if (HighTrustModes.Count == 0)
        {
            yield return new ValidationResult("HighTrustModes must hold at least one RNIV validation mode.", [nameof(HighTrustModes)]);
        }

        if (LoggerFactory is null || TimeProvider is null)
        {
            yield return new ValidationResult("LoggerFactory and TimeProvider are required.", [nameof(LoggerFactory)]);
        }
    }

    /// <summary>Every problem of these options, attributes and cross-property rules.</summary>
    internal List<string> CollectFailures() => OptionsFailures.Collect(this);

    internal void ThrowIfInvalid() => OptionsFailures.ThrowIfAny(nameof(SentinelleOptions), CollectFailures());
}
