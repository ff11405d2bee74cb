using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Soap;

namespace Segur.Dmp.Xds;

/// <summary>The submission set metadata (IHE ITI TF-3 §4.2.3.3; dmp.md §2.7).</summary>
/// <param name="EntryUuid">The set's entryUUID (<c>urn:uuid:</c>).</param>
/// <param name="UniqueId">The set's uniqueId, <c>2.25.&lt;uuid decimal&gt;</c>.</param>
/// <param name="SubmissionTime">When the set is submitted (written in UTC).</param>
/// <param name="Title">The title, or null.</param>
/// <param name="ContentTypeCode">contentTypeCode (JDV_J59).</param>
/// <param name="PatientId">The patientId (CX).</param>
/// <param name="SourceId">The sourceId: the LPS OID.</param>
/// <param name="Author">The author: the user who submits.</param>
internal sealed record XdsSubmissionSetInfo(string EntryUuid, string UniqueId, DateTimeOffset SubmissionTime, string? Title,
    CdaCode ContentTypeCode, string PatientId, string SourceId, XdsAuthor Author);

/// <summary>One document of a submission: its metadata, its exact bytes and its MTOM part.</summary>
/// <param name="Entry">The DocumentEntry metadata.</param>
/// <param name="EntryUuid">The entryUUID the client proposes.</param>
/// <param name="Content">The exact bytes sent (hash and size are over them).</param>
/// <param name="ReplacesEntryUuid">The entryUUID this document replaces (RPLC), or null.</param>
/// <param name="Visibility">The visibility flags sent (secret connection applied).</param>
internal sealed record XdsPlannedDocument(XdsDocumentEntry Entry, string EntryUuid, ReadOnlyMemory<byte> Content, string? ReplacesEntryUuid,
    DmpVisibility Visibility)
{
    /// <summary>The MTOM Content-ID of the document part.</summary>
    public string ContentId { get; } = MtomAttachment.NewContentId();
}

/// <summary>The <c>Signature01</c> entry: the XAdES lot signature as a document of the set (dmp.md §2.7).</summary>
/// <param name="EntryUuid">Its entryUUID.</param>
/// <param name="UniqueId">Its uniqueId.</param>
/// <param name="Content">The signature XML bytes.</param>
internal sealed record XdsPlannedSignature(string EntryUuid, string UniqueId, ReadOnlyMemory<byte> Content)
{
    /// <summary>The MTOM Content-ID of the signature part.</summary>
    public string ContentId { get; } = MtomAttachment.NewContentId();
}

/// <summary>What an ITI-41 (TD2.1) or ITI-57 (TD3.3) message needs: the set, its documents, the lot signature.</summary>
internal sealed class XdsSubmissionPlan
{
    public required XdsSubmissionSetInfo Set { get; init; }

    public required IReadOnlyList<XdsPlannedDocument> Documents { get; init; }

    /// <summary>Healthcare facility type and practice setting of the set (taken from the first document), reused by
    /// <c>Signature01</c> whose XDS metadata requires them.</summary>
    public required CdaCode HealthcareFacilityTypeCode { get; init; }

    /// <inheritdoc cref="HealthcareFacilityTypeCode"/>
    public required CdaCode PracticeSettingCode { get; init; }

    public XdsPlannedSignature? Signature { get; set; }
}

/// <summary>Settings of the XDS messages that are DMP choices, not per-call inputs.</summary>
internal sealed record XdsSubmissionSettings
{
    /// <summary>The LPS OID written as the submission set sourceId.</summary>
    public required string SourceId { get; init; }

    /// <summary>The contentTypeCode when the submission gives none (JDV_J59; an assumption: the DMP's value for
    /// the care setting should be chosen by the integrator).</summary>
    public CdaCode DefaultContentTypeCode { get; init; } = new("04", "1.2.250.1.213.2.2");

    /// <summary>DMP parameter <c>cumul-invisible_patient-masque_ps</c>.</summary>
    public bool AllowHiddenAndInvisible { get; init; }
}

/// <summary>Builds the plan of an ITI-41 submission from a <see cref="DmpSubmission"/>: reads each CDA, derives its
/// metadata, and checks the DMP rules the registry would otherwise refuse.</summary>
internal static class XdsSubmissionBuilder
{
    private const string SignatureFormat = "http://www.w3.org/2000/09/xmldsig#";

