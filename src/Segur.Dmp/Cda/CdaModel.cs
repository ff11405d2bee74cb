namespace Segur.Dmp.Cda;

/// <summary>A coded value (HL7 CD/CE): code, code system OID and display name.</summary>
/// <param name="Code">The code, for example <c>11502-2</c>.</param>
/// <param name="CodeSystem">The code system OID, for example <c>2.16.840.1.113883.6.1</c> (LOINC).</param>
/// <param name="DisplayName">The label; when null the builder takes it from the CI-SIS value set when it knows one.</param>
public sealed record CdaCode(string Code, string CodeSystem, string? DisplayName = null)
{
    /// <summary>The LOINC code system OID, <c>2.16.840.1.113883.6.1</c>.</summary>
    public const string Loinc = "2.16.840.1.113883.6.1";

    /// <summary>Creates a LOINC code (document type codes of JDV_J07).</summary>
    /// <param name="code">The LOINC code, for example <c>11488-4</c>.</param>
    /// <param name="displayName">The label, or null to take it from the value set.</param>
    /// <returns>The code.</returns>
    public static CdaCode FromLoinc(string code, string? displayName = null) => new(code, Loinc, displayName);
}

/// <summary>The patient's administrative sex (JDV_J143-AdministrativeGender-CISIS, code system 2.16.840.1.113883.5.1).</summary>
public enum CdaAdministrativeGender
{
    /// <summary>Female, code <c>F</c>.</summary>
    Female,

    /// <summary>Male, code <c>M</c>.</summary>
    Male,

    /// <summary>Undifferentiated, code <c>UN</c>.</summary>
    Undifferentiated,
}

/// <summary>The document confidentiality (HL7 Confidentiality, 2.16.840.1.113883.5.25, restricted to JDV_J08).
/// DMP visibility flags (MASQUE_PS…) are XDS metadata, never CDA.</summary>
public enum CdaConfidentiality
{
    /// <summary>Normal, <c>N</c> (the default).</summary>
    Normal,

    /// <summary>Restricted, <c>R</c>.</summary>
    Restricted,

    /// <summary>Very restricted, <c>V</c>.</summary>
    VeryRestricted,
}

/// <summary>How a document relates to an earlier one (CDA <c>relatedDocument/@typeCode</c>).</summary>
public enum CdaRelationType
{
    /// <summary><c>RPLC</c>: this document is a new version replacing its parent (same set id, version + 1).</summary>
    Replace,

    /// <summary><c>XFRM</c>: this document is a transformation of its parent (for example the N3 of an N1).</summary>
    Transform,
}

/// <summary>A relation to a parent document (<c>relatedDocument/parentDocument</c>).</summary>
/// <param name="Type">RPLC or XFRM.</param>
/// <param name="ParentDocumentId">The parent's document id (bare OID).</param>
/// <param name="ParentSetId">The parent's set id, when known.</param>
/// <param name="ParentVersionNumber">The parent's version number, when known.</param>
public sealed record CdaRelatedDocument(CdaRelationType Type, string ParentDocumentId, string? ParentSetId = null, int? ParentVersionNumber = null);

/// <summary>The identity of one version of a document: id, set id and version number.</summary>
/// <param name="DocumentId">The document id (bare OID, unique per version).</param>
/// <param name="SetId">The set id shared by every version.</param>
/// <param name="VersionNumber">The version number, 1 for the first.</param>
public sealed record CdaDocumentReference(string DocumentId, string SetId, int VersionNumber);

/// <summary>
/// The patient of a CDA document: the qualified INS and its strict traits, as CI-SIS requires them with an INS.
/// </summary>
/// <remarks>
/// Build it from a <b>qualified</b> identity only (<see cref="FromQualifiedIns"/>, <see cref="FromDmpPatient"/>);
/// never from traits returned by the DMP. <see cref="ToString"/> redacts everything.
/// </remarks>
public sealed partial record CdaPatient
{
    /// <summary>The INS matricule: 15 characters (NIR or NIA with its 2-digit key), for example <c>279035121518989</c>.</summary>
    public required string Ins { get; init; }

    /// <summary>The INS authority OID: <c>1.2.250.1.213.1.4.8</c> (INS-NIR), <c>.9</c> (INS-NIA), <c>.10</c> (test),
    /// <c>.11</c> (demonstration).</summary>
    public required string InsOid { get; init; }

    /// <summary>The birth name (<c>family qualifier="BR"</c>).</summary>
    public required string BirthName { get; init; }

    /// <summary>All birth first names, in order; the first one is the first birth first name.</summary>
    public required IReadOnlyList<string> FirstNames { get; init; }

