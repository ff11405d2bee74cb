using System.Diagnostics.CodeAnalysis;

namespace Segur.Ins;

/// <summary>
/// A patient identity in the application's identity base, with its RNIV status. The status is never set: it is
/// derived from the facts the record holds (INS retrieved via INSi, high-trust identity check, attributes), and the
/// facts change only through the RNIV events below, each of which refuses an illegal transition.
/// </summary>
/// <remarks>
/// <para>Transitions (RNIV grid; the SDK's reading of it):</para>
/// <list type="table">
/// <listheader><term>Event</term><description>Effect</description></listheader>
/// <item><term><see cref="ApplyInsiResult"/></term><description>PROV→RECUP (INSi traits adopted); VALI→QUAL when the
/// traits agree, else stays VALI with <see cref="InsiApplyOutcome.Discrepancies"/>; QUAL with disagreeing traits → VALI.</description></item>
/// <item><term><see cref="RecordIdentityCheck"/></term><description>PROV→VALI; RECUP→QUAL.</description></item>
/// <item><term><see cref="Qualify"/></term><description>INSi answer and check in one step (or ApCV): →QUAL.</description></item>
/// <item><term><see cref="EditTraits"/>, <see cref="RecordInsiVerificationFailure"/></term><description>RECUP→PROV;
/// QUAL→VALI (the INS moves to <see cref="IdentityRecordState.InsHistory"/>).</description></item>
/// <item><term><see cref="SetAttribute"/> Douteuse/Fictive</term><description>any→PROV; INS and check invalidated;
/// clearing the attribute restores nothing.</description></item>
/// <item><term><see cref="SetAttribute"/> Homonyme</term><description>no status change.</description></item>
/// </list>
/// <para>Not thread-safe: an instance belongs to one unit of work. Persist it with <see cref="ToState"/>.</para>
/// </remarks>
public sealed class IdentityRecord
{
    private readonly IdentityRecordOptions _options;
    private readonly List<InsIdentifier> _history;
    private InsIdentifier? _ins;

    private IdentityRecord(InsTraits traits, string? usedName, string? usedFirstName, IdentityRecordOptions options)
    {
        Traits = traits;
        UsedName = usedName;
        UsedFirstName = usedFirstName;
        _options = options;
        _history = [];
    }

    /// <summary>The strict traits.</summary>
    public InsTraits Traits { get; private set; }

    /// <summary>The used name, when known.</summary>
    public string? UsedName { get; private set; }

    /// <summary>The used first name, when known.</summary>
    public string? UsedFirstName { get; private set; }

    /// <summary>The attributes.</summary>
    public IdentityAttributes Attributes { get; private set; }

    /// <summary>The high-trust identity check, or <see langword="null"/>.</summary>
    public IdentityCheck? IdentityCheck { get; private set; }

    /// <summary>The RNIV status, derived from the facts.</summary>
    public IdentityStatus Status => (_ins is not null, IdentityCheck is not null) switch
    {
        (false, false) => IdentityStatus.Provisoire,
        (true, false) => IdentityStatus.Recuperee,
        (false, true) => IdentityStatus.Validee,
        (true, true) => IdentityStatus.Qualifiee,
    };

    /// <summary>Whether an INS retrieved via INSi is attached (RECUP or QUAL). It may be shared only when
    /// <see cref="Status"/> is <see cref="IdentityStatus.Qualifiee"/>.</summary>
    public bool HasIns => _ins is not null;

    /// <summary>Whether INSi may be called for this identity (not doubtful, not fictitious).</summary>
    public bool CanCallInsi => (Attributes & (IdentityAttributes.Douteuse | IdentityAttributes.Fictive)) == 0;

    /// <summary>Creates a provisional identity from traits entered by the user.</summary>
    /// <param name="traits">The strict traits (in RNIV form: use <see cref="InsTraits.Normalize"/> on typed values).</param>
    /// <param name="usedName">The used name, or <see langword="null"/>.</param>
    /// <param name="usedFirstName">The used first name, or <see langword="null"/>.</param>
    /// <param name="options">The policy; default: production (<see cref="IdentityRecordOptions.AllowTestOids"/> off).</param>
    /// <returns>A <see cref="IdentityStatus.Provisoire"/> record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="traits"/> is null.</exception>
    /// <exception cref="SegurValidationException">The used name or first name breaks the RNIV rules.</exception>
    public static IdentityRecord CreateProvisional(InsTraits traits, string? usedName = null, string? usedFirstName = null, IdentityRecordOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var identity = InsIdentity.Create(traits, usedName: usedName, usedFirstName: usedFirstName);
        return new IdentityRecord(traits, identity.UsedName, identity.UsedFirstName, options ?? new IdentityRecordOptions());
    }

