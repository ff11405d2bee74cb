namespace Segur.Ins;

/// <summary>
/// An identity as a source describes it: the strict traits, the used name and first name when known, and the INS
/// (matricule + OID) with its history when the source is authoritative (an INSi answer, a scanned INS Datamatrix).
/// </summary>
/// <remarks>
/// This is data, not a decision: holding an <see cref="InsIdentity"/> with an INS does not allow sharing it. Feed it to
/// an <see cref="IdentityRecord"/> (<see cref="IdentityRecord.ApplyInsiResult"/>), which applies the RNIV rules, and
/// share only the <see cref="QualifiedIns"/> a qualified record hands out.
/// </remarks>
public sealed class InsIdentity
{
    private InsIdentity(InsTraits traits, InsIdentifier? ins, IReadOnlyList<InsIdentifier> history, string? usedName, string? usedFirstName)
    {
        Traits = traits;
        Ins = ins;
        History = history;
        UsedName = usedName;
        UsedFirstName = usedFirstName;
    }

    /// <summary>The strict traits.</summary>
    public InsTraits Traits { get; }

    /// <summary>The birth name (<see cref="InsTraits.BirthName"/>).</summary>
    public string BirthName => Traits.BirthName;

    /// <summary>The birth given names in order (<see cref="InsTraits.GivenNames"/>).</summary>
    public IReadOnlyList<string> GivenNames => Traits.GivenNames;

    /// <summary>The first given name (<see cref="InsTraits.FirstName"/>).</summary>
    public string FirstName => Traits.FirstName;

    /// <summary>The sex (<see cref="InsTraits.Sex"/>).</summary>
    public InsSex Sex => Traits.Sex;

    /// <summary>The birth date (<see cref="InsTraits.BirthDate"/>).</summary>
    public BirthDate BirthDate => Traits.BirthDate;

    /// <summary>The COG code of the birth place, or <see langword="null"/> (<see cref="InsTraits.BirthPlace"/>).</summary>
    public string? BirthPlace => Traits.BirthPlace;

    /// <summary>The used name (nom utilisé), when known; not a strict trait.</summary>
    public string? UsedName { get; }

    /// <summary>The used first name (prénom utilisé), when known; not a strict trait.</summary>
    public string? UsedFirstName { get; }

    /// <summary>The active INS (INSACTIF), when the source gives one.</summary>
    public InsIdentifier? Ins { get; }

    /// <summary>The matricule of <see cref="Ins"/>, or <see langword="null"/>.</summary>
    public InsMatricule? Matricule => Ins?.Matricule;

    /// <summary>The OID of <see cref="Ins"/>, or <see langword="null"/>.</summary>
    public InsOid? Oid => Ins?.Oid;

    /// <summary>Previous INS of the person (INSHISTO), most recent first as the source gave them.</summary>
    public IReadOnlyList<InsIdentifier> History { get; }

    /// <summary>Whether a matricule (active or historical) has a key that does not match its number. INSi data is kept
    /// as received; report this to the user or in the audit trail.</summary>
    public bool HasKeyMismatch => Ins is { Matricule.IsKeyValid: false } || History.Any(h => !h.Matricule.IsKeyValid);

    /// <summary>Creates an identity.</summary>
    /// <param name="traits">The strict traits.</param>
    /// <param name="ins">The active INS, or <see langword="null"/>.</param>
    /// <param name="history">Previous INS (INSHISTO), or <see langword="null"/>.</param>
    /// <param name="usedName">The used name, or <see langword="null"/>; must follow the RNIV family-name rules.</param>
    /// <param name="usedFirstName">The used first name, or <see langword="null"/>; must follow the given-name rules.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="traits"/> is null.</exception>
    /// <exception cref="SegurValidationException">The used name or first name breaks the RNIV rules.</exception>
    public static InsIdentity Create(InsTraits traits, InsIdentifier? ins = null, IEnumerable<InsIdentifier>? history = null, string? usedName = null, string? usedFirstName = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var used = string.IsNullOrEmpty(usedName) ? null : usedName;
        var usedFirst = string.IsNullOrEmpty(usedFirstName) ? null : usedFirstName;
        if (used is not null)
        {
            TraitNormalizer.Validate(used, TraitProfile.FamilyName, "usedName");
        }

        if (usedFirst is not null)
        {
            TraitNormalizer.Validate(usedFirst, TraitProfile.GivenName, "usedFirstName");
        }

        var historyList = history?.Where(h => h is not null).ToList() ?? [];
        return new InsIdentity(traits, ins, historyList.AsReadOnly(), used, usedFirst);
    }

    /// <summary>A short description without the INS (personal data: redact before logging).</summary>
    /// <returns>The traits.</returns>
    public override string ToString() => Traits.ToString();
}