    /// <summary>The used name (<c>family qualifier="CL"</c>), optional.</summary>
    public string? UsedName { get; init; }

    /// <summary>The used first name (<c>given qualifier="CL"</c>), optional.</summary>
    public string? UsedFirstName { get; init; }

    /// <summary>The administrative sex.</summary>
    public required CdaAdministrativeGender Sex { get; init; }

    /// <summary>The birth date (<c>birthTime</c>, <c>AAAAMMJJ</c>).</summary>
    public required DateOnly BirthDate { get; init; }

    /// <summary>The birth place INSEE COG code (5 characters, <c>99xxx</c> abroad). CI-SIS requires it with an INS;
    /// the builder warns when it is missing.</summary>
    public string? BirthPlaceCode { get; init; }

    /// <summary>Other patient ids written after the INS (for example the IPP with the establishment's OID as root).</summary>
    public IReadOnlyList<CdaInstanceId> LocalIds { get; init; } = [];

    /// <summary>Returns a redacted description; patient data never reach logs this way.</summary>
    /// <returns><c>CdaPatient { [redacted] }</c>.</returns>
    public override string ToString() => "CdaPatient { [redacted] }";
}

/// <summary>An HL7 instance identifier (II): a root OID and an optional extension.</summary>
/// <param name="Root">The root OID.</param>
/// <param name="Extension">The extension, or null for a bare OID.</param>
public sealed record CdaInstanceId(string Root, string? Extension = null);

/// <summary>Kinds of structure identifiers (Struct_IdNat), each with its one-character prefix.</summary>
public enum CdaOrganizationIdType
{
    /// <summary>FINESS (9 characters), prefix <c>1</c>.</summary>
    Finess,

    /// <summary>SIREN (9 digits), prefix <c>2</c>.</summary>
    Siren,

    /// <summary>SIRET (14 digits), prefix <c>3</c>.</summary>
    Siret,

    /// <summary>RPPS-rang (RPPS of the professional + rank), prefix <c>4</c>.</summary>
    RppsRang,
}

/// <summary>An organisation (author's organisation, custodian): national structure id (Struct_IdNat under
/// root <c>1.2.250.1.71.4.2.2</c>) and name.</summary>
public sealed record CdaOrganization
{
    /// <summary>The kind of <see cref="Identifier"/>.</summary>
    public required CdaOrganizationIdType IdType { get; init; }

    /// <summary>The identifier without its type prefix (for example the 9-character FINESS).</summary>
    public required string Identifier { get; init; }

    /// <summary>The organisation's name.</summary>
    public required string Name { get; init; }

    /// <summary>A telecom URI (<c>tel:…</c>, <c>mailto:…</c>), optional; written with <c>use="WP"</c>.</summary>
    public string? Telecom { get; init; }

    /// <summary>The Struct_IdNat: prefix + identifier, for example <c>1</c> + FINESS.</summary>
    public string StructIdNat => IdType switch
    {
        CdaOrganizationIdType.Finess => "1",
        CdaOrganizationIdType.Siren => "2",
        CdaOrganizationIdType.Siret => "3",
        _ => "4",
    } + Identifier;
}

/// <summary>A health professional (author, legal authenticator, vaccinator).</summary>
public sealed record CdaAuthor
{
    /// <summary>The PS_IdNat: <c>8</c> + RPPS (11 digits) or <c>0</c> + ADELI (9 characters), under root
    /// <c>1.2.250.1.71.4.2.1</c>.</summary>
    public required string PsIdNat { get; init; }

    /// <summary>The family name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>The first name, optional.</summary>
    public string? GivenName { get; init; }

    /// <summary>A name prefix (<c>M</c>, <c>MME</c>), optional.</summary>
    public string? Prefix { get; init; }

    /// <summary>A name suffix (<c>DR</c>, <c>PR</c>), optional.</summary>
    public string? Suffix { get; init; }

    /// <summary>The profession / specialty (JDV_J01-XdsAuthorSpecialty-CISIS), for example <c>G15_21</c> (pharmacien)
    /// in 1.2.250.1.213.1.1.4.5.</summary>
    public required CdaCode Specialty { get; init; }

    /// <summary>The organisation the professional acts for (<c>representedOrganization</c>).</summary>
    public required CdaOrganization Organization { get; init; }

    /// <summary>When the professional authored the document; null means the document's effective time.</summary>
    public DateTimeOffset? Time { get; init; }
}

