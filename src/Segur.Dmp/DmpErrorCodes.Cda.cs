namespace Segur.Dmp;

/// <content>CDA document codes: <c>SGR-4000</c> to <c>SGR-4199</c> (4000–4099 building, 4100–4199 reading).</content>
public static partial class DmpErrorCodes
{
    /// <summary>The patient has no INS value or no INS OID: a CDA for the DMP needs a qualified INS.</summary>
    public const string CdaPatientInsMissing = "SGR-4001";

    /// <summary>The patient's INS OID is not one of the INS authorities (1.2.250.1.213.1.4.8, .9, .10, .11),
    /// or the INS value is not a 15-character matricule.</summary>
    public const string CdaPatientInsInvalid = "SGR-4002";

    /// <summary>A patient trait required with an INS is missing or invalid (birth name, first names, birth date).</summary>
    public const string CdaPatientTraitInvalid = "SGR-4003";

    /// <summary>A professional or organisation identifier is invalid (PS_IdNat <c>8</c>+RPPS / <c>0</c>+ADELI,
    /// FINESS, SIRET, RPPS-rang).</summary>
    public const string CdaIdentifierInvalid = "SGR-4004";

    /// <summary>An OID (document id, set id, local id root, template id) is malformed: digits and dots only, no
    /// leading zero, at most 64 characters.</summary>
    public const string CdaOidInvalid = "SGR-4005";

    /// <summary>A code is not in the CI-SIS value set it must come from (type code J07, author specialty J01,
    /// practice setting J04, facility type J02, confidentiality J08, media type).</summary>
    public const string CdaCodeNotInValueSet = "SGR-4006";

    /// <summary>A header text is missing or too long (title ≤ 128 characters, names).</summary>
    public const string CdaTextInvalid = "SGR-4007";

    /// <summary>The content handed as a PDF is not a PDF (no <c>%PDF-</c> header or no <c>%%EOF</c> trailer).</summary>
    public const string CdaContentNotPdf = "SGR-4008";

    /// <summary>The document content is empty, or its media type is not allowed in an N1 body.</summary>
    public const string CdaContentInvalid = "SGR-4009";

    /// <summary>The PDF does not declare PDF/A and the builder was told to require it.</summary>
    public const string CdaPdfNotPdfA = "SGR-4010";

    /// <summary>Version data are inconsistent (version number below 1, relation without parent id, replacing
    /// a document of another set).</summary>
    public const string CdaVersionInvalid = "SGR-4011";

    /// <summary>A vaccination entry is invalid (no vaccine, empty lot, dose number below 1, no entries).</summary>
    public const string CdaVaccinationInvalid = "SGR-4012";

    /// <summary>A date is out of range (birth date in the future, service stop before start).</summary>
    public const string CdaDateInvalid = "SGR-4013";

    /// <summary>An embedded CI-SIS value set could not be loaded (broken build).</summary>
    public const string CdaValueSetUnavailable = "SGR-4099";

    /// <summary>The XML is not a CDA R2 document: the root is not <c>ClinicalDocument</c> in namespace
    /// <c>urn:hl7-org:v3</c>.</summary>
    public const string CdaNotClinicalDocument = "SGR-4101";

    /// <summary>A header element the reader needs is missing or malformed (id, code, effectiveTime, recordTarget).</summary>
    public const string CdaHeaderInvalid = "SGR-4102";

    /// <summary>The body is missing, has no content, or its base64 content is invalid.</summary>
    public const string CdaBodyInvalid = "SGR-4103";

    /// <summary>The decoded body is larger than the reader's limit.</summary>
    public const string CdaBodyTooLarge = "SGR-4104";
}

/// <content>XDS metadata derived from a CDA: <c>SGR-4150</c> to <c>SGR-4199</c>.</content>
public static partial class DmpErrorCodes
{
    /// <summary>The CDA cannot give DMP XDS metadata: its id is not a bare OID, it has no INS, no author, or a
    /// value needed for the entry is missing.</summary>
    public const string XdsMetadataUnavailable = "SGR-4150";

    /// <summary>The visibility flags are not allowed together (MASQUE_PS with INVISIBLE_PATIENT).</summary>
    public const string XdsVisibilityConflict = "SGR-4151";
}
