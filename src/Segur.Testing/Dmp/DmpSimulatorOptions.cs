using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Testing.Pki;

namespace Segur.Testing.Dmp;

/// <summary>Settings of <see cref="DmpSimulator"/>.</summary>
public sealed class DmpSimulatorOptions
{
    /// <summary>The test PKI issuing the server certificate and trusted for TLS client certificates and VIHF signers.
    /// <value>Default: <see langword="null"/>: the simulator creates (and disposes) its own.</value></summary>
    public TestPki? Pki { get; set; }

    /// <summary>Whether the simulator listens on plain HTTP (no TLS, no client certificate) for unit tests.
    /// <value>Default: <see langword="false"/> (HTTPS with mutual TLS, like the service).</value></summary>
    public bool UseHttp { get; set; }

    /// <summary>The port; 0 picks a free one. <value>Default: 0.</value></summary>
    public int Port { get; set; }

    /// <summary>The clock used for the VIHF <c>IssueInstant</c> check, submission times and slow answers.
    /// <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The largest accepted difference between the VIHF <c>IssueInstant</c> and the simulator's clock, in both
    /// directions (a token is fresh per call). <value>Default: 5 minutes.</value></summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The accepted <c>VIHF_Version</c> values. <value>Default: <c>3.0</c>.</value></summary>
    public ISet<string> AcceptedVihfVersions { get; } = new HashSet<string>(StringComparer.Ordinal) { "3.0" };

    /// <summary>Whether the VIHF signer certificate must chain to <see cref="Pki"/>. <value>Default: <see langword="true"/>.</value></summary>
    public bool RequireTrustedVihfSigner { get; set; } = true;

    /// <summary>The DMP parameter <c>cumul-invisible_patient-masque_ps</c>: whether a document may be both
    /// <c>MASQUE_PS</c> and <c>INVISIBLE_PATIENT</c>. <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowMaskedAndInvisible { get; set; }

    /// <summary>Whether the patient's médecin traitant sees documents another professional marked <c>MASQUE_PS</c>.
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool TreatingPhysicianSeesMasked { get; set; } = true;

    /// <summary>Whether TD3.3 changes (ITI-57) need a <c>VALIDE</c> authorisation. Set to <see langword="false"/> to
    /// simulate an LPS homologated for the "Alimentation" profile. <value>Default: <see langword="true"/>.</value></summary>
    public bool ManageRequiresAuthorization { get; set; } = true;

    /// <summary>Whether the XAdES lot signature (<c>Signature01</c>) of an ITI-41 submission is verified with
    /// <c>DmpLotSignature.Verify</c> against the submitted documents and the set uniqueId, and its signer must chain to
    /// <see cref="Pki"/> (when <see cref="RequireTrustedVihfSigner"/>). When off, only the presence of
    /// <c>Signature01</c> and its <c>signs</c> association are checked. <value>Default: <see langword="true"/>.</value></summary>
    public bool VerifyLotSignature { get; set; } = true;

    /// <summary>Replaces the built-in lot signature verification: receives the <c>Signature01</c> bytes and the
    /// uniqueIds of the documents then the set, returns an error message or <see langword="null"/> when valid.
    /// <value>Default: <see langword="null"/> (see <see cref="VerifyLotSignature"/>).</value></summary>
    public Func<ReadOnlyMemory<byte>, IReadOnlyList<string>, string?>? LotSignatureVerifier { get; set; }

    /// <summary>The repositoryUniqueId the simulator announces. <value>Default: <c>1.2.250.1.213.4.1.1.1.2</c>.</value></summary>
    public string RepositoryUniqueId { get; set; } = "1.2.250.1.213.4.1.1.1.2";

    /// <summary>Whether the public test identities of the DMP documentation are loaded at start (see
    /// <see cref="DmpSimulator.TestPatients"/>). <value>Default: <see langword="true"/>.</value></summary>
    public bool PreloadTestIdentities { get; set; } = true;

    /// <summary>The error codes the simulator answers (the DMP catalogue is not public).</summary>
    public DmpSimulatorErrorCodes ErrorCodes { get; } = new();
}