    /// <summary>Restores a record persisted with <see cref="ToState"/>, checking the RNIV invariants.</summary>
    /// <param name="state">The persisted state.</param>
    /// <param name="options">The policy; default: production.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="SegurValidationException">The state breaks an invariant (<see cref="InsErrorCodes.RecordStateInvalid"/>,
    /// <see cref="InsErrorCodes.AttributesConflict"/>, <see cref="InsErrorCodes.OidNotAllowed"/>).</exception>
    public static IdentityRecord FromState(IdentityRecordState state, IdentityRecordOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.Traits, nameof(state));
        var record = CreateProvisional(state.Traits, state.UsedName, state.UsedFirstName, options);
        CheckAttributes(state.Attributes);
        if ((state.Attributes & (IdentityAttributes.Douteuse | IdentityAttributes.Fictive)) != 0 && (state.Ins is not null || state.IdentityCheck is not null))
        {
            throw StateInvalid("A doubtful or fictitious identity cannot hold an INS or an identity check.");
        }

        if (state.Ins is not null)
        {
            record.CheckOid(state.Ins.Oid);
        }

        record.Attributes = state.Attributes;
        record._ins = state.Ins;
        record.IdentityCheck = state.IdentityCheck;
        record._history.AddRange(state.InsHistory?.Where(h => h is not null) ?? []);
        if (record.Status != state.Status)
        {
            throw StateInvalid($"The stored status {state.Status.ToCode()} does not match the facts, which give {record.Status.ToCode()}.");
        }

