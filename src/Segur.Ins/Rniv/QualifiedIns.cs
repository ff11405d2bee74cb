namespace Segur.Ins;

/// <summary>
/// The INS of a qualified identity, ready to be shared: matricule, OID and the strict traits that must travel with
/// them. Only <see cref="IdentityRecord.GetShareableIns"/> creates it, and only when the record is
/// <see cref="IdentityStatus.Qualifiee"/>: APIs that exchange or print an INS (Datamatrix, documents, messages) take
/// this type, so an unqualified INS cannot reach them by mistake.
/// </summary>
public sealed class QualifiedIns
{
    internal QualifiedIns(InsIdentifier ins, InsTraits traits, string? usedName, string? usedFirstName)
    {
        Identifier = ins;
        Traits = traits;
        UsedName = usedName;
        UsedFirstName = usedFirstName;
    }

    /// <summary>The matricule INS and its OID.</summary>
    public InsIdentifier Identifier { get; }

    /// <summary>The matricule INS.</summary>
    public InsMatricule Matricule => Identifier.Matricule;

    /// <summary>The OID.</summary>
    public InsOid Oid => Identifier.Oid;

    /// <summary>The strict traits that travel with the INS.</summary>
    public InsTraits Traits { get; }

    /// <summary>The used name, when known.</summary>
    public string? UsedName { get; }

    /// <summary>The used first name, when known.</summary>
    public string? UsedFirstName { get; }

    /// <summary>The INS as an HL7 v2 / XDS CX value: <c>matricule^^^&amp;oid&amp;ISO^NH</c>. Personal data.</summary>
    /// <returns>The CX value.</returns>
    public override string ToString() => Identifier.ToString();
}
