using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Segur.Dmp.Cda;

/// <summary>DMP visibility choices, sent as extra XDS confidentiality codes (TRE_A07, 1.2.250.1.213.1.1.4.13),
/// never in the CDA.</summary>
[Flags]
public enum DmpVisibility
{
    /// <summary>Visible to everyone allowed (the default).</summary>
    None = 0,

    /// <summary><c>MASQUE_PS</c>: hidden from other professionals.</summary>
    HiddenFromProfessionals = 1,

    /// <summary><c>INVISIBLE_PATIENT</c>: not visible to the patient until a professional has informed them.</summary>
    InvisibleToPatient = 2,

    /// <summary><c>INVISIBLE_REPRESENTANTS_LEGAUX</c>: not visible to a minor's legal representatives.</summary>
    InvisibleToLegalRepresentatives = 4,
}

/// <summary>
/// The XDS.b DocumentEntry metadata of one CDA for the DMP (TD2.1 / ITI-41), derived from the document as read by
/// <see cref="CdaReader"/> and from its exact bytes (hash, size), per the CI-SIS CDA → XDS mapping.
/// </summary>
/// <remarks>HL7 v2 values (CX, XCN, XON) are escaped (<c>\S\</c>, <c>\T\</c>, <c>\R\</c>, <c>\E\</c>). The classCode
/// derivation table (ASS_X04) and the N3 formatCode table (ASS_A11) are not public reference data here: the caller
/// gives the classCode, and the formatCode of an N3.</remarks>
public sealed class XdsDocumentEntry
{
    private const string VisibilitySystem = "1.2.250.1.213.1.1.4.13";

    private XdsDocumentEntry()
    {
    }

    /// <summary>uniqueId: the CDA <c>id/@root</c> (bare OID).</summary>
    public string UniqueId { get; private init; } = string.Empty;

    /// <summary>patientId: <c>INS^^^&amp;OID&amp;ISO^NH</c>.</summary>
    public string PatientId { get; private init; } = string.Empty;

    /// <summary>sourcePatientId: the first local id as <c>id^^^&amp;root&amp;ISO^PI</c>, else the patientId.</summary>
    public string SourcePatientId { get; private init; } = string.Empty;

    /// <summary>sourcePatientInfo: <c>PID-5|NOM^Prénom^^^^^L</c>, <c>PID-7|AAAAMMJJ</c>, <c>PID-8|F</c>.</summary>
    public IReadOnlyList<string> SourcePatientInfo { get; private init; } = [];

    /// <summary>classCode (JDV_J57, TRE_A03), as given by the caller.</summary>
    public CdaCode ClassCode { get; private init; } = null!;

    /// <summary>typeCode: the CDA <c>code</c>.</summary>
    public CdaCode TypeCode { get; private init; } = null!;

    /// <summary>formatCode: from the media type for N1, given by the caller for N3.</summary>
    public CdaCode FormatCode { get; private init; } = null!;

    /// <summary>confidentialityCode: the CDA code (N/R/V) then the visibility codes.</summary>
    public IReadOnlyList<CdaCode> ConfidentialityCodes { get; private init; } = [];

    /// <summary>healthcareFacilityTypeCode (JDV_J61 / J02), from <c>healthCareFacility/code</c>.</summary>
    public CdaCode HealthcareFacilityTypeCode { get; private init; } = null!;

    /// <summary>practiceSettingCode (JDV_J62 / J04), from the first performer's <c>standardIndustryClassCode</c>.</summary>
    public CdaCode PracticeSettingCode { get; private init; } = null!;

    /// <summary>title.</summary>
    public string? Title { get; private init; }

    /// <summary>creationTime in UTC, <c>AAAAMMJJhhmmss</c>.</summary>
    public string CreationTime { get; private init; } = string.Empty;

    /// <summary>serviceStartTime in UTC, or null.</summary>
    public string? ServiceStartTime { get; private init; }

    /// <summary>serviceStopTime in UTC, or null.</summary>
    public string? ServiceStopTime { get; private init; }

    /// <summary>languageCode.</summary>
    public string LanguageCode { get; private init; } = "fr-FR";

    /// <summary>mimeType: <c>text/xml</c>.</summary>
    public string MimeType { get; private init; } = "text/xml";

    /// <summary>hash: SHA-1 of the exact bytes sent, lower-case hex.</summary>
    public string Hash { get; private init; } = string.Empty;