    public static async Task<XdsSubmissionPlan> PlanAsync(DmpSubmission submission, DmpUserContext user, XdsSubmissionSettings settings,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(settings);
        if (submission.Documents is null || submission.Documents.Count == 0)
        {
            throw Invalid(DmpErrorCodes.XdsSubmissionEmpty, "A submission needs at least one document.", "documents");
        }

        var reader = new CdaReader();
        var planned = new List<XdsPlannedDocument>(submission.Documents.Count);
        var uniqueIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in submission.Documents)
        {
            ArgumentNullException.ThrowIfNull(document);
            if (document.Cda.IsEmpty)
            {
                throw Invalid(DmpErrorCodes.XdsSubmissionEmpty, "A document of the submission has no bytes.", "documents");
            }

            if (document.ReplacesEntryUuid is { } replaced && !IsUuidUrn(replaced))
            {
                throw Invalid(DmpErrorCodes.XdsReplacedEntryInvalid, "The replaced entryUUID is not a urn:uuid: value.", "replacesEntryUuid");
            }

            var info = await reader.ReadAsync(new MemoryStream(document.Cda.ToArray(), writable: false), cancellationToken).ConfigureAwait(false);
            var visibility = document.Visibility;
            if (user.SecretConnection)
            {
                // A minor's secret connection only sends documents invisible to legal representatives (dmp.md §2.5).
                visibility |= DmpVisibility.InvisibleToLegalRepresentatives;
            }

            var entry = XdsDocumentEntry.FromCda(info, document.Cda.Span, document.ClassCode, visibility, document.FormatCode,
                settings.AllowHiddenAndInvisible);
            if (!string.Equals(entry.PatientId, submission.Patient.PatientId, StringComparison.Ordinal))
            {
                throw Invalid(DmpErrorCodes.XdsPatientMismatch, "A document is about another patient than the submission.", "patientId");
            }

            if (!uniqueIds.Add(entry.UniqueId))
            {
                throw Invalid(DmpErrorCodes.XdsDuplicateUniqueId, "Two documents of the submission have the same uniqueId.", "uniqueId");
            }

            planned.Add(new XdsPlannedDocument(entry, RimWriter.NewUuid(), document.Cda, document.ReplacesEntryUuid, visibility));
        }

        var first = planned[0].Entry;
        return new XdsSubmissionPlan
        {
            Set = NewSet(submission.Patient, user, settings, submission.ContentTypeCode, submission.Title, first.AuthorInstitution, now),
            Documents = planned,
            HealthcareFacilityTypeCode = first.HealthcareFacilityTypeCode,
            PracticeSettingCode = first.PracticeSettingCode,
        };
    }

    /// <summary>A new submission set for <paramref name="patient"/>, authored by <paramref name="user"/>.</summary>
    public static XdsSubmissionSetInfo NewSet(DmpPatient patient, DmpUserContext user, XdsSubmissionSettings settings, CdaCode? contentType,
        string? title, string? institution, DateTimeOffset now)
    {
        var person = $"{XdsDocumentEntry.Escape(user.User.Value)}^{XdsDocumentEntry.Escape(user.FamilyName)}^{XdsDocumentEntry.Escape(user.GivenName ?? string.Empty)}^^^^^^&{user.User.Oid}&ISO^D^^^IDNPS";
        var role = user.Roles.Count > 0 ? $"{XdsDocumentEntry.Escape(user.Roles[0].Code)}^{XdsDocumentEntry.Escape(user.Roles[0].DisplayName ?? string.Empty)}^{user.Roles[0].CodeSystem}" : null;
        return new XdsSubmissionSetInfo(RimWriter.NewUuid(), CdaRules.NewUuidOid(), now, title, contentType ?? settings.DefaultContentTypeCode,
            patient.PatientId, settings.SourceId, new XdsAuthor(person, institution, Specialty: role));
    }

    /// <summary>The input of the lot signature: the set's uniqueId and each document's uniqueId and bytes.</summary>
    public static IReadOnlyList<(string UniqueId, ReadOnlyMemory<byte> Content)> SignedDocuments(XdsSubmissionPlan plan) =>
        plan.Documents.Select(d => (d.Entry.UniqueId, d.Content)).ToList();

    public static bool IsUuidUrn(string value) =>
        value.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(value["urn:uuid:".Length..], "D", out _);

    internal static CdaCode SignatureClassCode { get; } = new("urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1", "URN", "Signature");

    internal static CdaCode SignatureTypeCode { get; } = new("E1762", "ASTM", "Full Document");

    internal static CdaCode SignatureFormatCode { get; } = new(SignatureFormat, "URN", "Default Signature Style");

    internal static CdaCode SignatureEventCode { get; } = new("1.2.840.10065.1.12.1.14", "1.2.840.10065.1.12", "Source");

    internal static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