/// <summary>The CDA header shared by N1 and N3 documents (CI-SIS structuration minimale).</summary>
/// <remarks>Use <see cref="AsReplacementOf"/> for a new version (RPLC) and <see cref="AsTransformationOf"/> for an
/// XFRM (for example the N3 version of an N1).</remarks>
public sealed record CdaHeader
{
    /// <summary>The patient, with a qualified INS.</summary>
    public required CdaPatient Patient { get; init; }

    /// <summary>The author.</summary>
    public required CdaAuthor Author { get; init; }

    /// <summary>The legal authenticator; null means the author, at the author's time.</summary>
    public CdaAuthor? LegalAuthenticator { get; init; }

    /// <summary>The custodian organisation; null means the author's organisation.</summary>
    public CdaOrganization? Custodian { get; init; }

    /// <summary>The document type (<c>code</c>, JDV_J07-XdsTypeCode-CISIS), for example LOINC <c>11488-4</c>.</summary>
    public required CdaCode TypeCode { get; init; }

    /// <summary>The title, at most 128 characters.</summary>
    public required string Title { get; init; }

    /// <summary>The creation time; null means now (the builder's <see cref="TimeProvider"/>, local offset).</summary>
    public DateTimeOffset? EffectiveTime { get; init; }

    /// <summary>The confidentiality.</summary>
    /// <value>Default: <see cref="CdaConfidentiality.Normal"/>.</value>
    public CdaConfidentiality Confidentiality { get; init; } = CdaConfidentiality.Normal;

    /// <summary>The document id (bare OID); null means a new <c>2.25.&lt;uuid&gt;</c> OID.</summary>
    public string? DocumentId { get; init; }

    /// <summary>The set id (bare OID); null means a new <c>2.25.&lt;uuid&gt;</c> OID.</summary>
    public string? SetId { get; init; }

    /// <summary>The version number.</summary>
    /// <value>Default: 1.</value>
    public int VersionNumber { get; init; } = 1;

    /// <summary>The relation to a parent document (RPLC or XFRM), optional.</summary>
    public CdaRelatedDocument? RelatedDocument { get; init; }

    /// <summary>The main act (<c>documentationOf/serviceEvent/code</c>), optional.</summary>
    public CdaCode? ServiceEventCode { get; init; }

    /// <summary>When the documented act started; null means the effective time.</summary>
    public DateTimeOffset? ServiceStartTime { get; init; }

    /// <summary>When the documented act ended, optional.</summary>
    public DateTimeOffset? ServiceStopTime { get; init; }

    /// <summary>The practice setting (cadre d'exercice, JDV_J04): XDS practiceSettingCode.</summary>
    /// <value>Default: <c>AMBULATOIRE</c> (1.2.250.1.213.1.1.4.9).</value>
    public CdaCode PracticeSetting { get; init; } = new("AMBULATOIRE", "1.2.250.1.213.1.1.4.9");

    /// <summary>The healthcare facility type (secteur d'activité, JDV_J02): XDS healthcareFacilityTypeCode.</summary>
    /// <value>Default: <c>SA33</c> Pharmacie d'officine (1.2.250.1.71.4.2.4).</value>
    public CdaCode HealthcareFacilityType { get; init; } = new("SA33", "1.2.250.1.71.4.2.4");

    /// <summary>The language of the document.</summary>
    /// <value>Default: <c>fr-FR</c>.</value>
    public string LanguageCode { get; init; } = "fr-FR";

    /// <summary>Returns this header as a new version replacing <paramref name="previous"/>: a new document id, the
    /// same set id, version + 1 and <c>relatedDocument typeCode="RPLC"</c> to the previous id.</summary>
    /// <param name="previous">The version being replaced (from a build result or a read document).</param>
    /// <returns>A new header.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="previous"/> is null.</exception>
    public CdaHeader AsReplacementOf(CdaDocumentReference previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return this with
        {
            DocumentId = null,
            SetId = previous.SetId,
            VersionNumber = previous.VersionNumber + 1,
            RelatedDocument = new CdaRelatedDocument(CdaRelationType.Replace, previous.DocumentId, previous.SetId, previous.VersionNumber),
        };
    }

    /// <summary>Returns this header as a transformation of <paramref name="source"/> (for example the N3 version of an
    /// N1): a new document id and set id, version 1, and <c>relatedDocument typeCode="XFRM"</c> to the source.</summary>
    /// <param name="source">The source document.</param>
    /// <returns>A new header.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    public CdaHeader AsTransformationOf(CdaDocumentReference source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return this with
        {
            DocumentId = null,
            SetId = null,
            VersionNumber = 1,
            RelatedDocument = new CdaRelatedDocument(CdaRelationType.Transform, source.DocumentId, source.SetId, source.VersionNumber),
        };
    }
}
