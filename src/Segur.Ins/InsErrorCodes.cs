namespace Segur.Ins;

/// <summary>Stable error codes of Segur.Ins (<c>SGR-2000</c> to <c>SGR-2999</c>). A code is never reused.</summary>
/// <remarks>
/// Sub-ranges: 2000–2019 matricule and OID; 2020–2039 strict traits; 2040–2059 RNIV statuses and records;
/// 2060–2079 INS Datamatrix content; 2080–2099 Data Matrix symbols; 2100 and up: INSi client and Sentinelle.
/// </remarks>
public static partial class InsErrorCodes
{
    /// <summary>The matricule INS is empty.</summary>
    public const string MatriculeEmpty = "SGR-2001";

    /// <summary>The matricule INS does not have 13 characters (without key) or 15 characters (with key).</summary>
    public const string MatriculeLength = "SGR-2002";

    /// <summary>The matricule INS holds a character or a structure a NIR/NIA cannot have (sex digit, Corsican
    /// département <c>2A</c>/<c>2B</c>, digits elsewhere).</summary>
    public const string MatriculeStructure = "SGR-2003";

    /// <summary>The two-digit key of the matricule INS is wrong (97 − number mod 97, with 2A/2B substitution).</summary>
    public const string MatriculeKey = "SGR-2004";

    /// <summary>The OID is not one of the INS OIDs (<c>1.2.250.1.213.1.4.8</c>, <c>.9</c>, <c>.10</c>, <c>.11</c>, legacy <c>.2</c>).</summary>
    public const string OidUnknown = "SGR-2010";

    /// <summary>The OID is known but not allowed here (test or demonstration OID in production, legacy INS-C emitted).</summary>
    public const string OidNotAllowed = "SGR-2011";

    /// <summary>A strict trait is missing (birth name, first names, sex or birth date).</summary>
    public const string TraitMissing = "SGR-2020";

    /// <summary>A strict trait holds characters or character sequences the RNIV rules forbid.</summary>
    public const string TraitCharacters = "SGR-2021";

    /// <summary>A strict trait is longer than allowed.</summary>
    public const string TraitTooLong = "SGR-2022";

    /// <summary>The first given name does not match the start of the given-name list.</summary>
    public const string FirstNameMismatch = "SGR-2023";

    /// <summary>The sex is not <c>M</c> or <c>F</c>.</summary>
    public const string SexInvalid = "SGR-2024";

    /// <summary>The birth date is not a valid date (or not in the expected format).</summary>
    public const string BirthDateInvalid = "SGR-2025";

    /// <summary>The birth place is not a 5-character COG code.</summary>
    public const string BirthPlaceInvalid = "SGR-2026";

    /// <summary>The requested RNIV status transition is not allowed from the record's current state.</summary>
    public const string TransitionForbidden = "SGR-2040";

    /// <summary>The identity is not qualified: its matricule and OID may not be shared, nor a Datamatrix printed.</summary>
    public const string NotQualified = "SGR-2041";

    /// <summary>INSi may not be called for a doubtful or fictitious identity.</summary>
    public const string InsiForbidden = "SGR-2042";

    /// <summary>The attributes conflict (an identity cannot be both doubtful and fictitious).</summary>
    public const string AttributesConflict = "SGR-2043";

    /// <summary>The identity check (high-trust document) is invalid: unknown validation mode or missing evidence.</summary>
    public const string IdentityCheckInvalid = "SGR-2044";

    /// <summary>A persisted identity record state breaks the RNIV invariants (for example QUAL without an INS).</summary>
    public const string RecordStateInvalid = "SGR-2045";

    /// <summary>The identity handed over carries no matricule INS and OID.</summary>
    public const string InsMissing = "SGR-2046";

    /// <summary>The INS Datamatrix content is empty.</summary>
    public const string DatamatrixEmpty = "SGR-2060";

    /// <summary>The INS Datamatrix content does not start with the header <c>IS01</c> followed by 22 zeros.</summary>
    public const string DatamatrixHeader = "SGR-2061";

    /// <summary>The INS Datamatrix content holds an unknown, repeated or unreadable field identifier.</summary>
    public const string DatamatrixField = "SGR-2062";

    /// <summary>A mandatory INS Datamatrix field (S1 to S6) is missing.</summary>
    public const string DatamatrixFieldMissing = "SGR-2063";

    /// <summary>An INS Datamatrix field has the wrong length or is empty.</summary>
    public const string DatamatrixFieldLength = "SGR-2064";

    /// <summary>A value cannot be written in an INS Datamatrix (character outside the allowed set).</summary>
    public const string DatamatrixValue = "SGR-2065";

    /// <summary>The data does not fit in the largest Data Matrix symbol (144×144).</summary>
    public const string SymbolCapacityExceeded = "SGR-2080";

    /// <summary>The data holds a character the Data Matrix encoder does not support (only ASCII 0–127).</summary>
    public const string SymbolCharacters = "SGR-2081";
}