#pragma warning disable CA5350 // XDS.b mandates SHA-1 for the hash slot: an integrity check, not a signature.
    internal static string Sha1Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA1.HashData(bytes)).ToLowerInvariant();
#pragma warning restore CA5350

    private static SegurValidationException Invalid(string code, string message, string field) => new(code, message) { Field = field };
}

/// <summary>Writes the ITI-41 <c>ProvideAndRegisterDocumentSetRequest</c> (IHE ITI TF-2b §3.41, ebRIM 3.0) and the
/// ITI-57 metadata blocks, streaming.</summary>
internal static class XdsSubmissionWriter
{
    /// <summary>Writes the ITI-41 body: <c>xdsb:ProvideAndRegisterDocumentSetRequest</c> with the set, one
    /// ExtrinsicObject per document, Signature01, the associations, then one <c>xdsb:Document</c> per part as
    /// <c>xop:Include</c>.</summary>
    public static void WriteProvideAndRegister(XmlWriter writer, XdsSubmissionPlan plan)
    {
        var signature = plan.Signature ?? throw new InvalidOperationException("The lot signature is computed before the request is written.");
        writer.WriteStartElement("xdsb", "ProvideAndRegisterDocumentSetRequest", XdsNames.Xdsb);
        writer.WriteStartElement("lcm", "SubmitObjectsRequest", XdsNames.Lcm);
        writer.WriteAttributeString("xmlns", "rim", null, XdsNames.Rim);
        writer.WriteStartElement("rim", "RegistryObjectList", XdsNames.Rim);
        WriteSubmissionSet(writer, plan.Set);
        foreach (var document in plan.Documents)
        {
            WriteDocumentEntry(writer, document.EntryUuid, document.Entry);
            WriteHasMember(writer, plan.Set.EntryUuid, document.EntryUuid, previousVersion: null);
            if (document.ReplacesEntryUuid is { } replaced)
            {
                RimWriter.StartAssociation(writer, XdsNames.Replace, document.EntryUuid, replaced);
                writer.WriteEndElement();
            }
        }

        WriteSignatureEntry(writer, plan, signature);
        writer.WriteEndElement(); // RegistryObjectList
        writer.WriteEndElement(); // SubmitObjectsRequest
        foreach (var document in plan.Documents)
        {
            WriteDocumentPart(writer, document.EntryUuid, document.ContentId);
        }

        WriteDocumentPart(writer, signature.EntryUuid, signature.ContentId);
        writer.WriteEndElement();
    }

    /// <summary>The MTOM parts of an ITI-41 request, in the order of the <c>xdsb:Document</c> elements.</summary>
    public static IReadOnlyList<MtomAttachment> Attachments(XdsSubmissionPlan plan)
    {
        var signature = plan.Signature ?? throw new InvalidOperationException("The lot signature is computed before the parts are built.");
        var parts = plan.Documents.Select(d => Part(d.ContentId, d.Entry.MimeType, d.Content)).ToList();
        parts.Add(Part(signature.ContentId, "text/xml", signature.Content));
        return parts;
    }