/// <summary>
/// The codes the simulator puts in its SOAP faults (<c>soap:Detail/dmp:erreur/@code</c>) and in the
/// <c>RegistryError/@errorCode</c> of refused XDS transactions. The DMP's own catalogue (DMPi) is not public: these
/// defaults are the simulator's, configurable so a test can mimic whatever the real platform answers. Standard IHE
/// conditions (duplicate uniqueId, hash mismatch…) use the IHE codes and are not configurable.
/// </summary>
public sealed class DmpSimulatorErrorCodes
{
    /// <summary>No <c>wsse:Security</c> or no SAML assertion (SOAP fault, subcode <c>wsse:InvalidSecurity</c>).
    /// <value>Default: <c>DMP_VIHF_ABSENT</c>.</value></summary>
    public string VihfMissing { get; set; } = "DMP_VIHF_ABSENT";

    /// <summary>The VIHF signature is wrong or its signer is not trusted (subcode <c>wsse:FailedAuthentication</c>).
    /// <value>Default: <c>DMP_VIHF_SIGNATURE</c>.</value></summary>
    public string VihfSignature { get; set; } = "DMP_VIHF_SIGNATURE";

    /// <summary>The VIHF <c>IssueInstant</c> is outside the accepted skew, or the token expired (subcode
    /// <c>wsse:MessageExpired</c>). <value>Default: <c>DMP_VIHF_PERIME</c>.</value></summary>
    public string VihfExpired { get; set; } = "DMP_VIHF_PERIME";

    /// <summary>A required VIHF attribute is missing or invalid, including a missing second role
    /// (subcode <c>wsse:InvalidSecurityToken</c>). <value>Default: <c>DMP_VIHF_ATTRIBUT</c>.</value></summary>
    public string VihfAttribute { get; set; } = "DMP_VIHF_ATTRIBUT";

    /// <summary>The VIHF does not match its authentication mode (certificate, structure, AIR context).
    /// <value>Default: <c>DMP_VIHF_MODE</c>.</value></summary>
    public string VihfMode { get; set; } = "DMP_VIHF_MODE";

    /// <summary>The request's patient is not the VIHF <c>resource-id</c>. <value>Default: <c>DMP_PATIENT_VIHF</c>.</value></summary>
    public string PatientMismatch { get; set; } = "DMP_PATIENT_VIHF";

    /// <summary>The patient has no DMP. <value>Default: <c>DMP_INEXISTANT</c>.</value></summary>
    public string DmpNotFound { get; set; } = "DMP_INEXISTANT";

    /// <summary>The patient's DMP is closed. <value>Default: <c>DMP_FERME</c>.</value></summary>
    public string DmpClosed { get; set; } = "DMP_FERME";

    /// <summary>Consultation or management without a <c>VALIDE</c> authorisation. <value>Default: <c>DMP_ACCES_REFUSE</c>.</value></summary>
    public string AccessDenied { get; set; } = "DMP_ACCES_REFUSE";

    /// <summary>The professional is blocked by the patient (<c>INTERDIT</c>). <value>Default: <c>DMP_PS_BLOQUE</c>.</value></summary>
    public string ProfessionalBlocked { get; set; } = "DMP_PS_BLOQUE";

    /// <summary><c>bris_de_glace</c> while the patient holds <c>OPPOSITION_BRIS_DE_GLACE</c>.
    /// <value>Default: <c>DMP_OPPOSITION_BRIS_DE_GLACE</c>.</value></summary>
    public string BreakGlassOpposed { get; set; } = "DMP_OPPOSITION_BRIS_DE_GLACE";

    /// <summary><c>centre_15</c> while the patient holds <c>OPPOSITION_ACCES_URGENCE</c>.
    /// <value>Default: <c>DMP_OPPOSITION_ACCES_URGENCE</c>.</value></summary>
    public string EmergencyAccessOpposed { get; set; } = "DMP_OPPOSITION_ACCES_URGENCE";

