using Segur.Dmp.Cda;
using Segur.Identifiers;

namespace Segur.Dmp.Client;

/// <summary>The VIHF <c>Authentification_Mode</c>: how the user is authenticated towards the DMP.</summary>
public enum DmpAuthenticationMode
{
    /// <summary><c>DIRECTE</c>: the professional's CPS/CPE card authenticates TLS and signs the VIHF.</summary>
    Direct,

    /// <summary><c>INDIRECTE</c>: the structure's ORG certificates; the user authenticated locally.</summary>
    Indirect,

    /// <summary><c>INDIRECTE_RENFORCEE</c> (AIR): indirect, with the user's strong authentication declared.</summary>
    IndirectReinforced,
}

/// <summary>The access mode (VIHF <c>purposeofuse</c>, TRE_R248).</summary>
public enum DmpAccessMode
{
    /// <summary><c>normal</c>.</summary>
    Normal,

    /// <summary><c>bris_de_glace</c>: emergency access; a reason is required and audited locally.</summary>
    BreakGlass,

    /// <summary><c>centre_15</c>: SAMU regulation; a reason is required and audited locally.</summary>
    Centre15,
}

/// <summary>A VIHF role (JDV_J65): code and code system, e.g. <c>21</c> in G15 (pharmacien) and <c>G15_21</c>…</summary>
/// <param name="Code">The code.</param>
/// <param name="CodeSystem">The code system OID.</param>
/// <param name="DisplayName">The label, or null.</param>
public sealed record DmpRole(string Code, string CodeSystem, string? DisplayName = null);

/// <summary>Who calls the DMP and how: the input of every VIHF token.</summary>
public sealed record DmpUserContext
{
    /// <summary>The authentication mode.</summary>
    public required DmpAuthenticationMode Mode { get; init; }

    /// <summary>The user's national identifier (PS_IdNat; for an automate, the responsible person).</summary>
    public required ProfessionalIdentifier User { get; init; }

    /// <summary>The user's family name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>The user's given name.</summary>
    public string? GivenName { get; init; }

    /// <summary>The structure's national identifier (Struct_IdNat).</summary>
    public required OrganizationIdentifier Structure { get; init; }

    /// <summary>1 or 2 roles (profession, then specialty for physicians and pharmacists).</summary>
    public required IReadOnlyList<DmpRole> Roles { get; init; }

    /// <summary>The activity sector (JDV_J61), e.g. <c>SA33</c> in 1.2.250.1.71.4.2.4.</summary>
    public CdaCode ActivitySector { get; init; } = new("SA33", "1.2.250.1.71.4.2.4");

    /// <summary>The access mode.</summary>
    public DmpAccessMode AccessMode { get; init; } = DmpAccessMode.Normal;

    /// <summary>The reason for break-glass or centre-15 access (required then; audited locally, not sent).</summary>
    public string? AccessReason { get; init; }

    /// <summary>A minor's secret connection: only documents invisible to legal representatives may be sent.</summary>
    public bool SecretConnection { get; init; }

    /// <summary>When the user authenticated locally (VIHF <c>AuthnInstant</c>).</summary>
    public DateTimeOffset? AuthenticationInstant { get; init; }

    /// <summary>The VIHF <c>AuthnContextClassRef</c>: how the user really authenticated (e.g.
    /// <c>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</c>, <c>…:Password</c>). <see langword="null"/> uses the
    /// client's default for the mode (<c>VihfOptions.DirectAuthenticationContextClass</c> /
    /// <c>IndirectAuthenticationContextClass</c>).</summary>
    public string? AuthenticationContextClass { get; init; }

    /// <summary>For <see cref="DmpAuthenticationMode.IndirectReinforced"/>: the AuthnContextDecl value (no public
    /// default; the integrator chooses).</summary>
    public string? AuthenticationContextDeclaration { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"DmpUserContext {{ Mode = {Mode}, AccessMode = {AccessMode} }}";
}

/// <summary>TD0.3 actions.</summary>
public enum DmpAuthorizationAction
{
    /// <summary><c>AJOUT</c>.</summary>
    Add,

    /// <summary>Removal (value configurable: not public).</summary>
    Remove,
}

/// <summary>The DMP state of a patient.</summary>
public enum DmpState
{
    /// <summary>No DMP.</summary>
    NotFound,

    /// <summary>Active DMP.</summary>
    Active,

    /// <summary>Closed DMP.</summary>
    Closed,
}

/// <summary>The user's authorisation on a DMP (TD0.2 <c>AUTORISATION</c>).</summary>
public enum DmpAuthorization
{
    /// <summary><c>NON_EXISTE</c>.</summary>
    None,

