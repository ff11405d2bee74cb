namespace Segur.Dmp.Cda;

/// <summary>The level of a CDA document, from its body.</summary>
public enum CdaDocumentLevel
{
    /// <summary>N1: an unstructured content (PDF…) in <c>nonXMLBody</c>.</summary>
    N1,

    /// <summary>N3: a <c>structuredBody</c> (sections and coded entries).</summary>
    N3,
}

/// <summary>The patient of a received CDA: INS and traits as written in the document.</summary>
/// <remarks>These traits are the sender's; never overwrite a qualified local identity with them. <see cref="ToString"/>
/// redacts everything.</remarks>
public sealed class CdaPatientInfo
{
    internal CdaPatientInfo()
    {
    }

    /// <summary>The INS matricule: the first <c>patientRole/id</c> whose root is an INS OID, or null.</summary>
    public string? Ins { get; internal init; }

    /// <summary>The INS OID (<c>1.2.250.1.213.1.4.8</c>, <c>.9</c>, <c>.10</c>, <c>.11</c>), or null.</summary>
    public string? InsOid { get; internal init; }

    /// <summary>Every <c>patientRole/id</c>, INS first when present.</summary>
    public IReadOnlyList<CdaInstanceId> Ids { get; internal init; } = [];

    /// <summary>The birth name (<c>family qualifier="BR"</c>), or null.</summary>
    public string? BirthName { get; internal init; }

    /// <summary>The birth first names (<c>given</c> without qualifier, split on spaces).</summary>
    public IReadOnlyList<string> FirstNames { get; internal init; } = [];

    /// <summary>The first birth first name (<c>given qualifier="BR"</c>), or null.</summary>
    public string? FirstBirthFirstName { get; internal init; }

    /// <summary>The used name (<c>family qualifier="CL"</c>), or null.</summary>
    public string? UsedName { get; internal init; }

    /// <summary>The used first name (<c>given qualifier="CL"</c>), or null.</summary>
    public string? UsedFirstName { get; internal init; }

    /// <summary>The administrative sex code (<c>F</c>, <c>M</c>, <c>U</c>/<c>UN</c>), or null.</summary>
    public string? SexCode { get; internal init; }

    /// <summary>The birth date, or null when absent or not a full date.</summary>
    public DateOnly? BirthDate { get; internal init; }

    /// <summary>The birth place COG code (<c>birthplace/place/addr/county</c>), or null.</summary>
    public string? BirthPlaceCode { get; internal init; }

    /// <summary>Returns a redacted description.</summary>
    /// <returns><c>CdaPatientInfo { [redacted] }</c>.</returns>
    public override string ToString() => "CdaPatientInfo { [redacted] }";
}

/// <summary>An author of a received CDA.</summary>
public sealed class CdaAuthorInfo
{
    internal CdaAuthorInfo()
    {
    }

    /// <summary>The author id (<c>1.2.250.1.71.4.2.1</c> + PS_IdNat for a professional), or null.</summary>
    public CdaInstanceId? Id { get; internal init; }

    /// <summary>The family name, or null (device authors have none).</summary>
    public string? FamilyName { get; internal init; }

    /// <summary>The first name, or null.</summary>
    public string? GivenName { get; internal init; }

    /// <summary>The profession / specialty code, or null.</summary>
    public CdaCode? Specialty { get; internal init; }

    /// <summary>The organisation id (<c>1.2.250.1.71.4.2.2</c> + Struct_IdNat), or null.</summary>
    public CdaInstanceId? OrganizationId { get; internal init; }

    /// <summary>The organisation name, or null.</summary>
    public string? OrganizationName { get; internal init; }

    /// <summary>When the author wrote the document, or null.</summary>
    public DateTimeOffset? Time { get; internal init; }
}

/// <summary>What <see cref="CdaReader"/> found in a CDA R2 document: header, patient, authors, relations and body.</summary>
public sealed class CdaDocumentInfo
{
    internal CdaDocumentInfo()
    {
    }

    /// <summary>N1 or N3.</summary>
    public CdaDocumentLevel Level { get; internal init; }

    /// <summary>The declared template ids, in order.</summary>
    public IReadOnlyList<CdaInstanceId> TemplateIds { get; internal init; } = [];

    /// <summary>The document id. The DMP requires a bare root; <see cref="CdaInstanceId.Extension"/> is kept when present.</summary>
    public CdaInstanceId Id { get; internal init; } = null!;

    /// <summary>The set id, or null.</summary>
    public CdaInstanceId? SetId { get; internal init; }

    /// <summary>The version number, or null.</summary>
    public int? VersionNumber { get; internal init; }

    /// <summary>The id, set id and version as a reference for <see cref="CdaHeader.AsReplacementOf"/>, when the document
    /// has bare-OID ids, a set id and a version number; otherwise null.</summary>
    public CdaDocumentReference? Reference =>
        Id.Extension is null && SetId is { Extension: null } set && VersionNumber is { } version
            ? new CdaDocumentReference(Id.Root, set.Root, version)
            : null;

    /// <summary>The document type (<c>code</c>).</summary>
    public CdaCode TypeCode { get; internal init; } = null!;

    /// <summary>The title, or null.</summary>
    public string? Title { get; internal init; }

    /// <summary>The creation time. Without an offset in the document, the time is taken as UTC.</summary>
    public DateTimeOffset EffectiveTime { get; internal init; }

    /// <summary>The confidentiality code (<c>N</c>, <c>R</c>, <c>V</c>), or null.</summary>
    public string? ConfidentialityCode { get; internal init; }

    /// <summary>The language code, or null.</summary>
    public string? LanguageCode { get; internal init; }

    /// <summary>The patient.</summary>
    public CdaPatientInfo Patient { get; internal init; } = null!;

    /// <summary>The authors (at least one in a conformant document).</summary>
    public IReadOnlyList<CdaAuthorInfo> Authors { get; internal init; } = [];

    /// <summary>The custodian organisation id, or null.</summary>
    public CdaInstanceId? CustodianId { get; internal init; }

    /// <summary>The legal authenticator (id, name, time; no organisation or specialty unless written), or null.</summary>
    public CdaAuthorInfo? LegalAuthenticator { get; internal init; }

    /// <summary>The practice setting (first serviceEvent performer's <c>standardIndustryClassCode</c>), or null.</summary>
    public CdaCode? PracticeSetting { get; internal init; }

    /// <summary>The healthcare facility type (<c>healthCareFacility/code</c>), or null.</summary>
    public CdaCode? HealthcareFacilityType { get; internal init; }

    /// <summary>The first serviceEvent's start, or null.</summary>
    public DateTimeOffset? ServiceStartTime { get; internal init; }

    /// <summary>The first serviceEvent's end, or null.</summary>
    public DateTimeOffset? ServiceStopTime { get; internal init; }

    /// <summary>The RPLC or XFRM relation to a parent document, or null.</summary>
    public CdaRelatedDocument? RelatedDocument { get; internal init; }

    /// <summary>The body media type: the N1 <c>nonXMLBody/text/@mediaType</c>, or for an N3 with a PDF copy
    /// (FR-Document-PDF-copie) <c>application/pdf</c>; null for an N3 without one.</summary>
    public string? BodyMediaType { get; internal init; }

    /// <summary>The decoded body (the PDF) when read into memory; empty when it was streamed to a caller's stream or
    /// when there is none.</summary>
    public ReadOnlyMemory<byte> Body { get; internal init; }

    /// <summary>The decoded body size in bytes (also when streamed).</summary>
    public long BodyLength { get; internal init; }
}