    /// <summary>Deletion by someone other than the author. <value>Default: <c>DMP_NON_AUTEUR</c>.</value></summary>
    public string NotAuthor { get; set; } = "DMP_NON_AUTEUR";

    /// <summary>Both <c>MASQUE_PS</c> and <c>INVISIBLE_PATIENT</c> while the DMP parameter forbids it.
    /// <value>Default: <c>DMP_CUMUL_MASQUE_INVISIBLE</c>.</value></summary>
    public string MaskedAndInvisible { get; set; } = "DMP_CUMUL_MASQUE_INVISIBLE";

    /// <summary>The lot signature (<c>Signature01</c>, its <c>signs</c> association or the XAdES itself) is missing or wrong.
    /// <value>Default: <c>DMP_SIGNATURE_LOT</c>.</value></summary>
    public string LotSignature { get; set; } = "DMP_SIGNATURE_LOT";

    /// <summary>A request the simulator cannot read (not SOAP 1.2, missing element, unknown action).
    /// <value>Default: <c>DMP_REQUETE_INVALIDE</c>.</value></summary>
    public string Malformed { get; set; } = "DMP_REQUETE_INVALIDE";

    /// <summary>The injected SOAP fault (see <see cref="DmpFaultKind.SoapFault"/>) when the fault gives no code.
    /// <value>Default: <c>DMP_INDISPONIBLE</c>.</value></summary>
    public string Unavailable { get; set; } = "DMP_INDISPONIBLE";
}

/// <summary>The kinds of failure <see cref="DmpSimulator"/> can inject.</summary>
public enum DmpFaultKind
{
    /// <summary>An HTTP error status (<see cref="DmpFault.HttpStatus"/>, 503 by default) with a text body.</summary>
    HttpError,

    /// <summary>A SOAP 1.2 <c>Receiver</c> fault with <see cref="DmpFault.Codes"/> (or <see cref="DmpSimulatorErrorCodes.Unavailable"/>).</summary>
    SoapFault,

    /// <summary>A RegistryResponse with status <c>Failure</c> and one <c>RegistryError</c> per code (XDS actions;
    /// a SOAP fault for the others). Nothing is stored.</summary>
    RegistryFailure,

    /// <summary>No answer and nothing done: the request is held until the client gives up.</summary>
    TimeoutBeforeCommit,

    /// <summary>The request is fully processed (a document is stored) but no answer is sent: the request is held
    /// until the client gives up. The client must then find out whether its submission was stored.</summary>
    TimeoutAfterCommit,

    /// <summary>The connection is reset without an answer; nothing is done.</summary>
    ConnectionReset,

    /// <summary>The answer is delayed by <see cref="DmpFault.Delay"/> (on the simulator's <see cref="TimeProvider"/>),
    /// then the request is processed normally.</summary>
    Slow,
}

/// <summary>A failure to inject (see <see cref="DmpSimulator.InjectFault"/>).</summary>
/// <param name="Kind">What happens.</param>
public sealed record DmpFault(DmpFaultKind Kind)
{
    /// <summary>For <see cref="DmpFaultKind.HttpError"/>: the status. <value>Default: 503.</value></summary>
    public int HttpStatus { get; init; } = 503;

