using Segur.Identifiers;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using System.Xml;

namespace Segur.Dmp.Cda;

/// <content>Header checks and header writing.</content>
public sealed partial class CdaDocumentBuilder
{
    private const string V3 = CdaRules.Hl7Namespace;

    private CdaHeader Resolve(CdaHeader header, List<string> warnings)
    {
        var now = _options.TimeProvider.GetLocalNow();
        var effective = header.EffectiveTime ?? now;
        var resolved = header with
        {
            EffectiveTime = effective,
            DocumentId = header.DocumentId ?? CdaRules.NewUuidOid(),
            SetId = header.SetId ?? CdaRules.NewUuidOid(),
            ServiceStartTime = header.ServiceStartTime ?? effective,
        };

        CheckPatient(resolved.Patient, now, warnings);
        CheckPerson(resolved.Author, "author");
        if (resolved.LegalAuthenticator is not null)
        {
            CheckPerson(resolved.LegalAuthenticator, "legalAuthenticator");
        }

        CheckOrganization(resolved.Custodian ?? resolved.Author.Organization, "custodian");
        resolved = resolved with
        {
            TypeCode = RequireCode(resolved.TypeCode, CdaValueSets.TypeCode, "typeCode"),
            PracticeSetting = RequireCode(resolved.PracticeSetting, CdaValueSets.PracticeSetting, "practiceSetting"),
            HealthcareFacilityType = RequireCode(resolved.HealthcareFacilityType, CdaValueSets.HealthcareFacilityType, "healthcareFacilityType"),
            Author = resolved.Author with { Specialty = RequireCode(resolved.Author.Specialty, CdaValueSets.AuthorSpecialty, "author.specialty") },
            LegalAuthenticator = resolved.LegalAuthenticator is { } legal
                ? legal with { Specialty = RequireCode(legal.Specialty, CdaValueSets.AuthorSpecialty, "legalAuthenticator.specialty") }
                : null,
        };

        if (string.IsNullOrWhiteSpace(resolved.Title) || resolved.Title.Length > 128 || HasControl(resolved.Title))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaTextInvalid, "The title is required, at most 128 characters, without control characters.") { Field = "title" };
        }

        if (resolved.LanguageCode is null || !LanguageRegex().IsMatch(resolved.LanguageCode))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaTextInvalid, "The language code must look like fr-FR.") { Field = "languageCode" };
        }

        if (!Enum.IsDefined(resolved.Confidentiality)
            || !CdaValueSets.XdsConfidentiality.Contains(CdaRules.ConfidentialityCode(resolved.Confidentiality), CdaRules.ConfidentialitySystem))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaCodeNotInValueSet, "The confidentiality is not N, R or V.") { Field = "confidentiality" };
        }

        if (resolved.ServiceEventCode is not null)
        {
            CdaRules.RequireOid(resolved.ServiceEventCode.CodeSystem, "serviceEvent code system");
        }

        CdaRules.RequireOid(resolved.DocumentId, "document id");
        CdaRules.RequireOid(resolved.SetId, "set id");
        CheckVersion(resolved);
        if (resolved.ServiceStopTime is { } stop && stop < resolved.ServiceStartTime)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaDateInvalid, "The service stop time is before its start time.") { Field = "serviceStopTime" };
        }

        return resolved;
    }

    private static void CheckVersion(CdaHeader header)
    {
        if (header.VersionNumber < 1)
        {
            throw Version("The version number must be 1 or more.", "versionNumber");
        }

        if (header.RelatedDocument is not { } related)
        {
            return;
        }

        if (!Enum.IsDefined(related.Type))
        {
            throw Version("The relation type is not RPLC or XFRM.", "relatedDocument");
        }

        if (!CdaRules.IsValidOid(related.ParentDocumentId))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaOidInvalid, "The parent document id is not a valid OID.") { Field = "relatedDocument" };
        }

        if (related.ParentDocumentId == header.DocumentId)
        {
            throw Version("A document cannot relate to itself: the new version needs a new id.", "relatedDocument");
        }

        if (related.Type == CdaRelationType.Replace)
        {
            if (header.VersionNumber < 2)
            {
                throw Version("A replacement (RPLC) has a version number of 2 or more.", "versionNumber");
            }

            if (related.ParentSetId is not null && related.ParentSetId != header.SetId)
            {
                throw Version("A replacement (RPLC) keeps the set id of the document it replaces.", "setId");
            }

            if (related.ParentVersionNumber is { } parentVersion && header.VersionNumber <= parentVersion)
            {
                throw Version("A replacement (RPLC) has a higher version number than the document it replaces.", "versionNumber");
            }
        }

        static SegurValidationException Version(string message, string field) => new(DmpErrorCodes.CdaVersionInvalid, message) { Field = field };
    }

    private static void CheckPatient(CdaPatient patient, DateTimeOffset now, List<string> warnings)
    {
        if (patient is null)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientInsMissing, "The document has no patient.") { Field = "patient" };
        }

        if (string.IsNullOrWhiteSpace(patient.Ins) || string.IsNullOrWhiteSpace(patient.InsOid))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientInsMissing,
                "The patient has no INS value or no INS OID: a CDA for the DMP needs a qualified INS.") { Field = "patient.ins" };
        }

        if (!CdaRules.InsOids.Contains(patient.InsOid, StringComparer.Ordinal))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientInsInvalid,
                "The INS OID is not an INS authority (1.2.250.1.213.1.4.8 NIR, .9 NIA, .10 test, .11 demo).") { Field = "patient.insOid" };
        }

        if (!InsRegex().IsMatch(patient.Ins))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientInsInvalid,
                "The INS is not a 15-character matricule (13 characters, 2A/2B allowed for Corsica, and a 2-digit key).") { Field = "patient.ins" };
        }

        if (!InsKeyMatches(patient.Ins))
        {
            warnings.Add("The INS key does not match its 13 first characters (97 - N mod 97); check the identity.");
        }

        RequireName(patient.BirthName, "patient.birthName", DmpErrorCodes.CdaPatientTraitInvalid);
        if (patient.FirstNames is null || patient.FirstNames.Count == 0)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientTraitInvalid, "The patient's birth first names are required.") { Field = "patient.firstNames" };
        }

        foreach (var given in patient.FirstNames)
        {
            RequireName(given, "patient.firstNames", DmpErrorCodes.CdaPatientTraitInvalid);
        }

        if (patient.UsedName is not null)
        {
            RequireName(patient.UsedName, "patient.usedName", DmpErrorCodes.CdaPatientTraitInvalid);
        }

        if (patient.UsedFirstName is not null)
        {
            RequireName(patient.UsedFirstName, "patient.usedFirstName", DmpErrorCodes.CdaPatientTraitInvalid);
        }

        if (!Enum.IsDefined(patient.Sex))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientTraitInvalid, "The patient's sex is not F, M or UN.") { Field = "patient.sex" };
        }

        if (patient.BirthDate > DateOnly.FromDateTime(now.DateTime) || patient.BirthDate.Year < 1850)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaDateInvalid, "The patient's birth date is in the future or before 1850.") { Field = "patient.birthDate" };
        }

        if (patient.BirthPlaceCode is null)
        {
            warnings.Add("The patient's birth place (COG code) is missing; CI-SIS requires it with an INS.");
        }
        else if (!CogRegex().IsMatch(patient.BirthPlaceCode))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPatientTraitInvalid, "The birth place is not a 5-character COG code.") { Field = "patient.birthPlaceCode" };
        }

        foreach (var id in patient.LocalIds ?? [])
        {
            CdaRules.RequireOid(id?.Root, "patient local id root");
        }
    }

    private static void CheckPerson(CdaAuthor person, string field)
    {
        if (person is null)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid, $"The {field} is missing.") { Field = field };
        }

        CheckPsIdNat(person.PsIdNat, field + ".psIdNat");

        RequireName(person.FamilyName, field + ".familyName", DmpErrorCodes.CdaTextInvalid);
        foreach (var (value, name) in new[] { (person.GivenName, "givenName"), (person.Prefix, "prefix"), (person.Suffix, "suffix") })
        {
            if (value is not null)
            {
                RequireName(value, field + "." + name, DmpErrorCodes.CdaTextInvalid);
            }
        }

        CheckOrganization(person.Organization, field + ".organization");
    }

    private static void CheckOrganization(CdaOrganization organization, string field)
    {
        if (organization is null)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid, $"The {field} is missing.") { Field = field };
        }

        CheckStructIdNat(organization, field + ".identifier");
        RequireName(organization.Name, field + ".name", DmpErrorCodes.CdaTextInvalid);
        if (organization.Telecom is not null && (!TelecomRegex().IsMatch(organization.Telecom) || HasControl(organization.Telecom)))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaTextInvalid, $"The {field} telecom must be a tel:, fax: or mailto: URI.") { Field = field + ".telecom" };
        }
    }

    /// <summary>PS_IdNat per the Core's <see cref="ProfessionalIdentifier"/> (RPPS Luhn key, ADELI with ANS test
    /// letters), plus a precise rule for structure staff identifiers, which the Core keeps opaque: <c>1</c>/<c>3</c>/<c>4</c>
    /// + a valid FINESS/SIRET/RPPS-rang, <c>5</c>/<c>6</c> + an alphanumeric structure id, then <c>/</c> and an internal id
    /// without spaces nor HL7 v2 delimiters (the value is copied into the XDS <c>authorPerson</c> XCN).</summary>
    private static void CheckPsIdNat(string? psIdNat, string field)
    {
        ProfessionalIdentifier parsed;
        try
        {
            parsed = ProfessionalIdentifier.Parse(psIdNat);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid,
                $"'{psIdNat}' is not a PS_IdNat (8 + RPPS, 0 + ADELI, or 1/3/4/5/6 + structure id + '/' + internal id): {ex.Message}", innerException: ex)
            { Field = field };
        }

        if (!string.Equals(parsed.Value, psIdNat, StringComparison.Ordinal))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid,
                $"The PS_IdNat '{psIdNat}' must be written as '{parsed.Value}' (upper case, no spaces).") { Field = field };
        }

        if (parsed.Type != ProfessionalIdentifierType.StructureStaff)
        {
            return;
        }

        var slash = parsed.Value.IndexOf('/', StringComparison.Ordinal);
        var structure = parsed.Value[..slash];
        var internalId = parsed.Value[(slash + 1)..];
        var structureValid = structure[0] is '1' or '3' or '4'
            ? OrganizationIdentifier.TryParse(structure, out _)
            : structure.Length is >= 2 and <= 15 && structure.Skip(1).All(char.IsAsciiLetterOrDigit);
        if (!structureValid || !StaffInternalIdRegex().IsMatch(internalId))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid,
                $"The structure staff PS_IdNat '{psIdNat}' must be 1 + FINESS, 3 + SIRET or 4 + RPPS-rang (valid keys) or 5/6 + an alphanumeric structure id, then '/' and an internal id of letters, digits, '.', '_' or '-'.")
            { Field = field };
        }
    }

    /// <summary>Struct_IdNat per the Core's <see cref="OrganizationIdentifier"/>: FINESS, SIREN, SIRET with Luhn keys
    /// (ANS test FINESS with letters such as <c>0B0127189</c> accepted), RPPS-rang with the RPPS key.</summary>
    private static void CheckStructIdNat(CdaOrganization organization, string field)
    {
        var structIdNat = organization.StructIdNat;
        OrganizationIdentifier parsed;
        try
        {
            parsed = OrganizationIdentifier.Parse(structIdNat);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid,
                $"The {organization.IdType} identifier '{organization.Identifier}' is invalid: {ex.Message}", innerException: ex)
            { Field = field };
        }

        if (!string.Equals(parsed.Value, structIdNat, StringComparison.Ordinal))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaIdentifierInvalid,
                $"The {organization.IdType} identifier '{organization.Identifier}' must be written as '{parsed.LocalId}' (upper case, no spaces).") { Field = field };
        }
    }

    private static CdaCode RequireCode(CdaCode code, CdaValueSet valueSet, string field)
    {
        if (code is null || string.IsNullOrEmpty(code.Code) || string.IsNullOrEmpty(code.CodeSystem))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaCodeNotInValueSet, $"The {field} is required.") { Field = field };
        }

        var known = valueSet.Find(code.Code, code.CodeSystem)
            ?? throw new SegurValidationException(DmpErrorCodes.CdaCodeNotInValueSet,
                $"The {field} {code.Code} ({code.CodeSystem}) is not in the value set {valueSet.Name} ({valueSet.Id}).") { Field = field };
        return code.DisplayName is null ? code with { DisplayName = known.DisplayName } : code;
    }

    private static void RequireName(string? value, string field, string errorCode)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200 || HasControl(value))
        {
            throw new SegurValidationException(errorCode, $"The {field} is required, at most 200 characters, without control characters.") { Field = field };
        }
    }

    private static bool InsKeyMatches(string ins)
    {
        var body = ins[..13].Replace("2A", "19", StringComparison.Ordinal).Replace("2B", "18", StringComparison.Ordinal);
        if (!body.All(char.IsAsciiDigit))
        {
            return false;
        }

        var key = 97 - (int)(BigInteger.Parse(body, CultureInfo.InvariantCulture) % 97);
        return key == int.Parse(ins[13..], CultureInfo.InvariantCulture);
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    private static void WriteStart(XmlWriter w, CdaHeader h, IReadOnlyList<CdaInstanceId> templates)
    {
        var effective = h.EffectiveTime!.Value;
        w.WriteStartDocument();
        w.WriteStartElement("ClinicalDocument", V3);
        w.WriteAttributeString("xmlns", "xsi", null, CdaRules.XsiNamespace);
        Empty(w, "realmCode", ("code", "FR"));
        Empty(w, "typeId", ("root", "2.16.840.1.113883.1.3"), ("extension", "POCD_HD000040"));
        foreach (var template in templates)
        {
            Id(w, "templateId", template);
        }

        Empty(w, "id", ("root", h.DocumentId));
        Code(w, "code", h.TypeCode, "LOINC");
        w.WriteElementString("title", V3, h.Title);
        Empty(w, "effectiveTime", ("value", CdaRules.FormatTime(effective)));
        var confidentiality = CdaRules.ConfidentialityCode(h.Confidentiality);
        Code(w, "confidentialityCode", CdaValueSets.Confidentiality.Find(confidentiality, CdaRules.ConfidentialitySystem)
            ?? new CdaCode(confidentiality, CdaRules.ConfidentialitySystem), "Confidentiality");
        Empty(w, "languageCode", ("code", h.LanguageCode));
        Empty(w, "setId", ("root", h.SetId));
        Empty(w, "versionNumber", ("value", Format(h.VersionNumber)));
        WriteRecordTarget(w, h.Patient);

        w.WriteStartElement("author", V3);
        Empty(w, "time", ("value", CdaRules.FormatTime(h.Author.Time ?? effective)));
        w.WriteStartElement("assignedAuthor", V3);
        WritePersonBody(w, h.Author, withOrganization: true, practiceSetting: null);
        w.WriteEndElement();
        w.WriteEndElement();

        var custodian = h.Custodian ?? h.Author.Organization;
        w.WriteStartElement("custodian", V3);
        w.WriteStartElement("assignedCustodian", V3);
        w.WriteStartElement("representedCustodianOrganization", V3);
        Empty(w, "id", ("root", CdaRules.StructIdNatRoot), ("extension", custodian.StructIdNat));
        w.WriteElementString("name", V3, custodian.Name);
        if (custodian.Telecom is not null)
        {
            Empty(w, "telecom", ("value", custodian.Telecom), ("use", "WP"));
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        var legal = h.LegalAuthenticator ?? h.Author;
        w.WriteStartElement("legalAuthenticator", V3);
        Empty(w, "time", ("value", CdaRules.FormatTime(legal.Time ?? h.Author.Time ?? effective)));
        Empty(w, "signatureCode", ("code", "S"));
        w.WriteStartElement("assignedEntity", V3);
        WritePersonBody(w, legal, withOrganization: false, practiceSetting: null);
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("documentationOf", V3);
        w.WriteStartElement("serviceEvent", V3);
        if (h.ServiceEventCode is not null)
        {
            Code(w, "code", h.ServiceEventCode, null);
        }

        w.WriteStartElement("effectiveTime", V3);
        Empty(w, "low", ("value", CdaRules.FormatTime(h.ServiceStartTime!.Value)));
        if (h.ServiceStopTime is { } stop)
        {
            Empty(w, "high", ("value", CdaRules.FormatTime(stop)));
        }

        w.WriteEndElement();
        w.WriteStartElement("performer", V3);
        w.WriteAttributeString("typeCode", "PRF");
        w.WriteStartElement("assignedEntity", V3);
        WritePersonBody(w, h.Author, withOrganization: true, practiceSetting: h.PracticeSetting);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        if (h.RelatedDocument is { } related)
        {
            w.WriteStartElement("relatedDocument", V3);
            w.WriteAttributeString("typeCode", related.Type == CdaRelationType.Replace ? "RPLC" : "XFRM");
            w.WriteStartElement("parentDocument", V3);
            Empty(w, "id", ("root", related.ParentDocumentId));
            if (related.ParentSetId is not null && CdaRules.IsValidOid(related.ParentSetId))
            {
                Empty(w, "setId", ("root", related.ParentSetId));
            }

            if (related.ParentVersionNumber is { } parentVersion)
            {
                Empty(w, "versionNumber", ("value", Format(parentVersion)));
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("componentOf", V3);
        w.WriteStartElement("encompassingEncounter", V3);
        w.WriteStartElement("effectiveTime", V3);
        Empty(w, "low", ("value", CdaRules.FormatTime(h.ServiceStartTime!.Value)));
        if (h.ServiceStopTime is { } encounterStop)
        {
            Empty(w, "high", ("value", CdaRules.FormatTime(encounterStop)));
        }

        w.WriteEndElement();
        w.WriteStartElement("location", V3);
        w.WriteStartElement("healthCareFacility", V3);
        Code(w, "code", h.HealthcareFacilityType, null);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteRecordTarget(XmlWriter w, CdaPatient p)
    {
        w.WriteStartElement("recordTarget", V3);
        w.WriteStartElement("patientRole", V3);
        Empty(w, "id", ("root", p.InsOid), ("extension", p.Ins));
        foreach (var local in p.LocalIds ?? [])
        {
            Id(w, "id", local);
        }

        w.WriteStartElement("patient", V3);
        w.WriteAttributeString("classCode", "PSN");
        w.WriteStartElement("name", V3);
        Qualified(w, "family", p.BirthName, "BR");
        w.WriteElementString("given", V3, string.Join(' ', p.FirstNames));
        Qualified(w, "given", p.FirstNames[0], "BR");
        if (p.UsedName is not null)
        {
            Qualified(w, "family", p.UsedName, "CL");
        }

        if (p.UsedFirstName is not null)
        {
            Qualified(w, "given", p.UsedFirstName, "CL");
        }

        w.WriteEndElement();
        var gender = CdaRules.GenderCode(p.Sex);
        Code(w, "administrativeGenderCode", CdaValueSets.AdministrativeGender.Find(gender, CdaRules.GenderSystem)
            ?? new CdaCode(gender, CdaRules.GenderSystem), null);
        Empty(w, "birthTime", ("value", CdaRules.FormatDate(p.BirthDate)));
        if (p.BirthPlaceCode is not null)
        {
            w.WriteStartElement("birthplace", V3);
            w.WriteStartElement("place", V3);
            w.WriteStartElement("addr", V3);
            w.WriteElementString("county", V3, p.BirthPlaceCode);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>Writes id, code, assignedPerson and (optionally) representedOrganization of an assigned author/entity.</summary>
    private static void WritePersonBody(XmlWriter w, CdaAuthor person, bool withOrganization, CdaCode? practiceSetting)
    {
        Empty(w, "id", ("root", CdaRules.PsIdNatRoot), ("extension", person.PsIdNat));
        Code(w, "code", person.Specialty, null);
        w.WriteStartElement("assignedPerson", V3);
        w.WriteStartElement("name", V3);
        if (person.Prefix is not null)
        {
            w.WriteElementString("prefix", V3, person.Prefix);
        }

        if (person.GivenName is not null)
        {
            w.WriteElementString("given", V3, person.GivenName);
        }

        w.WriteElementString("family", V3, person.FamilyName);
        if (person.Suffix is not null)
        {
            w.WriteElementString("suffix", V3, person.Suffix);
        }

        w.WriteEndElement();
        w.WriteEndElement();
        if (withOrganization)
        {
            var org = person.Organization;
            w.WriteStartElement("representedOrganization", V3);
            Empty(w, "id", ("root", CdaRules.StructIdNatRoot), ("extension", org.StructIdNat));
            w.WriteElementString("name", V3, org.Name);
            if (org.Telecom is not null)
            {
                Empty(w, "telecom", ("value", org.Telecom), ("use", "WP"));
            }

            if (practiceSetting is not null)
            {
                Code(w, "standardIndustryClassCode", practiceSetting, null);
            }

            w.WriteEndElement();
        }
    }

    private static void WriteN1BodyStart(XmlWriter w, string mediaType)
    {
        w.WriteStartElement("component", V3);
        w.WriteStartElement("nonXMLBody", V3);
        w.WriteStartElement("text", V3);
        w.WriteAttributeString("mediaType", mediaType);
        w.WriteAttributeString("representation", "B64");
    }

    private static void WriteEnd(XmlWriter w) => w.WriteEndDocument();

    private static void Qualified(XmlWriter w, string name, string value, string qualifier)
    {
        w.WriteStartElement(name, V3);
        w.WriteAttributeString("qualifier", qualifier);
        w.WriteString(value);
        w.WriteEndElement();
    }

    private static void Id(XmlWriter w, string name, CdaInstanceId id) =>
        Empty(w, name, ("root", id.Root), ("extension", id.Extension));

    private static void Code(XmlWriter w, string name, CdaCode code, string? codeSystemName)
    {
        w.WriteStartElement(name, V3);
        w.WriteAttributeString("code", code.Code);
        if (code.DisplayName is not null)
        {
            w.WriteAttributeString("displayName", code.DisplayName);
        }

        w.WriteAttributeString("codeSystem", code.CodeSystem);
        if (codeSystemName is not null)
        {
            w.WriteAttributeString("codeSystemName", codeSystemName);
        }

        w.WriteEndElement();
    }

    private static void Empty(XmlWriter w, string name, params (string Name, string? Value)[] attributes)
    {
        w.WriteStartElement(name, V3);
        foreach (var (attribute, value) in attributes)
        {
            if (value is not null)
            {
                w.WriteAttributeString(attribute, value);
            }
        }

        w.WriteEndElement();
    }

    [GeneratedRegex("^[0-9]{6}[0-9AB][0-9]{6}[0-9]{2}$")]
    private static partial Regex InsRegex();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}$")]
    private static partial Regex StaffInternalIdRegex();

    [GeneratedRegex("^([0-9]{5}|2A[0-9]{3}|2B[0-9]{3})$")]
    private static partial Regex CogRegex();

    [GeneratedRegex("^(tel|fax|mailto):[^\\s]+$")]
    private static partial Regex TelecomRegex();
}