        return record;
    }

    /// <summary>Everything the record holds, for persistence.</summary>
    /// <returns>The state.</returns>
    public IdentityRecordState ToState() => new()
    {
        Traits = Traits,
        UsedName = UsedName,
        UsedFirstName = UsedFirstName,
        Status = Status,
        Attributes = Attributes,
        Ins = _ins,
        InsHistory = _history.ToList().AsReadOnly(),
        IdentityCheck = IdentityCheck,
    };

    /// <summary>Throws unless INSi may be called for this identity. INSi clients call this before any request.</summary>
    /// <exception cref="SegurValidationException">The identity is doubtful or fictitious (<see cref="InsErrorCodes.InsiForbidden"/>).</exception>
    public void EnsureInsiAllowed()
    {
        if (!CanCallInsi)
        {
            throw new SegurValidationException(InsErrorCodes.InsiForbidden, "INSi may not be called for a doubtful or fictitious identity.") { Field = "attributes" };
        }
    }

    /// <summary>The attached INS, to send to INSi for a verification (WS_INS3) and nothing else: the national
    /// referential is the one party an unqualified INS may go to. To share an INS use <see cref="GetShareableIns"/>.</summary>
    /// <returns>The INS retrieved earlier (RECUP or QUAL).</returns>
    /// <exception cref="SegurValidationException">INSi is forbidden for this identity (<see cref="InsErrorCodes.InsiForbidden"/>)
    /// or no INS is attached (<see cref="InsErrorCodes.InsMissing"/>).</exception>
    public InsIdentifier GetInsForInsiVerification()
    {
        EnsureInsiAllowed();
        return _ins ?? throw new SegurValidationException(InsErrorCodes.InsMissing, $"The identity is {Status.ToCode()}: it has no INS to verify.") { Field = "ins" };
    }

    /// <summary>Applies an INSi answer (code 00: one identity, with its INS) to the record.</summary>
    /// <param name="retrieved">The identity INSi returned, with its INS.</param>
    /// <returns>What changed; check <see cref="InsiApplyOutcome.Discrepancies"/> for a validated identity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="retrieved"/> is null.</exception>
    /// <exception cref="SegurValidationException">INSi calls are forbidden for this identity
    /// (<see cref="InsErrorCodes.InsiForbidden"/>), the answer has no INS (<see cref="InsErrorCodes.InsMissing"/>) or its
    /// OID is not allowed (<see cref="InsErrorCodes.OidNotAllowed"/>).</exception>
    public InsiApplyOutcome ApplyInsiResult(InsIdentity retrieved)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        EnsureInsiAllowed();
        var ins = RequireIns(retrieved);
        var previous = Status;
        var differences = Traits.DifferencesFrom(retrieved.Traits);
        if (IdentityCheck is not null)
        {
            if (differences.Count > 0)
            {
                // Validated traits disagree with the referential: never attach the INS; a qualified identity falls back.
                DropIns();
                return new InsiApplyOutcome(previous, Status, differences, [], retrieved.HasKeyMismatch);
            }

            Attach(ins, retrieved);
            return new InsiApplyOutcome(previous, Status, [], [], retrieved.HasKeyMismatch);
        }

        Traits = retrieved.Traits;
        Attach(ins, retrieved);
        return new InsiApplyOutcome(previous, Status, [], differences, retrieved.HasKeyMismatch);
    }

    /// <summary>Records a high-trust identity check (identity document seen, or ApCV).</summary>
    /// <param name="check">The check.</param>
    /// <returns>The new status: PROV→VALI, RECUP→QUAL; VALI and QUAL keep their status with the new check.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="check"/> is null.</exception>
    /// <exception cref="SegurValidationException">The identity is doubtful or fictitious (<see cref="InsErrorCodes.TransitionForbidden"/>):
    /// clear the attribute first.</exception>
    public IdentityStatus RecordIdentityCheck(IdentityCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (!CanCallInsi)
        {
            throw Forbidden("A doubtful or fictitious identity cannot be validated; clear the attribute first.");
        }

        IdentityCheck = check;
        return Status;
    }

    /// <summary>Qualifies in one step: an INSi answer and a high-trust check (or an ApCV read, mode <c>AV</c>) together.
    /// Either everything is applied or nothing.</summary>
    /// <param name="retrieved">The identity INSi (or ApCV) returned, with its INS.</param>
    /// <param name="check">The check.</param>
    /// <returns>What changed (status <see cref="IdentityStatus.Qualifiee"/> unless a validated identity disagreed).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">As <see cref="ApplyInsiResult"/>.</exception>
    public InsiApplyOutcome Qualify(InsIdentity retrieved, IdentityCheck check)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        ArgumentNullException.ThrowIfNull(check);
        EnsureInsiAllowed();
        var ins = RequireIns(retrieved);
        if (IdentityCheck is not null)
        {
            var outcome = ApplyInsiResult(retrieved);
            if (outcome.Discrepancies.Count == 0)
            {
                IdentityCheck = check;
            }

            return outcome;
        }

        var previous = Status;
        var differences = Traits.DifferencesFrom(retrieved.Traits);
        Traits = retrieved.Traits;
        Attach(ins, retrieved);
        IdentityCheck = check;
        return new InsiApplyOutcome(previous, Status, [], differences, retrieved.HasKeyMismatch);
    }

    /// <summary>Edits the strict traits. A change to a retrieved or qualified identity removes its INS (kept in history):
    /// RECUP→PROV, QUAL→VALI.</summary>
    /// <param name="traits">The new traits.</param>
    /// <param name="usedName">The new used name, or <see langword="null"/> to clear it.</param>
    /// <param name="usedFirstName">The new used first name, or <see langword="null"/> to clear it.</param>
    /// <returns>The new status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="traits"/> is null.</exception>
    /// <exception cref="SegurValidationException">The used name or first name breaks the RNIV rules.</exception>
    public IdentityStatus EditTraits(InsTraits traits, string? usedName = null, string? usedFirstName = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        var identity = InsIdentity.Create(traits, usedName: usedName, usedFirstName: usedFirstName);
        if (!Traits.Equals(traits) || Traits.BirthName != traits.BirthName || Traits.GivenNameList != traits.GivenNameList || Traits.FirstName != traits.FirstName)
        {
            DropIns();
            Traits = traits;
        }

        UsedName = identity.UsedName;
        UsedFirstName = identity.UsedFirstName;
        return Status;
    }

    /// <summary>Records that an INSi verification of the attached INS did not answer 00: RECUP→PROV, QUAL→VALI.</summary>
    /// <returns>The new status.</returns>
    /// <exception cref="SegurValidationException">No INS is attached, so there was nothing to verify
    /// (<see cref="InsErrorCodes.TransitionForbidden"/>).</exception>
    public IdentityStatus RecordInsiVerificationFailure()
    {
        if (_ins is null)
        {
            throw Forbidden($"An identity with status {Status.ToCode()} has no INS to verify.");
        }

        DropIns();
        return Status;
    }

    /// <summary>Sets an attribute. <see cref="IdentityAttributes.Douteuse"/> and <see cref="IdentityAttributes.Fictive"/>
    /// make the identity provisional and invalidate its INS (kept in history) and its identity check.</summary>
    /// <param name="attribute">One attribute.</param>
    /// <returns>The new status.</returns>
    /// <exception cref="ArgumentException">Not exactly one defined attribute.</exception>
    /// <exception cref="SegurValidationException">Doubtful and fictitious together (<see cref="InsErrorCodes.AttributesConflict"/>).</exception>
    public IdentityStatus SetAttribute(IdentityAttributes attribute)
    {
        CheckSingle(attribute);
        CheckAttributes(Attributes | attribute);
        if (attribute is IdentityAttributes.Douteuse or IdentityAttributes.Fictive)
        {
            DropIns();
            IdentityCheck = null;
        }

        Attributes |= attribute;
        return Status;
    }

    /// <summary>Clears an attribute. Clearing <see cref="IdentityAttributes.Douteuse"/> or
    /// <see cref="IdentityAttributes.Fictive"/> restores nothing: the identity stays provisional until INSi and a check.</summary>
    /// <param name="attribute">One attribute.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentException">Not exactly one defined attribute.</exception>
    public IdentityStatus ClearAttribute(IdentityAttributes attribute)
    {
        CheckSingle(attribute);
        Attributes &= ~attribute;
        return Status;
    }

    /// <summary>The INS to share (documents, messages, Datamatrix), for a qualified identity only.</summary>
    /// <returns>The qualified INS with its traits.</returns>
    /// <exception cref="SegurValidationException">The identity is not <see cref="IdentityStatus.Qualifiee"/>
    /// (<see cref="InsErrorCodes.NotQualified"/>).</exception>
    public QualifiedIns GetShareableIns() =>
        TryGetShareableIns(out var ins)
            ? ins
            : throw new SegurValidationException(InsErrorCodes.NotQualified, $"The identity is {Status.ToCode()}, not QUAL: its INS may not be shared or printed.") { Field = "status" };

    /// <summary>The INS to share, when the identity is qualified (see <see cref="GetShareableIns"/>).</summary>
    /// <param name="ins">The qualified INS, or <see langword="null"/>.</param>
    /// <returns>Whether the identity is qualified.</returns>
    public bool TryGetShareableIns([NotNullWhen(true)] out QualifiedIns? ins)
    {
        ins = Status == IdentityStatus.Qualifiee && _ins is not null && _ins.Oid.CanBeEmitted
            ? new QualifiedIns(_ins, Traits, UsedName, UsedFirstName)
            : null;
        return ins is not null;
    }

    /// <summary>A short description without personal data.</summary>
    /// <returns>The status and attributes.</returns>
    public override string ToString() => $"{Status.ToCode()} {Attributes}";

    private static void CheckSingle(IdentityAttributes attribute)
    {
        if (attribute is not (IdentityAttributes.Douteuse or IdentityAttributes.Fictive or IdentityAttributes.Homonyme))
        {
            throw new ArgumentException("Pass exactly one attribute.", nameof(attribute));
        }
    }

    private static void CheckAttributes(IdentityAttributes attributes)
    {
        if ((attributes & IdentityAttributes.Douteuse) != 0 && (attributes & IdentityAttributes.Fictive) != 0)
        {
            throw new SegurValidationException(InsErrorCodes.AttributesConflict, "An identity cannot be both doubtful and fictitious.") { Field = "attributes" };
        }

        if ((attributes & ~(IdentityAttributes.Douteuse | IdentityAttributes.Fictive | IdentityAttributes.Homonyme)) != 0)
        {
            throw StateInvalid("Unknown identity attribute.");
        }
    }

    private static SegurValidationException Forbidden(string message) =>
        new(InsErrorCodes.TransitionForbidden, message) { Field = "status" };

    private static SegurValidationException StateInvalid(string message) =>
        new(InsErrorCodes.RecordStateInvalid, message) { Field = "state" };

    private InsIdentifier RequireIns(InsIdentity retrieved)
    {
        var ins = retrieved.Ins ?? throw new SegurValidationException(InsErrorCodes.InsMissing, "The INSi answer carries no matricule INS and OID.") { Field = "ins" };
        CheckOid(ins.Oid);
        return ins;
    }

    private void CheckOid(InsOid oid)
    {
        if (!oid.CanBeEmitted)
        {
            throw new SegurValidationException(InsErrorCodes.OidNotAllowed, "The legacy INS-C OID cannot be attached to an identity.") { Field = "oid" };
        }

        if (!oid.IsProduction && !_options.AllowTestOids)
        {
            throw new SegurValidationException(InsErrorCodes.OidNotAllowed, $"The {oid.Kind} OID {oid.Value} is refused in production (set IdentityRecordOptions.AllowTestOids in test environments).") { Field = "oid" };
        }
    }

    private void Attach(InsIdentifier ins, InsIdentity retrieved)
    {
        if (_ins is not null && !_ins.Equals(ins))
        {
            _history.Insert(0, _ins);
        }

        _ins = ins;
        foreach (var h in retrieved.History)
        {
            if (!_history.Contains(h) && !h.Equals(ins))
            {
                _history.Add(h);
            }
        }
    }

    private void DropIns()
    {
        if (_ins is not null)
        {
            if (!_history.Contains(_ins))
            {
                _history.Insert(0, _ins);
            }

            _ins = null;
        }
    }
}