    /// <summary>size: the number of bytes sent.</summary>
    public long Size { get; private init; }

    /// <summary>authorPerson (XCN): <c>PS_IdNat^NOM^Prénom^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS</c>.</summary>
    public string AuthorPerson { get; private init; } = string.Empty;

    /// <summary>authorInstitution (XON): <c>Nom^^^^^&amp;1.2.250.1.71.4.2.2&amp;ISO^IDNST^^^Struct_IdNat</c>, or null.</summary>
    public string? AuthorInstitution { get; private init; }

    /// <summary>authorSpecialty: <c>code^label^codeSystem</c>, or null.</summary>
    public string? AuthorSpecialty { get; private init; }

    /// <summary>legalAuthenticator (XCN), or null.</summary>
    public string? LegalAuthenticator { get; private init; }

    /// <summary>Derives the entry from a CDA.</summary>
    /// <param name="document">The document as read by <see cref="CdaReader"/> from <paramref name="cdaBytes"/>.</param>
    /// <param name="cdaBytes">The exact bytes that will be sent (hash and size are computed over them).</param>
    /// <param name="classCode">The classCode for this type (ASS_X04), for example <c>10</c> in 1.2.250.1.213.1.1.4.1.</param>
    /// <param name="visibility">The visibility chosen by the professional.</param>
    /// <param name="formatCode">The formatCode; required for an N3 (ASS_A11), derived from the media type for an N1 when null.</param>
    /// <param name="allowHiddenAndInvisible">Whether MASQUE_PS with INVISIBLE_PATIENT is allowed (DMP parameter
    /// <c>cumul-invisible_patient-masque_ps</c>).</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> or <paramref name="classCode"/> is null.</exception>
    /// <exception cref="SegurValidationException">The CDA cannot give DMP metadata (<c>SGR-4150</c>) or the visibility is
    /// not allowed (<c>SGR-4151</c>).</exception>
    public static XdsDocumentEntry FromCda(CdaDocumentInfo document, ReadOnlySpan<byte> cdaBytes, CdaCode classCode,
        DmpVisibility visibility = DmpVisibility.None, CdaCode? formatCode = null, bool allowHiddenAndInvisible = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(classCode);
        if (document.Id.Extension is not null || !CdaRules.IsValidOid(document.Id.Root))
        {
            throw Unavailable("The CDA id is not a bare OID; the DMP refuses root^extension unique ids.", "id");
        }

        if (document.Patient.Ins is null || document.Patient.InsOid is null)
        {
            throw Unavailable("The CDA has no INS patient id.", "patientId");
        }

        var author = document.Authors.FirstOrDefault(a => a.Id is not null) ?? throw Unavailable("The CDA has no identified author.", "author");
        var facility = document.HealthcareFacilityType ?? throw Unavailable("The CDA has no healthCareFacility code.", "healthcareFacilityTypeCode");
        var practice = document.PracticeSetting ?? throw Unavailable("The CDA has no practice setting (standardIndustryClassCode).", "practiceSettingCode");
        var format = formatCode ?? FormatFor(document);
        if ((visibility & (DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient))
                == (DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient) && !allowHiddenAndInvisible)
        {
            throw new SegurValidationException(DmpErrorCodes.XdsVisibilityConflict,
                "MASQUE_PS and INVISIBLE_PATIENT together are refused unless the DMP allows it.") { Field = "visibility" };
        }

        var confidentiality = new List<CdaCode> { new(document.ConfidentialityCode ?? "N", CdaRules.ConfidentialitySystem) };
        if (visibility.HasFlag(DmpVisibility.HiddenFromProfessionals))
        {
            confidentiality.Add(new CdaCode("MASQUE_PS", VisibilitySystem, "Masqué aux professionnels de santé"));
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToPatient))
        {
            confidentiality.Add(new CdaCode("INVISIBLE_PATIENT", VisibilitySystem, "Non visible par le patient"));
        }

        if (visibility.HasFlag(DmpVisibility.InvisibleToLegalRepresentatives))
        {
            confidentiality.Add(new CdaCode("INVISIBLE_REPRESENTANTS_LEGAUX", VisibilitySystem, "Non visible par les représentants légaux du patient"));
        }