    public static void WriteSubmissionSet(XmlWriter writer, XdsSubmissionSetInfo set)
    {
        writer.WriteStartElement("rim", "RegistryPackage", XdsNames.Rim);
        writer.WriteAttributeString("id", set.EntryUuid);
        writer.WriteAttributeString("objectType", XdsNames.RegistryPackageObjectType);
        RimWriter.Slot(writer, "submissionTime", XdsSubmissionBuilder.Utc(set.SubmissionTime));
        RimWriter.LocalizedString(writer, "Name", set.Title);
        RimWriter.AuthorClassification(writer, XdsNames.SetAuthor, set.EntryUuid, set.Author);
        RimWriter.CodeClassification(writer, XdsNames.SetContentTypeCode, set.EntryUuid, set.ContentTypeCode);
        RimWriter.ExternalIdentifier(writer, XdsNames.SetUniqueId, set.EntryUuid, set.UniqueId, "XDSSubmissionSet.uniqueId");
        RimWriter.ExternalIdentifier(writer, XdsNames.SetSourceId, set.EntryUuid, set.SourceId, "XDSSubmissionSet.sourceId");
        RimWriter.ExternalIdentifier(writer, XdsNames.SetPatientId, set.EntryUuid, set.PatientId, "XDSSubmissionSet.patientId");
        writer.WriteEndElement();

        // The classification that makes the package a submission set.
        writer.WriteStartElement("rim", "Classification", XdsNames.Rim);
        writer.WriteAttributeString("id", RimWriter.NewUuid());
        writer.WriteAttributeString("objectType", XdsNames.ClassificationObjectType);
        writer.WriteAttributeString("classifiedObject", set.EntryUuid);
        writer.WriteAttributeString("classificationNode", XdsNames.SubmissionSetNode);
        writer.WriteEndElement();
    }

    /// <summary>Writes one DocumentEntry ExtrinsicObject with every slot, classification and external identifier.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="entryUuid">The entryUUID.</param>
    /// <param name="entry">The metadata.</param>
    public static void WriteDocumentEntry(XmlWriter writer, string entryUuid, XdsDocumentEntry entry)
    {
        writer.WriteStartElement("rim", "ExtrinsicObject", XdsNames.Rim);
        writer.WriteAttributeString("id", entryUuid);
        writer.WriteAttributeString("mimeType", entry.MimeType);
        writer.WriteAttributeString("objectType", XdsNames.StableDocumentEntry);
        writer.WriteAttributeString("status", XdsNames.Approved);
        RimWriter.Slot(writer, "creationTime", entry.CreationTime);
        RimWriter.Slot(writer, "hash", entry.Hash);
        RimWriter.Slot(writer, "languageCode", entry.LanguageCode);
        if (entry.LegalAuthenticator is not null)
        {
            RimWriter.Slot(writer, "legalAuthenticator", entry.LegalAuthenticator);
        }

        if (entry.ServiceStartTime is not null)
        {
            RimWriter.Slot(writer, "serviceStartTime", entry.ServiceStartTime);
        }

        if (entry.ServiceStopTime is not null)
        {
            RimWriter.Slot(writer, "serviceStopTime", entry.ServiceStopTime);
        }

        RimWriter.Slot(writer, "size", entry.Size.ToString(CultureInfo.InvariantCulture));
        RimWriter.Slot(writer, "sourcePatientId", entry.SourcePatientId);
        RimWriter.Slot(writer, "sourcePatientInfo", [.. entry.SourcePatientInfo]);
        RimWriter.LocalizedString(writer, "Name", entry.Title);
        RimWriter.AuthorClassification(writer, XdsNames.EntryAuthor, entryUuid,
            new XdsAuthor(entry.AuthorPerson, entry.AuthorInstitution, Specialty: entry.AuthorSpecialty));
        RimWriter.CodeClassification(writer, XdsNames.EntryClassCode, entryUuid, entry.ClassCode);
        foreach (var code in entry.ConfidentialityCodes)
        {
            RimWriter.CodeClassification(writer, XdsNames.EntryConfidentialityCode, entryUuid, code);
        }

        RimWriter.CodeClassification(writer, XdsNames.EntryFormatCode, entryUuid, entry.FormatCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryHealthcareFacilityTypeCode, entryUuid, entry.HealthcareFacilityTypeCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryPracticeSettingCode, entryUuid, entry.PracticeSettingCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryTypeCode, entryUuid, entry.TypeCode);
        RimWriter.ExternalIdentifier(writer, XdsNames.EntryPatientId, entryUuid, entry.PatientId, "XDSDocumentEntry.patientId");
        RimWriter.ExternalIdentifier(writer, XdsNames.EntryUniqueId, entryUuid, entry.UniqueId, "XDSDocumentEntry.uniqueId");
        writer.WriteEndElement();
    }