    /// <summary>For <see cref="DmpFaultKind.SoapFault"/> and <see cref="DmpFaultKind.RegistryFailure"/>: the codes.
    /// <value>Default: empty (the simulator's own).</value></summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>For <see cref="DmpFaultKind.Slow"/>: the delay. <value>Default: 30 seconds.</value></summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A patient known to the simulator (seed it with <see cref="DmpSimulator.AddPatient"/>).</summary>
public sealed class DmpSimulatorPatient
{
    /// <summary>Creates a patient.</summary>
    /// <param name="ins">The INS matricule (15 characters).</param>
    /// <param name="oid">The INS OID. Default: <c>1.2.250.1.213.1.4.10</c> (INS-NIR test).</param>
    public DmpSimulatorPatient(string ins, string oid = "1.2.250.1.213.1.4.10")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ins);
        ArgumentException.ThrowIfNullOrWhiteSpace(oid);
        Ins = ins;
        Oid = oid;
    }

    /// <summary>The INS matricule.</summary>
    public string Ins { get; }

    /// <summary>The INS OID.</summary>
    public string Oid { get; }

    /// <summary>The XDS patientId (<c>INS^^^&amp;OID&amp;ISO^NH</c>).</summary>
    public string PatientId => $"{Ins}^^^&{Oid}&ISO^NH";

    /// <summary>The DMP state. <value>Default: <see cref="DmpState.Active"/>.</value></summary>
    public DmpState State { get; set; } = DmpState.Active;

    /// <summary>The family (birth) name. <value>Default: empty.</value></summary>
    public string FamilyName { get; set; } = string.Empty;

    /// <summary>The given name. <value>Default: empty.</value></summary>
    public string GivenName { get; set; } = string.Empty;

    /// <summary>The birth date, or <see langword="null"/>.</summary>
    public DateOnly? BirthDate { get; set; }

    /// <summary>The administrative sex (<c>M</c>, <c>F</c>, <c>U</c>). <value>Default: <c>U</c>.</value></summary>
    public string Sex { get; set; } = "U";

    /// <summary>The postal code, or <see langword="null"/>.</summary>
    public string? PostalCode { get; set; }

    /// <summary>Whether the patient is attached to Mon espace santé (<c>RATTACHEMENT_ENS</c>). <value>Default: <see langword="true"/>.</value></summary>
    public bool AttachedToMonEspaceSante { get; set; } = true;

    /// <summary>Whether the patient's internet account is open (<c>COMPTE_INTERNET_OUVERT</c>). <value>Default: <see langword="true"/>.</value></summary>
    public bool InternetAccountOpen { get; set; } = true;

    /// <summary>The oppositions held by the DMP: <c>OPPOSITION_BRIS_DE_GLACE</c>, <c>OPPOSITION_ACCES_URGENCE</c>.</summary>
    public ISet<string> Oppositions { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The PS_IdNat of the médecin traitant, or <see langword="null"/>.</summary>
    public string? TreatingPhysician { get; set; }

    /// <summary>When the DMP was closed, for <see cref="DmpState.Closed"/>.</summary>
    public DateOnly? ClosedOn { get; set; }

    /// <summary>When the DMP was created (for TD0.4 <c>LASTAUTORIZATION</c> ordering). <value>Default: <see langword="null"/>.</value></summary>
    public DateTimeOffset? CreatedAt { get; set; }
}

/// <summary>A document to seed into the simulator without a TD2.1 (see <see cref="DmpSimulator.AddDocument"/>).</summary>
public sealed record DmpSimulatorDocumentSeed
{
    /// <summary>The uniqueId (bare OID). <value>Default: a fresh <c>2.25.…</c>.</value></summary>
    public string? UniqueId { get; init; }

    /// <summary>The document bytes.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The author's PS_IdNat. <value>Default: <c>899900063480</c>.</value></summary>
    public string AuthorId { get; init; } = "899900063480";

    /// <summary>The typeCode (LOINC). <value>Default: <c>11490-0</c>.</value></summary>
    public string TypeCode { get; init; } = "11490-0";

    /// <summary>The classCode (TRE_A03). <value>Default: <c>10</c>.</value></summary>
    public string ClassCode { get; init; } = "10";

    /// <summary>The title. <value>Default: <c>Document</c>.</value></summary>
    public string Title { get; init; } = "Document";

    /// <summary>The MIME type. <value>Default: <c>text/xml</c>.</value></summary>
    public string MimeType { get; init; } = "text/xml";

    /// <summary>The visibility flags. <value>Default: none.</value></summary>
    public DmpVisibility Visibility { get; init; }

    /// <summary>The creation time. <value>Default: the simulator's now.</value></summary>
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>The referenceIdList values (for FindDocumentsByReferenceId). <value>Default: empty.</value></summary>
    public IReadOnlyList<string> ReferenceIds { get; init; } = [];
}

