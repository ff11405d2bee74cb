namespace Segur.Ins;

/// <summary>
/// Everything an <see cref="IdentityRecord"/> holds, for persistence in the application's patient store. Restore with
/// <see cref="IdentityRecord.FromState"/>, which checks the RNIV invariants.
/// </summary>
/// <remarks>The <see cref="Ins"/> stored here is for storage only: it is present for a
/// <see cref="IdentityStatus.Recuperee"/> identity too, which may not share it. Share only what
/// <see cref="IdentityRecord.GetShareableIns"/> returns.</remarks>
public sealed class IdentityRecordState
{
    /// <summary>The strict traits.</summary>
    public required InsTraits Traits { get; init; }

    /// <summary>The used name, when known.</summary>
    public string? UsedName { get; init; }

    /// <summary>The used first name, when known.</summary>
    public string? UsedFirstName { get; init; }

    /// <summary>The status as stored; <see cref="IdentityRecord.FromState"/> checks it matches the facts.</summary>
    public IdentityStatus Status { get; init; }

    /// <summary>The attributes.</summary>
    public IdentityAttributes Attributes { get; init; }

    /// <summary>The INS retrieved via INSi, or <see langword="null"/>. Storage only.</summary>
    public InsIdentifier? Ins { get; init; }

    /// <summary>Previous or invalidated INS (INSHISTO and INS removed by a transition).</summary>
    public IReadOnlyList<InsIdentifier> InsHistory { get; init; } = [];

    /// <summary>The high-trust identity check, or <see langword="null"/>.</summary>
    public IdentityCheck? IdentityCheck { get; init; }
}

/// <summary>Policy of an <see cref="IdentityRecord"/>.</summary>
public sealed class IdentityRecordOptions
{
    /// <summary>Whether INS with the test (<c>.10</c>) or demonstration (<c>.11</c>) OID are accepted. Turn on in test
    /// and demonstration environments only.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool AllowTestOids { get; init; }
}

/// <summary>What applying an INSi answer to an <see cref="IdentityRecord"/> did.</summary>
public sealed class InsiApplyOutcome
{
    internal InsiApplyOutcome(IdentityStatus previousStatus, IdentityStatus status, IReadOnlyList<string> discrepancies, IReadOnlyList<string> updatedTraits, bool keyMismatch)
    {
        PreviousStatus = previousStatus;
        Status = status;
        Discrepancies = discrepancies;
        UpdatedTraits = updatedTraits;
        KeyMismatch = keyMismatch;
    }

    /// <summary>The status before.</summary>
    public IdentityStatus PreviousStatus { get; }

    /// <summary>The status after.</summary>
    public IdentityStatus Status { get; }

    /// <summary>Traits of a validated identity that differ from those INSi returned (field names such as
    /// <c>birthName</c>); when not empty the INS was not attached and the user must resolve the discrepancy.</summary>
    public IReadOnlyList<string> Discrepancies { get; }

    /// <summary>Traits of a provisional or retrieved identity that were replaced by those INSi returned.</summary>
    public IReadOnlyList<string> UpdatedTraits { get; }

    /// <summary>Whether INSi returned a matricule whose key does not match (kept as received; report it).</summary>
    public bool KeyMismatch { get; }

    /// <summary>Whether the status changed.</summary>
    public bool StatusChanged => PreviousStatus != Status;
}
