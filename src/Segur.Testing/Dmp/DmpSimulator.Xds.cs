using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Xds;
using Segur.Security;

namespace Segur.Testing.Dmp;

public sealed partial class DmpSimulator
{
    private const string MetadataError = "XDSRegistryMetadataError";
    private static readonly string[] DmpClassCodes = ["10", "11", "31", "42", "43", "44", "45", "52", "60", "90", "95"];

    /// <summary>TD2.1 / ITI-41: validates the whole submission (DMP rules of §3.2), then stores it atomically.</summary>
    private DmpAnswer HandleIti41(DmpExchange exchange)
    {
        var body = exchange.Body;
        var submit = ChildElement(body, "SubmitObjectsRequest");
        var list = ChildElement(submit, "RegistryObjectList");
        if (body is not { LocalName: "ProvideAndRegisterDocumentSetRequest", NamespaceURI: DmpNs.Xdsb } || list is null)
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "ProvideAndRegisterDocumentSetRequest/SubmitObjectsRequest/RegistryObjectList attendu.");
        }

        var metadata = XdsMetadata.Read(list);
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var document in body.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Document" && e.NamespaceURI == DmpNs.Xdsb))
        {
            documents[document.GetAttribute("id")] = ReadDocumentBytes(exchange, document);
        }

        lock (_state.Gate)
        {
            foreach (var entry in metadata.Entries)
            {
                _state.ReceivedCounts[entry.UniqueId] = _state.ReceivedCounts.GetValueOrDefault(entry.UniqueId) + 1;
            }

            var errors = ValidateSubmission(exchange, metadata, documents);
            if (errors.Count > 0)
            {
                return RegistryFailure(exchange, errors);
            }

            Commit(exchange, metadata, documents);
        }

        return RegistryOk(exchange);
    }

    private List<RegistryError> ValidateSubmission(DmpExchange exchange, XdsMetadata metadata, Dictionary<string, byte[]> documents)
    {
        var errors = new List<RegistryError>();
        var set = metadata.Set;
        if (set is null)
        {
            return [new RegistryError(MetadataError, "Le lot ne contient pas de RegistryPackage classé SubmissionSet.")];
        }

        if (set.PatientId != exchange.Vihf.ResourceId)
        {
            return [new RegistryError(Options.ErrorCodes.PatientMismatch, "Le patientId du lot n'est pas le resource-id du VIHF.")];
        }

        var access = CheckAccess(exchange, AccessKind.Feed);
        if (access is not null)
        {
            return [access];
        }

        if (!IsBareOid(set.UniqueId))
        {
            errors.Add(new RegistryError(MetadataError, $"uniqueId du lot invalide (OID attendu) : {set.UniqueId}.", Location: set.Id));
        }

        if (metadata.Entries.Count == 0)
        {
            errors.Add(new RegistryError(MetadataError, "Le lot ne contient aucun document."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in metadata.Entries)
        {
            if (!IsBareOid(entry.UniqueId))
            {
                errors.Add(new RegistryError(MetadataError, $"uniqueId invalide : le DMP attend un OID seul, sans extension ({entry.UniqueId}).", Location: entry.Id));
            }
            else if (!seen.Add(entry.UniqueId))
            {
                errors.Add(new RegistryError("XDSRegistryDuplicateUniqueIdInMessage", $"uniqueId en double dans le lot : {entry.UniqueId}.", Location: entry.Id));
            }
            else if (_state.Entries.Exists(e => e.UniqueId == entry.UniqueId))
            {
                errors.Add(new RegistryError("XDSDuplicateUniqueIdInRegistry", $"uniqueId déjà présent dans le DMP : {entry.UniqueId}.", Location: entry.Id));
            }

            if (entry.PatientId != set.PatientId)
            {
                errors.Add(new RegistryError("XDSPatientIdDoesNotMatch", "Le patientId du document n'est pas celui du lot.", Location: entry.Id));
            }

            if (string.IsNullOrEmpty(entry.Element.GetAttribute("mimeType")))
            {
                errors.Add(new RegistryError(MetadataError, "mimeType absent.", Location: entry.Id));
            }

            if (!documents.TryGetValue(entry.Id, out var bytes))
            {
                errors.Add(new RegistryError("XDSMissingDocument", $"Aucun Document joint pour {entry.Id}.", Location: entry.Id));
            }
            else
            {
                var hash = entry.Slot("hash");
                if (hash is not null && !string.Equals(hash, Sha1Hex(bytes), StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new RegistryError("XDSNonIdenticalHash", "Le hash SHA-1 ne correspond pas au document joint.", Location: entry.Id));
                }

                var size = entry.Slot("size");
                if (size is not null && size != bytes.Length.ToString(CultureInfo.InvariantCulture))
                {
                    errors.Add(new RegistryError("XDSNonIdenticalSize", "La taille ne correspond pas au document joint.", Location: entry.Id));
                }
            }

            if (!entry.IsSignature)
            {
                errors.AddRange(ValidateCodes(entry));
            }

            if (entry.Replaces is { } target)
            {
                var replaced = _state.ByEntryUuid(target);
                if (replaced is null)
                {
                    errors.Add(new RegistryError("UnresolvedReferenceException", $"RPLC vers un entryUUID inconnu : {target}.", Location: entry.Id));
                }
                else if (replaced.Status != "Approved" || replaced.PatientId != set.PatientId)
                {
                    errors.Add(new RegistryError(MetadataError, $"RPLC vers un document non remplaçable (statut {replaced.Status}).", Location: entry.Id));
                }
            }
        }

        foreach (var id in metadata.Entries.Where(e => !metadata.IsMember(e.Id)).Select(e => e.Id))
        {
            errors.Add(new RegistryError(MetadataError, $"Association HasMember (SubmissionSetStatus=Original) absente pour {id}.", Location: id));
        }

        errors.AddRange(ValidateLotSignature(metadata, documents, checkContent: errors.Count == 0));
        return errors;
    }

    private IEnumerable<RegistryError> ValidateCodes(XdsEntry entry)
    {
        var codes = Options.ErrorCodes;
        var confidentiality = entry.Codes(XdsIds.ConfidentialityCode);
        if (confidentiality.Contains((DmpCodes.MasquePs, DmpCodes.VisibilityScheme)) && confidentiality.Contains((DmpCodes.InvisiblePatient, DmpCodes.VisibilityScheme))
            && !Options.AllowMaskedAndInvisible)
        {
            yield return new RegistryError(codes.MaskedAndInvisible, "MASQUE_PS et INVISIBLE_PATIENT ne peuvent pas être cumulés sur ce DMP.", Location: entry.Id);
        }

        foreach (var (code, scheme) in confidentiality)
        {
            if (!CdaValueSets.Confidentiality.Contains(code, scheme) && !CdaValueSets.XdsConfidentiality.Contains(code, scheme))
            {
                yield return new RegistryError(MetadataError, $"confidentialityCode hors JDV : {code} ({scheme}).", Location: entry.Id);
            }
        }

        var classCodes = entry.Codes(XdsIds.ClassCode);
        if (classCodes.Count != 1 || !(classCodes[0].Scheme == "1.2.250.1.213.1.1.4.1" && DmpClassCodes.Contains(classCodes[0].Code)))
        {
            yield return new RegistryError(MetadataError, "classCode absent ou hors JDV_J57.", Location: entry.Id);
        }

        var typeCodes = entry.Codes(XdsIds.TypeCode);
        if (typeCodes.Count != 1 || !CdaValueSets.TypeCode.Contains(typeCodes[0].Code, typeCodes[0].Scheme))
        {
            yield return new RegistryError(MetadataError, "typeCode absent ou hors JDV.", Location: entry.Id);
        }

        if (entry.Codes(XdsIds.FormatCode).Count != 1)
        {
            yield return new RegistryError(MetadataError, "formatCode absent.", Location: entry.Id);
        }

        var facility = entry.Codes(XdsIds.FacilityTypeCode);
        if (facility.Count != 1 || !CdaValueSets.HealthcareFacilityType.Contains(facility[0].Code, facility[0].Scheme))
        {
            yield return new RegistryError(MetadataError, "healthcareFacilityTypeCode absent ou hors JDV.", Location: entry.Id);
        }

        var practice = entry.Codes(XdsIds.PracticeSettingCode);
        if (practice.Count != 1 || !CdaValueSets.PracticeSetting.Contains(practice[0].Code, practice[0].Scheme))
        {
            yield return new RegistryError(MetadataError, "practiceSettingCode absent ou hors JDV.", Location: entry.Id);
        }

        foreach (var specialty in entry.AuthorSpecialties)
        {
            var parts = specialty.Split('^');
            if (parts.Length < 3 || !CdaValueSets.AuthorSpecialty.Contains(parts[0], parts[2]))
            {
                yield return new RegistryError(MetadataError, $"authorSpecialty hors JDV : {specialty}.", Location: entry.Id);
            }
        }

        if (entry.AuthorId is null)
        {
            yield return new RegistryError(MetadataError, "authorPerson absent.", Location: entry.Id);
        }
    }

    private IEnumerable<RegistryError> ValidateLotSignature(XdsMetadata metadata, Dictionary<string, byte[]> documents, bool checkContent)
    {
        var code = Options.ErrorCodes.LotSignature;
        var signatures = metadata.Entries.Where(e => e.IsSignature).ToList();
        if (signatures.Count != 1)
        {
            yield return new RegistryError(code, "Le lot doit contenir exactement un document de signature (Signature01, formatCode xmldsig).");
            yield break;
        }

        var signature = signatures[0];
        if (!metadata.Associations.Exists(a => a.Type == XdsIds.Signs && a.Source == signature.Id && a.Target == metadata.Set!.Id))
        {
            yield return new RegistryError(code, "Association signs de Signature01 vers le lot absente.", Location: signature.Id);
            yield break;
        }

        if (!checkContent || !documents.TryGetValue(signature.Id, out var bytes))
        {
            yield break;
        }

        var message = Options.LotSignatureVerifier is { } verify
            ? verify(bytes, [.. metadata.Entries.Where(e => !e.IsSignature).Select(e => e.UniqueId).Append(metadata.Set!.UniqueId)])
            : Options.VerifyLotSignature ? VerifyLot(metadata, documents, bytes) : null;
        if (message is not null)
        {
            yield return new RegistryError(code, "Signature XAdES du lot invalide : " + message, Location: signature.Id);
        }
    }

    private string? VerifyLot(XdsMetadata metadata, Dictionary<string, byte[]> documents, byte[] signature)
    {
        var byUniqueId = metadata.Entries.Where(e => !e.IsSignature).ToDictionary(e => e.UniqueId, e => (ReadOnlyMemory<byte>)documents[e.Id], StringComparer.Ordinal);
        try
        {
            var verification = DmpLotSignature.Verify(signature, byUniqueId, new DmpLotSignatureVerificationOptions { SubmissionSetUniqueId = metadata.Set!.UniqueId });
            var trusted = !Options.RequireTrustedVihfSigner || Pki.Trust.Evaluate(verification.SignerCertificate,
                new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = Options.TimeProvider }).IsTrusted;
            return trusted ? null : "le certificat signataire n'est pas reconnu.";
        }
        catch (SegurException ex)
        {
            return $"{ex.ErrorCode} {ex.Message}";
        }
    }

    private void Commit(DmpExchange exchange, XdsMetadata metadata, Dictionary<string, byte[]> documents)
    {
        var set = metadata.Set!;
        var ids = metadata.Entries.ToDictionary(e => e.Id, _ => NewUuid(), StringComparer.Ordinal);
        var setUuid = NewUuid();
        ids[set.Id] = setUuid;
        var now = Options.TimeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var setElement = Normalize(set.Element, ids);
        if (XdsEntry.SlotOf(setElement, "submissionTime") is null)
        {
            AddSlot(setElement, "submissionTime", now);
        }

        var storedSet = new StoredSubmissionSet
        {
            EntryUuid = setUuid, UniqueId = set.UniqueId, PatientId = set.PatientId, SubmissionTime = XdsEntry.SlotOf(setElement, "submissionTime") ?? now,
            SourceId = set.Identifier(XdsIds.SetSourceId) ?? string.Empty, ContentTypeCodes = set.Codes(XdsIds.SetContentTypeCode), Metadata = setElement,
        };
        foreach (var entry in metadata.Entries)
        {
            var bytes = documents[entry.Id];
            var uuid = ids[entry.Id];
            var element = Normalize(entry.Element, ids);
            element.SetAttribute("lid", uuid);
            SetSlot(element, "hash", Sha1Hex(bytes));
            SetSlot(element, "size", bytes.Length.ToString(CultureInfo.InvariantCulture));
            SetSlot(element, "repositoryUniqueId", Options.RepositoryUniqueId);
            AddVersionInfo(element, 1);
            _state.Entries.Add(new StoredEntry
            {
                EntryUuid = uuid, Lid = uuid, Version = 1, UniqueId = entry.UniqueId, PatientId = entry.PatientId, Status = "Approved",
                AuthorId = entry.AuthorId ?? exchange.Vihf.SubjectId, Confidentiality = [.. entry.Codes(XdsIds.ConfidentialityCode).Select(c => c.Code)],
                MimeType = entry.Element.GetAttribute("mimeType"), Size = bytes.Length, Hash = Sha1Hex(bytes), SubmissionSetEntryUuid = setUuid,
                SubmissionSetUniqueId = set.UniqueId, CreationTime = entry.Slot("creationTime") ?? now, ClassCodes = entry.Codes(XdsIds.ClassCode),
                TypeCodes = entry.Codes(XdsIds.TypeCode), FormatCodes = entry.Codes(XdsIds.FormatCode), ReferenceIds = entry.Slots("urn:ihe:iti:xds:2013:referenceIdList"),
                Metadata = element,
            });
            storedSet.Members.Add(uuid);
            _state.Repository[entry.UniqueId] = bytes;
            _state.StoredCounts[entry.UniqueId] = _state.StoredCounts.GetValueOrDefault(entry.UniqueId) + 1;
            if (entry.Replaces is { } target)
            {
                _state.ByEntryUuid(target)!.Status = "Deprecated";
            }
        }

        _state.SubmissionSets.Add(storedSet);
    }

    /// <summary>Copies a submitted object into the store, replacing symbolic ids with the assigned entryUUIDs.</summary>
    private XmlElement Normalize(XmlElement source, Dictionary<string, string> ids)
    {
        var element = (XmlElement)_state.Store.ImportNode(source, true);
        element.SetAttribute("status", DmpCodes.Approved);
        foreach (var node in element.SelectNodes("descendant-or-self::*")!.OfType<XmlElement>())
        {
            foreach (var name in new[] { "id", "classifiedObject", "registryObject" })
            {
                if (node.GetAttributeNode(name) is { } attribute && ids.TryGetValue(attribute.Value, out var uuid))
                {
                    attribute.Value = uuid;
                }
            }
        }

        foreach (var node in element.SelectNodes("descendant::*[@id and not(starts-with(@id,'urn:uuid:'))]")!.OfType<XmlElement>())
        {
            node.SetAttribute("id", NewUuid());
        }

        return element;
    }

    private static void SetSlot(XmlElement element, string name, string value)
    {
        foreach (var slot in element.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Slot" && e.GetAttribute("name") == name).ToList())
        {
            element.RemoveChild(slot);
        }

        AddSlot(element, name, value);
    }

    private static byte[] ReadDocumentBytes(DmpExchange exchange, XmlElement document)
    {
        var attachment = exchange.Mtom?.GetAttachment(document);
        if (attachment is null)
        {
            return Convert.FromBase64String(document.InnerText.Trim());
        }

        using var stream = attachment.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static bool IsBareOid(string value) => OidPattern().IsMatch(value) && value.Length <= 64;

    [GeneratedRegex(@"^[0-2](\.(0|[1-9][0-9]*))+$", RegexOptions.CultureInvariant)]
    private static partial Regex OidPattern();

    private enum AccessKind
    {
        Feed,
        Consult,
        Manage,
    }

    /// <summary>The DMP access rules (§2.5, §3.2): active DMP; a blocked professional gets nothing; feeding needs no
    /// authorisation; consulting needs <c>VALIDE</c> except <c>bris_de_glace</c>/<c>centre_15</c>, refused by the
    /// matching opposition; TD3.3 changes need <c>VALIDE</c> (unless <see cref="DmpSimulatorOptions.ManageRequiresAuthorization"/> is off).</summary>
    private RegistryError? CheckAccess(DmpExchange exchange, AccessKind kind)
    {
        var codes = Options.ErrorCodes;
        var ins = exchange.Vihf.ResourceIns;
        var patient = _state.Patients.GetValueOrDefault(ins);
        if (patient is null || patient.State == DmpState.NotFound)
        {
            return new RegistryError(codes.DmpNotFound, "Ce patient n'a pas de DMP.");
        }

        if (patient.State == DmpState.Closed)
        {
            return new RegistryError(codes.DmpClosed, "Le DMP de ce patient est fermé.");
        }

        var authorization = _state.AuthorizationOf(ins, exchange.Vihf.SubjectId);
        if (authorization == DmpAuthorization.Forbidden)
        {
            return new RegistryError(codes.ProfessionalBlocked, "Le patient a bloqué l'accès de ce professionnel à son DMP.");
        }

        if (kind == AccessKind.Feed)
        {
            return null;
        }

        if (kind == AccessKind.Consult && exchange.Vihf.PurposeOfUse == "bris_de_glace")
        {
            return patient.Oppositions.Contains(DmpCodes.OppositionBreakGlass)
                ? new RegistryError(codes.BreakGlassOpposed, "Le patient s'est opposé à l'accès en bris de glace.")
                : null;
        }

        if (kind == AccessKind.Consult && exchange.Vihf.PurposeOfUse == "centre_15")
        {
            return patient.Oppositions.Contains(DmpCodes.OppositionEmergency)
                ? new RegistryError(codes.EmergencyAccessOpposed, "Le patient s'est opposé à l'accès par le centre 15.")
                : null;
        }

        if (kind == AccessKind.Manage && !Options.ManageRequiresAuthorization)
        {
            return null;
        }

        return authorization == DmpAuthorization.Valid
            ? null
            : new RegistryError(codes.AccessDenied, $"Autorisation d'accès {DmpCodes.AuthorizationCode(authorization)} : consultation refusée.");
    }

    /// <summary>Whether a professional may see an entry: <c>MASQUE_PS</c> hides it from everyone but its author (and the
    /// médecin traitant when <see cref="DmpSimulatorOptions.TreatingPhysicianSeesMasked"/>).</summary>
    private bool IsVisible(StoredEntry entry, string professionalId)
    {
        if (!entry.IsMasked || entry.AuthorId == professionalId)
        {
            return true;
        }

        return Options.TreatingPhysicianSeesMasked && _state.Patients.GetValueOrDefault(InsOf(entry.PatientId))?.TreatingPhysician == professionalId;
    }

    private static DmpAnswer RegistryOk(DmpExchange exchange) =>
        new(StatusCodes.Status200OK, writer => WriteRegistryResponse(writer, XdsIds.Success, []), exchange.Action + "Response", [], "ok");

    private static DmpAnswer RegistryFailure(DmpExchange exchange, IReadOnlyList<RegistryError> errors)
    {
        var outcome = "failure:" + string.Join(',', errors.Select(e => e.Code));
        var action = exchange.Action + "Response";
        return exchange.Action switch
        {
            DmpActions.Iti18 => new(StatusCodes.Status200OK, writer =>
            {
                writer.WriteStartElement("query", "AdhocQueryResponse", DmpNs.Query);
                writer.WriteAttributeString("status", XdsIds.Failure);
                WriteErrors(writer, errors);
                writer.WriteEndElement();
            }, action, [], outcome),
            DmpActions.Iti43 => new(StatusCodes.Status200OK, writer =>
            {
                writer.WriteStartElement("xdsb", "RetrieveDocumentSetResponse", DmpNs.Xdsb);
                WriteRegistryResponse(writer, XdsIds.Failure, errors);
                writer.WriteEndElement();
            }, action, [], outcome, Mtom: true),
            _ => new(StatusCodes.Status200OK, writer => WriteRegistryResponse(writer, XdsIds.Failure, errors), action, [], outcome),
        };
    }

    private static void WriteRegistryResponse(XmlWriter writer, string status, IReadOnlyList<RegistryError> errors)
    {
        writer.WriteStartElement("rs", "RegistryResponse", DmpNs.Rs);
        writer.WriteAttributeString("status", status);
        WriteErrors(writer, errors);
        writer.WriteEndElement();
    }

    private static void WriteErrors(XmlWriter writer, IReadOnlyList<RegistryError> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        writer.WriteStartElement("rs", "RegistryErrorList", DmpNs.Rs);
        writer.WriteAttributeString("highestSeverity", errors.Any(e => e.Severity.EndsWith(":Error", StringComparison.Ordinal))
            ? "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error" : "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning");
        foreach (var error in errors)
        {
            writer.WriteStartElement("rs", "RegistryError", DmpNs.Rs);
            writer.WriteAttributeString("errorCode", error.Code);
            writer.WriteAttributeString("codeContext", error.Context);
            writer.WriteAttributeString("severity", error.Severity);
            if (error.Location is not null)
            {
                writer.WriteAttributeString("location", error.Location);
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }
}

/// <summary>The ebRIM objects of a submission.</summary>
internal sealed class XdsMetadata
{
    public List<XdsEntry> Entries { get; } = [];
    public XdsEntry? Set { get; private set; }
    public List<(string Id, string Type, string Source, string Target, XmlElement Element)> Associations { get; } = [];

    public bool IsMember(string id) => Associations.Exists(a => a.Type == XdsIds.HasMember && a.Source == Set?.Id && a.Target == id);

    public static XdsMetadata Read(XmlElement list)
    {
        var result = new XdsMetadata();
        var objects = list.ChildNodes.OfType<XmlElement>().Where(e => e.NamespaceURI == DmpNs.Rim).ToList();
        var setIds = objects.Where(e => e.LocalName == "Classification" && e.GetAttribute("classificationNode") == XdsIds.SubmissionSetNode)
            .Select(e => e.GetAttribute("classifiedObject")).ToHashSet(StringComparer.Ordinal);
        foreach (var element in objects)
        {
            switch (element.LocalName)
            {
                case "ExtrinsicObject":
                    result.Entries.Add(new XdsEntry(element, XdsIds.DocumentUniqueId, XdsIds.DocumentPatientId));
                    break;
                case "RegistryPackage":
                    var nested = element.ChildNodes.OfType<XmlElement>().Any(c => c.LocalName == "Classification" && c.GetAttribute("classificationNode") == XdsIds.SubmissionSetNode);
                    if (nested || setIds.Contains(element.GetAttribute("id")))
                    {
                        result.Set = new XdsEntry(element, XdsIds.SetUniqueId, XdsIds.SetPatientId);
                    }

                    break;
                case "Association":
                    result.Associations.Add((element.GetAttribute("id"), element.GetAttribute("associationType"), element.GetAttribute("sourceObject"),
                        element.GetAttribute("targetObject"), element));
                    break;
            }
        }

        foreach (var entry in result.Entries)
        {
            entry.Replaces = result.Associations.Where(a => a.Type == XdsIds.Replace && a.Source == entry.Id).Select(a => a.Target).FirstOrDefault();
        }

        return result;
    }
}

/// <summary>One ExtrinsicObject or RegistryPackage of a submission.</summary>
internal sealed class XdsEntry(XmlElement element, string uniqueIdScheme, string patientIdScheme)
{
    public XmlElement Element { get; } = element;
    public string Id => Element.GetAttribute("id");
    public string UniqueId => Identifier(uniqueIdScheme) ?? string.Empty;
    public string PatientId => Identifier(patientIdScheme) ?? string.Empty;
    public string? Replaces { get; set; }

    public bool IsSignature => Codes(XdsIds.FormatCode).Exists(c => c.Code == XdsIds.SignatureFormat) || Codes(XdsIds.TypeCode).Exists(c => c.Code == "E1762");

    public string? AuthorId => AuthorSlots("authorPerson").Select(v => v.Split('^')[0]).FirstOrDefault(v => v.Length > 0);

    public IEnumerable<string> AuthorSpecialties => AuthorSlots("authorSpecialty");

    public string? Identifier(string scheme) => Element.ChildNodes.OfType<XmlElement>()
        .FirstOrDefault(e => e.LocalName == "ExternalIdentifier" && e.GetAttribute("identificationScheme") == scheme)?.GetAttribute("value");

    public List<(string Code, string Scheme)> Codes(string scheme) => [.. Element.ChildNodes.OfType<XmlElement>()
        .Where(e => e.LocalName == "Classification" && e.GetAttribute("classificationScheme") == scheme)
        .Select(e => (e.GetAttribute("nodeRepresentation"), SlotOf(e, "codingScheme") ?? string.Empty))];

    public string? Slot(string name) => SlotOf(Element, name);

    public List<string> Slots(string name) => SlotsOf(Element, name);

    public static string? SlotOf(XmlElement element, string name) => SlotsOf(element, name).FirstOrDefault();

    public static List<string> SlotsOf(XmlElement element, string name) => [.. element.ChildNodes.OfType<XmlElement>()
        .Where(e => e.LocalName == "Slot" && e.GetAttribute("name") == name)
        .SelectMany(s => s.GetElementsByTagName("Value", DmpNs.Rim).OfType<XmlElement>()).Select(v => v.InnerText.Trim())];

    private IEnumerable<string> AuthorSlots(string name) => Element.ChildNodes.OfType<XmlElement>()
        .Where(e => e.LocalName == "Classification" && e.GetAttribute("classificationScheme") is XdsIds.Author or XdsIds.SetAuthor)
        .SelectMany(e => SlotsOf(e, name));
}