        var patientId = $"{Escape(document.Patient.Ins)}^^^&{document.Patient.InsOid}&ISO^NH";
        var local = document.Patient.Ids.FirstOrDefault(i => i.Extension is not null && i.Root != document.Patient.InsOid);
        var patient = document.Patient;
        var info = new List<string>
        {
            $"PID-5|{Escape(patient.BirthName ?? string.Empty)}^{Escape(patient.FirstBirthFirstName ?? (patient.FirstNames.Count > 0 ? patient.FirstNames[0] : string.Empty))}^^^^^L",
        };
        if (patient.BirthDate is { } birth)
        {
            info.Add("PID-7|" + CdaRules.FormatDate(birth));
        }

        if (patient.SexCode is { } sex)
        {
            info.Add("PID-8|" + (sex == "UN" ? "U" : sex));
        }

        return new XdsDocumentEntry
        {
            UniqueId = document.Id.Root,
            PatientId = patientId,
            SourcePatientId = local is not null ? $"{Escape(local.Extension!)}^^^&{local.Root}&ISO^PI" : patientId,
            SourcePatientInfo = info,
            ClassCode = classCode,
            TypeCode = document.TypeCode,
            FormatCode = format,
            ConfidentialityCodes = confidentiality,
            HealthcareFacilityTypeCode = facility,
            PracticeSettingCode = practice,
            Title = document.Title,
            CreationTime = Utc(document.EffectiveTime),
            ServiceStartTime = document.ServiceStartTime is { } start ? Utc(start) : null,
            ServiceStopTime = document.ServiceStopTime is { } stop ? Utc(stop) : null,
            LanguageCode = document.LanguageCode ?? "fr-FR",
            Hash = Sha1Hex(cdaBytes),
            Size = cdaBytes.Length,
            AuthorPerson = Xcn(author),
            AuthorInstitution = author.OrganizationId is { Extension: { } structId } && author.OrganizationName is { } orgName
                ? $"{Escape(orgName)}^^^^^&{author.OrganizationId.Root}&ISO^IDNST^^^{Escape(structId)}"
                : null,
            AuthorSpecialty = author.Specialty is { } specialty
                ? $"{Escape(specialty.Code)}^{Escape(specialty.DisplayName ?? string.Empty)}^{specialty.CodeSystem}"
                : null,
            LegalAuthenticator = document.LegalAuthenticator is { Id: not null } legal ? Xcn(legal) : null,
        };
    }

    private static CdaCode FormatFor(CdaDocumentInfo document)
    {
        if (document.Level == CdaDocumentLevel.N3)
        {
            throw Unavailable("The formatCode of an N3 document depends on its volet (ASS_A11): pass it.", "formatCode");
        }

        return document.BodyMediaType switch
        {
            "application/pdf" => new CdaCode("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en Pdf/A-1"),
            "text/plain" => new CdaCode("urn:ihe:iti:xds-sd:text:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en texte brut"),
            "image/jpeg" => new CdaCode("urn:ihe:iti-fr:xds-sd:jpeg:2010", "1.2.250.1.213.1.1.4.2.282"),
            "text/rtf" => new CdaCode("urn:ihe:iti-fr:xds-sd:rtf:2010", "1.2.250.1.213.1.1.4.2.282"),
            "image/tiff" => new CdaCode("urn:ihe:iti-fr:xds-sd:tiff:2010", "1.2.250.1.213.1.1.4.2.282"),
            _ => throw Unavailable("The N1 media type has no XDS formatCode.", "formatCode"),
        };
    }

#pragma warning disable CA5350 // XDS.b mandates SHA-1 for the document hash; it is an integrity check, not a signature.
    private static string Sha1Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA1.HashData(bytes)).ToLowerInvariant();
#pragma warning restore CA5350

    private static string Xcn(CdaAuthorInfo person) =>
        $"{Escape(person.Id!.Extension ?? string.Empty)}^{Escape(person.FamilyName ?? string.Empty)}^{Escape(person.GivenName ?? string.Empty)}^^^^^^&{person.Id.Root}&ISO^D^^^IDNPS";

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>HL7 v2 escaping of the separators.</summary>
    internal static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\E\\",
                '^' => "\\S\\",
                '&' => "\\T\\",
                '~' => "\\R\\",
                '|' => "\\F\\",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static SegurValidationException Unavailable(string message, string field) =>
        new(DmpErrorCodes.XdsMetadataUnavailable, message) { Field = field };
}
