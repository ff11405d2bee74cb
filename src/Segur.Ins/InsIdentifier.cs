namespace Segur.Ins;

/// <summary>An INS: a matricule INS and its OID, with the validity period INSi may give (INSACTIF, INSHISTO).</summary>
/// <remarks>Reading this value does not mean it may be shared: only a <see cref="QualifiedIns"/>, obtained from a
/// qualified <see cref="IdentityRecord"/>, may be exchanged or printed.</remarks>
public sealed class InsIdentifier : IEquatable<InsIdentifier>
{
    /// <summary>Creates an INS.</summary>
    /// <param name="matricule">The matricule INS.</param>
    /// <param name="oid">Its OID.</param>
    /// <param name="validFrom">Start of validity (<c>DateDeb</c>), when known.</param>
    /// <param name="validTo">End of validity (<c>DateFin</c>), when known.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matricule"/> or <paramref name="oid"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="validTo"/> is before <paramref name="validFrom"/>.</exception>
    public InsIdentifier(InsMatricule matricule, InsOid oid, DateOnly? validFrom = null, DateOnly? validTo = null)
    {
        ArgumentNullException.ThrowIfNull(matricule);
        ArgumentNullException.ThrowIfNull(oid);
        if (validFrom is { } from && validTo is { } to && to < from)
        {
            throw new ArgumentException("The end of validity is before its start.", nameof(validTo));
        }

        Matricule = matricule;
        Oid = oid;
        ValidFrom = validFrom;
        ValidTo = validTo;
    }

    /// <summary>The matricule INS.</summary>
    public InsMatricule Matricule { get; }

    /// <summary>The OID of the matricule.</summary>
    public InsOid Oid { get; }

    /// <summary>Start of validity (<c>DateDeb</c>), when known.</summary>
    public DateOnly? ValidFrom { get; }

    /// <summary>End of validity (<c>DateFin</c>), when known.</summary>
    public DateOnly? ValidTo { get; }

    /// <summary>Whether the same matricule and OID (validity dates ignored).</summary>
    /// <param name="other">The other INS.</param>
    /// <returns>Whether both designate the same INS.</returns>
    public bool Equals(InsIdentifier? other) => other is not null && Matricule.Equals(other.Matricule) && Oid == other.Oid;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as InsIdentifier);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Matricule, Oid);

    /// <summary>The matricule and OID as <c>matricule^^^&amp;oid&amp;ISO^NH</c> (HL7 v2 / XDS form). Personal data.</summary>
    /// <returns>The INS in CX form.</returns>
    public override string ToString() => $"{Matricule.Value}^^^&{Oid.Value}&ISO^NH";
}