    /// <summary><c>VALIDE</c>.</summary>
    Valid,

    /// <summary><c>EXPIRE</c>.</summary>
    Expired,

    /// <summary><c>INTERDIT</c>: the patient blocked this professional.</summary>
    Forbidden,
}

/// <summary>The TD0.2 answer.</summary>
public sealed record DmpPatientStatus
{
    /// <summary>The DMP state.</summary>
    public required DmpState State { get; init; }

    /// <summary>The user's authorisation.</summary>
    public required DmpAuthorization Authorization { get; init; }

    /// <summary>Whether the user is the patient's médecin traitant.</summary>
    public bool IsTreatingPhysician { get; init; }

    /// <summary>Whether the patient opened their Mon espace santé account (<c>RATTACHEMENT_ENS</c>).</summary>
    public bool AttachedToMonEspaceSante { get; init; }

    /// <summary>Whether the patient's internet account is open (<c>COMPTE_INTERNET_OUVERT</c>).</summary>
    public bool InternetAccountOpen { get; init; }

    /// <summary>The patient's oppositions held by the DMP (e.g. <c>OPPOSITION_BRIS_DE_GLACE</c>).</summary>
    public IReadOnlyList<string> Oppositions { get; init; } = [];

    /// <summary>When the DMP was closed, when it is.</summary>
    public DateOnly? ClosedOn { get; init; }
}

/// <summary>TD0.4 query.</summary>
/// <param name="Kind">Which list.</param>
/// <param name="Since">Lower bound date.</param>
public sealed record DmpPatientListQuery(DmpPatientListKind Kind, DateOnly Since);

/// <summary>TD0.4 list kinds.</summary>
public enum DmpPatientListKind
{
    /// <summary><c>LASTAUTORIZATION</c>.</summary>
    LastAuthorization,

    /// <summary><c>LASTDOC</c>.</summary>
    LastDocument,
}

/// <summary>One TD0.4 entry.</summary>
/// <param name="Ins">The patient's INS (CX).</param>
/// <param name="FamilyName">The patient's family name as returned.</param>
/// <param name="GivenName">The given name as returned.</param>
/// <param name="Date">The authorisation or last document date.</param>
public sealed record DmpPatientListEntry(string Ins, string? FamilyName, string? GivenName, DateTimeOffset? Date);

/// <summary>TD0.5 search traits.</summary>
public sealed record DmpPatientSearch
{
    /// <summary>The family name.</summary>
    public required string FamilyName { get; init; }

    /// <summary>The given name, or null.</summary>
    public string? GivenName { get; init; }

    /// <summary>The birth date, or null.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>The sex (<c>M</c>/<c>F</c>), or null.</summary>
    public string? Sex { get; init; }

    /// <summary>The postal code, or null.</summary>
    public string? PostalCode { get; init; }
}

/// <summary>One TD0.5 candidate.</summary>
/// <param name="Ins">The INS (CX).</param>
/// <param name="FamilyName">Family name.</param>
/// <param name="GivenName">Given name.</param>
/// <param name="BirthDate">Birth date.</param>
/// <param name="Sex">Sex.</param>
public sealed record DmpPatientCandidate(string Ins, string FamilyName, string? GivenName, DateOnly? BirthDate, string? Sex);

/// <summary>One CDA document to feed.</summary>
public sealed record DmpDocument
{
    /// <summary>The exact CDA bytes to send (UTF-8 XML).</summary>
    public required ReadOnlyMemory<byte> Cda { get; init; }

    /// <summary>The classCode (ASS_X04), e.g. <c>10</c> in 1.2.250.1.213.1.1.4.1.</summary>
    public required CdaCode ClassCode { get; init; }

    /// <summary>The formatCode; required for an N3, derived for an N1 when null.</summary>
    public CdaCode? FormatCode { get; init; }

    /// <summary>Visibility flags.</summary>
    public DmpVisibility Visibility { get; init; }

    /// <summary>The entryUUID of the version this document replaces (RPLC), or null.</summary>
    public string? ReplacesEntryUuid { get; init; }
}

/// <summary>A TD2.1 submission: one patient, one or more documents.</summary>
public sealed record DmpSubmission
{
    /// <summary>The patient.</summary>
    public required DmpPatient Patient { get; init; }

    /// <summary>The documents.</summary>
    public required IReadOnlyList<DmpDocument> Documents { get; init; }

    /// <summary>The submission set contentTypeCode (JDV_J59), or null for the default.</summary>
    public CdaCode? ContentTypeCode { get; init; }