    /// <summary>A set → entry <c>HasMember</c> with <c>SubmissionSetStatus=Original</c> (and <c>PreviousVersion</c>
    /// for an ITI-57 metadata update).</summary>
    public static void WriteHasMember(XmlWriter writer, string setUuid, string entryUuid, int? previousVersion)
    {
        RimWriter.StartAssociation(writer, XdsNames.HasMember, setUuid, entryUuid);
        RimWriter.Slot(writer, "SubmissionSetStatus", "Original");
        if (previousVersion is { } version)
        {
            RimWriter.Slot(writer, "PreviousVersion", version.ToString(CultureInfo.InvariantCulture));
        }

        writer.WriteEndElement();
    }

    /// <summary>Writes <c>Signature01</c>: its ExtrinsicObject (dmp.md §2.7), its <c>HasMember</c>, and the
    /// <c>signs</c> association from it to the set.</summary>
    public static void WriteSignatureEntry(XmlWriter writer, XdsSubmissionPlan plan, XdsPlannedSignature signature)
    {
        var id = signature.EntryUuid;
        writer.WriteStartElement("rim", "ExtrinsicObject", XdsNames.Rim);
        writer.WriteAttributeString("id", id);
        writer.WriteAttributeString("mimeType", "text/xml");
        writer.WriteAttributeString("objectType", XdsNames.StableDocumentEntry);
        writer.WriteAttributeString("status", XdsNames.Approved);
        RimWriter.Slot(writer, "creationTime", XdsSubmissionBuilder.Utc(plan.Set.SubmissionTime));
        RimWriter.Slot(writer, "hash", XdsSubmissionBuilder.Sha1Hex(signature.Content.Span));
        RimWriter.Slot(writer, "languageCode", "art");
        RimWriter.Slot(writer, "size", signature.Content.Length.ToString(CultureInfo.InvariantCulture));
        RimWriter.Slot(writer, "sourcePatientId", plan.Set.PatientId);
        RimWriter.LocalizedString(writer, "Name", "Source");
        RimWriter.AuthorClassification(writer, XdsNames.EntryAuthor, id, plan.Set.Author);
        RimWriter.CodeClassification(writer, XdsNames.EntryClassCode, id, XdsSubmissionBuilder.SignatureClassCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryConfidentialityCode, id, new CdaCode("N", XdsNames.ConfidentialitySystem, "Normal"));
        RimWriter.CodeClassification(writer, XdsNames.EntryConfidentialityCode, id, new CdaCode("MASQUE_PS", XdsNames.VisibilitySystem, "Masqué aux professionnels de santé"));
        RimWriter.CodeClassification(writer, XdsNames.EntryConfidentialityCode, id, new CdaCode("INVISIBLE_PATIENT", XdsNames.VisibilitySystem, "Non visible par le patient"));
        RimWriter.CodeClassification(writer, XdsNames.EntryEventCode, id, XdsSubmissionBuilder.SignatureEventCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryFormatCode, id, XdsSubmissionBuilder.SignatureFormatCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryHealthcareFacilityTypeCode, id, plan.HealthcareFacilityTypeCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryPracticeSettingCode, id, plan.PracticeSettingCode);
        RimWriter.CodeClassification(writer, XdsNames.EntryTypeCode, id, XdsSubmissionBuilder.SignatureTypeCode);
        RimWriter.ExternalIdentifier(writer, XdsNames.EntryPatientId, id, plan.Set.PatientId, "XDSDocumentEntry.patientId");
        RimWriter.ExternalIdentifier(writer, XdsNames.EntryUniqueId, id, signature.UniqueId, "XDSDocumentEntry.uniqueId");
        writer.WriteEndElement();
        WriteHasMember(writer, plan.Set.EntryUuid, id, previousVersion: null);
        RimWriter.StartAssociation(writer, XdsNames.Signs, id, plan.Set.EntryUuid);
        writer.WriteEndElement();
    }

    private static void WriteDocumentPart(XmlWriter writer, string entryUuid, string contentId)
    {
        writer.WriteStartElement("xdsb", "Document", XdsNames.Xdsb);
        writer.WriteAttributeString("id", entryUuid);
        writer.WriteStartElement("xop", "Include", SoapNamespaces.Xop);
        writer.WriteAttributeString("href", "cid:" + contentId);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static MtomAttachment Part(string contentId, string mimeType, ReadOnlyMemory<byte> content) =>
        new(contentId, mimeType, new MemoryStream(content.ToArray(), writable: false));
}