/// <summary>A DocumentEntry version stored by the simulator.</summary>
/// <param name="EntryUuid">The entryUUID (one per metadata version).</param>
/// <param name="LogicalId">The <c>lid</c>.</param>
/// <param name="Version">The metadata version (1, 2…).</param>
/// <param name="UniqueId">The uniqueId.</param>
/// <param name="PatientId">The XDS patientId.</param>
/// <param name="Status">The availability status (short form: <c>Approved</c>, <c>Deprecated</c>, <c>Archived</c>, <c>Deleted</c>).</param>
/// <param name="AuthorId">The author's PS_IdNat.</param>
/// <param name="ConfidentialityCodes">The confidentiality codes (N/R/V and the DMP visibility codes).</param>
/// <param name="MimeType">The MIME type.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Hash">The SHA-1 hash (hex, lower case).</param>
/// <param name="SubmissionSetUniqueId">The uniqueId of the submission set that stored this version.</param>
/// <param name="MetadataXml">The <c>rim:ExtrinsicObject</c> as the registry returns it.</param>
public sealed record DmpSimulatorEntry(string EntryUuid, string LogicalId, int Version, string UniqueId, string PatientId, string Status,
    string AuthorId, IReadOnlyList<string> ConfidentialityCodes, string MimeType, long Size, string Hash, string SubmissionSetUniqueId,
    string MetadataXml);

/// <summary>One request the simulator received.</summary>
/// <param name="Service">The service path segment (<c>registry</c>, <c>repository</c>, <c>patients</c>, <c>habilitations</c>).</param>
/// <param name="Action">The <c>wsa:Action</c>, or empty.</param>
/// <param name="MessageId">The <c>wsa:MessageID</c>, or empty.</param>
/// <param name="IsMtom">Whether the request was MTOM.</param>
/// <param name="ClientCertificateSubject">The TLS client certificate subject, or <see langword="null"/>.</param>
/// <param name="Outcome">What the simulator did: <c>ok</c>, <c>fault:&lt;code&gt;</c>, <c>failure:&lt;codes&gt;</c>,
/// <c>injected:&lt;kind&gt;</c>, <c>network-down</c>.</param>
public sealed record DmpSimulatorRequest(string Service, string Action, string MessageId, bool IsMtom, string? ClientCertificateSubject, string Outcome);

/// <summary>A VIHF the simulator received (accepted or not).</summary>
/// <param name="Action">The request's action.</param>
/// <param name="ModeAttributeName">The spelling used: <c>Authentification_Mode</c> or <c>Authentification_mode</c>, or
/// <see langword="null"/> when absent.</param>
/// <param name="Mode">The mode value (<c>DIRECTE</c>…), or <see langword="null"/>.</param>
/// <param name="SignatureMethod">The XML-DSig signature method URI, or <see langword="null"/> when unsigned/unreadable.</param>
/// <param name="DigestMethod">The digest method URI, or <see langword="null"/>.</param>
/// <param name="SubjectId">The <c>NameID</c> (PS_IdNat), or <see langword="null"/>.</param>
/// <param name="StructureId">The <c>Identifiant_Structure</c>, or <see langword="null"/>.</param>
/// <param name="Roles">The role codes, in order.</param>
/// <param name="PurposeOfUse">The <c>purposeofuse</c> code (<c>normal</c>, <c>bris_de_glace</c>, <c>centre_15</c>), or <see langword="null"/>.</param>
/// <param name="ResourceId">The <c>resource-id</c>, or <see langword="null"/>.</param>
/// <param name="ConfidentialityCode">The secret-connection code, or <see langword="null"/>.</param>
/// <param name="Error">The fault code when refused, or <see langword="null"/> when accepted.</param>
public sealed record DmpReceivedVihf(string Action, string? ModeAttributeName, string? Mode, string? SignatureMethod, string? DigestMethod,
    string? SubjectId, string? StructureId, IReadOnlyList<string> Roles, string? PurposeOfUse, string? ResourceId, string? ConfidentialityCode,
    string? Error);