    /// <summary>The submission set title, or null.</summary>
    public string? Title { get; init; }
}

/// <summary>The identifiers the DMP assigned to a submission.</summary>
/// <param name="SubmissionSetUniqueId">The set's uniqueId.</param>
/// <param name="Documents">Per document: uniqueId and entryUUID.</param>
public sealed record DmpSubmissionResult(string SubmissionSetUniqueId, IReadOnlyList<DmpSubmittedDocument> Documents);

/// <summary>One submitted document.</summary>
/// <param name="UniqueId">The uniqueId (CDA id).</param>
/// <param name="EntryUuid">The entryUUID, when the DMP's answer names it; otherwise null. The DMP assigns its own
/// entryUUIDs (the ids in the request are only used inside the message): read it with
/// <see cref="IDmpClient.GetDocumentAsync"/> when it is needed, e.g. to replace or update the document.</param>
public sealed record DmpSubmittedDocument(string UniqueId, string? EntryUuid);

/// <summary>XDS availability statuses.</summary>
public enum DmpDocumentStatus
{
    /// <summary><c>Approved</c>.</summary>
    Approved,

    /// <summary><c>Deprecated</c> (replaced).</summary>
    Deprecated,

    /// <summary><c>Archived</c>.</summary>
    Archived,

    /// <summary><c>Deleted</c>.</summary>
    Deleted,
}

/// <summary>A DocumentEntry as returned by TD3.1.</summary>
public sealed record DmpDocumentEntry
{
    /// <summary>The entryUUID (changes with each metadata version).</summary>
    public required string EntryUuid { get; init; }

    /// <summary>The logical id (<c>lid</c>).</summary>
    public string? LogicalId { get; init; }

    /// <summary>The metadata version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The uniqueId (CDA id).</summary>
    public required string UniqueId { get; init; }

    /// <summary>The repositoryUniqueId.</summary>
    public required string RepositoryUniqueId { get; init; }

    /// <summary>The status.</summary>
    public required DmpDocumentStatus Status { get; init; }

    /// <summary>The typeCode.</summary>
    public CdaCode? TypeCode { get; init; }

    /// <summary>The classCode.</summary>
    public CdaCode? ClassCode { get; init; }

    /// <summary>The formatCode.</summary>
    public CdaCode? FormatCode { get; init; }

    /// <summary>The title.</summary>
    public string? Title { get; init; }

    /// <summary>The creation time (UTC).</summary>
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>The submission time (UTC), when returned.</summary>
    public DateTimeOffset? SubmissionTime { get; init; }

    /// <summary>The author's PS_IdNat, when returned.</summary>
    public string? AuthorId { get; init; }

    /// <summary>The visibility flags.</summary>
    public DmpVisibility Visibility { get; init; }

    /// <summary>The SHA-1 hash (hex).</summary>
    public string? Hash { get; init; }

    /// <summary>The size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>The media type.</summary>
    public string? MimeType { get; init; }
}

/// <summary>TD3.1 filters.</summary>
public sealed record DmpDocumentQuery
{
    /// <summary>Statuses (default: approved only).</summary>
    public IReadOnlyList<DmpDocumentStatus> Statuses { get; init; } = [DmpDocumentStatus.Approved];

    /// <summary>typeCodes to match, or empty.</summary>
    public IReadOnlyList<CdaCode> TypeCodes { get; init; } = [];

    /// <summary>classCodes to match, or empty.</summary>
    public IReadOnlyList<CdaCode> ClassCodes { get; init; } = [];

    /// <summary>Creation time lower bound.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Creation time upper bound.</summary>
    public DateTimeOffset? CreatedTo { get; init; }
}

/// <summary>A TD3.2 document.</summary>
/// <param name="UniqueId">The uniqueId.</param>
/// <param name="MimeType">The media type.</param>
/// <param name="Content">The bytes.</param>
public sealed record DmpRetrievedDocument(string UniqueId, string MimeType, ReadOnlyMemory<byte> Content);

/// <summary>TD3.3 changes.</summary>
public enum DmpDocumentUpdateKind
{
    /// <summary>Sets the visibility flags (TD3.3a/b): resubmits the entry with new confidentiality codes.</summary>
    SetVisibility,

    /// <summary>Archives (TD3.3d).</summary>
    Archive,

    /// <summary>Unarchives (back to Approved).</summary>
    Unarchive,

    /// <summary>Logical delete (TD3.3c), author only.</summary>
    Delete,
}

/// <summary>A TD3.3 change.</summary>
/// <param name="Kind">What to change.</param>
/// <param name="Visibility">For <see cref="DmpDocumentUpdateKind.SetVisibility"/>: the new flags.</param>
public sealed record DmpDocumentUpdate(DmpDocumentUpdateKind Kind, DmpVisibility Visibility = DmpVisibility.None);
