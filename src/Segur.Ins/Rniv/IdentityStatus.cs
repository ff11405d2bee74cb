namespace Segur.Ins;

/// <summary>
/// The four exclusive RNIV identity statuses, derived from two facts: was the INS retrieved (or verified) through
/// INSi, and was a high-trust identity document checked.
/// </summary>
public enum IdentityStatus
{
    /// <summary>Identité provisoire (<c>PROV</c>): neither retrieved via INSi nor checked on a high-trust document.</summary>
    Provisoire,

    /// <summary>Identité récupérée (<c>RECUP</c>): retrieved via INSi, no high-trust document check.</summary>
    Recuperee,

    /// <summary>Identité validée (<c>VALI</c>): high-trust document checked, not retrieved via INSi.</summary>
    Validee,

    /// <summary>Identité qualifiée (<c>QUAL</c>): retrieved via INSi and checked on a high-trust document. Only this
    /// status lets the matricule INS and OID be shared or printed.</summary>
    Qualifiee,
}

/// <summary>RNIV identity attributes; they combine with a status.</summary>
[Flags]
public enum IdentityAttributes
{
    /// <summary>No attribute.</summary>
    None = 0,

    /// <summary>Identité douteuse: suspected wrong or borrowed identity. Forces <see cref="IdentityStatus.Provisoire"/>,
    /// invalidates the INS, forbids INSi calls. Cannot be combined with <see cref="Fictive"/>.</summary>
    Douteuse = 1,

    /// <summary>Identité fictive: deliberately fictitious (anonymous care, tests). Forces
    /// <see cref="IdentityStatus.Provisoire"/>, invalidates the INS, forbids INSi calls.</summary>
    Fictive = 2,

    /// <summary>Identité homonyme: another person shares close traits. No effect on the status.</summary>
    Homonyme = 4,
}

/// <summary>Codes of the RNIV statuses as FHIR and interoperability specifications write them.</summary>
public static class IdentityStatusCode
{
    /// <summary>The code of a status: <c>PROV</c>, <c>RECUP</c>, <c>VALI</c> or <c>QUAL</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public static string ToCode(this IdentityStatus status) => status switch
    {
        IdentityStatus.Provisoire => "PROV",
        IdentityStatus.Recuperee => "RECUP",
        IdentityStatus.Validee => "VALI",
        IdentityStatus.Qualifiee => "QUAL",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
