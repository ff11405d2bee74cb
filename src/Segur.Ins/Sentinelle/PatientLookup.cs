namespace Segur.Ins.Sentinelle;

/// <summary>What looking a patient up from a scanned INS Datamatrix or Vitale data found.</summary>
public enum PatientLookupKind
{
    /// <summary>One record holds this INS and its traits match.</summary>
    FoundByIns,

    /// <summary>No record holds the INS, one record matches the traits.</summary>
    FoundByTraits,

    /// <summary>No record matches: create one (from the scanned data).</summary>
    NotFound,

    /// <summary>One record was found but its traits (or INS) differ from the scanned data
    /// (<see cref="PatientLookup.Differences"/>): check the identity before using the record.</summary>
    TraitsDiffer,

    /// <summary>Several records match (<see cref="PatientLookup.Candidates"/>): let the user choose, and check for
    /// duplicates in the identity base.</summary>
    Several,
}

/// <summary>The result of a patient lookup from a scan or a card.</summary>
public sealed class PatientLookup
{
    internal PatientLookup(PatientLookupKind kind, IReadOnlyList<PatientRecord> candidates, IReadOnlyList<string> differences, InsIdentity? scanned)
    {
        Kind = kind;
        Candidates = candidates;
        Differences = differences;
        ScannedIdentity = scanned;
    }

    /// <summary>What was found.</summary>
    public PatientLookupKind Kind { get; }

    /// <summary>The record found (found or traits differ), or <see langword="null"/>.</summary>
    public PatientRecord? Record => Kind is PatientLookupKind.FoundByIns or PatientLookupKind.FoundByTraits or PatientLookupKind.TraitsDiffer ? Candidates[0] : null;

    /// <summary>Every record considered (one when found, several when <see cref="PatientLookupKind.Several"/>).</summary>
    public IReadOnlyList<PatientRecord> Candidates { get; }

    /// <summary>The fields of the record that differ from the scanned data (<c>ins</c>, <c>birthName</c>,
    /// <c>firstName</c>, <c>sex</c>, <c>birthDate</c>…); empty unless <see cref="PatientLookupKind.TraitsDiffer"/>.</summary>
    public IReadOnlyList<string> Differences { get; }

    /// <summary>The identity read from the Datamatrix (with its INS), or <see langword="null"/> for Vitale data.
    /// Data, not permission: a scan does not qualify an identity.</summary>
    public InsIdentity? ScannedIdentity { get; }
}

/// <summary>The result of <see cref="SentinelleService.QualifyAsync"/>.</summary>
public sealed class QualificationResult
{
    internal QualificationResult(PatientRecord record, IdentityStatus previousStatus, QualifiedIns ins)
    {
        Record = record;
        PreviousStatus = previousStatus;
        Ins = ins;
    }

    /// <summary>The saved record (with its new concurrency token).</summary>
    public PatientRecord Record { get; }

    /// <summary>The status before.</summary>
    public IdentityStatus PreviousStatus { get; }

    /// <summary>The status after: always <see cref="IdentityStatus.Qualifiee"/>.</summary>
    public IdentityStatus Status { get; } = IdentityStatus.Qualifiee;

    /// <summary>Whether the record was already qualified (nothing changed).</summary>
    public bool WasAlreadyQualified => PreviousStatus == IdentityStatus.Qualifiee;

    /// <summary>The INS that may now be shared and printed.</summary>
    public QualifiedIns Ins { get; }
}
