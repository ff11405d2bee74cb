using System.Globalization;
using System.Xml;

namespace Segur.Dmp.Client;

/// <summary>
/// Writes and reads the TD0.x messages. TD0.2 and TD0.5 follow the public HL7v3 NE2008 structures
/// (<c>PRPA_IN201307UV02</c>/<c>PRPA_IN201308UV02</c>, IHE PDQv3 <c>PRPA_IN201305UV02</c>/<c>PRPA_IN201306UV02</c>)
/// with the DMP facts of dmp.md §2.2; TD0.3 and TD0.4 are proprietary and their schemas are not public: the element
/// names below are assumptions, kept in one place (this file) so that they can be aligned with the GIE SESAM-Vitale WSDL.
/// </summary>
internal static class Td0Messages
{
    public const string Hl7 = "urn:hl7-org:v3";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string TestExistenceAction = "urn:hl7-org:v3:PRPA_IN201307UV02";
    public const string FindPatientsAction = "urn:hl7-org:v3:PRPA_IN201305UV02";
    public const string SetAuthorizationAction = "urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorization";
    public const string PatientListAction = "urn:si-dmp-patients:PatientSpecificEndPoint:patientList";

    /// <summary>[assumption] The namespace of the proprietary TD0.3 body.</summary>
    public const string HabilitationsNamespace = "urn:si-dmp-habilitations";

    /// <summary>[assumption] The namespace of the proprietary TD0.4 body.</summary>
    public const string PatientsNamespace = "urn:si-dmp-patients";

    public const string ReasonCodeSystem = "1.2.250.1.213.1.1.4.11";
    private const string InteractionCodeSystem = "2.16.840.1.113883.1.6";

    // ---------------- TD0.2 ----------------

    public static void WriteTestExistence(XmlWriter w, DmpPatient patient, DmpClientOptions options, DateTimeOffset now)
    {
        WriteHeader(w, "PRPA_IN201307UV02", options, now);
        w.WriteStartElement("controlActProcess", Hl7);
        w.WriteAttributeString("classCode", "CACT");
        w.WriteAttributeString("moodCode", "EVN");
        Code(w, "code", "PRPA_TE201307UV02", InteractionCodeSystem);
        Code(w, "reasonCode", "TEST_EXST", ReasonCodeSystem);
        w.WriteStartElement("queryByParameter", Hl7);
        Id(w, "queryId", NewUuid(), null);
        Code(w, "statusCode", "new", null);
        Code(w, "responsePriorityCode", "I", null);
        w.WriteStartElement("parameterList", Hl7);
        w.WriteStartElement("patientIdentifier", Hl7);
        Id(w, "value", patient.Ins.Oid.Value, patient.Ins.Matricule.Value);
        w.WriteElementString("semanticsText", Hl7, "Patient.id");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    public static DmpPatientStatus ReadPatientStatus(XmlElement? content)
    {
        var root = Expect(content, "PRPA_IN201308UV02");
        EnsureAccepted(root);
        var queryResponse = Descendant(root, "queryResponseCode")?.GetAttribute("code");
        var registration = Descendant(root, "registrationEvent");
        if (queryResponse == "NF" || (registration is null && queryResponse is not ("AE" or "QE")))
        {
            return new DmpPatientStatus { State = DmpState.NotFound, Authorization = ReadAuthorization(root) };
        }

        if (queryResponse is "AE" or "QE")
        {
            throw Refused(root, $"The DMP refused the TD0.2 query (queryResponseCode {queryResponse}).");
        }

        // The patient role's status says whether the DMP is open; registrationEvent's status is the fallback.
        var patientRole = Descendant(registration!, "patient");
        var status = (patientRole is null ? null : Child(patientRole, "statusCode")?.GetAttribute("code"))
                     ?? Child(registration!, "statusCode")?.GetAttribute("code");
        var state = status switch
        {
            "active" or null or "" => DmpState.Active,
            "terminated" or "suspended" or "nullified" or "obsolete" or "cancelled" or "completed" => DmpState.Closed,
            _ => throw Invalid($"The TD0.2 registration status '{status}' is not known."),
        };
        DateOnly? closedOn = null;
        if (Child(registration!, "effectiveTime") is { } effective && Child(effective, "high")?.GetAttribute("value") is { Length: >= 8 } high)
        {
            closedOn = ParseDate(high);
        }

        var observations = ReadObservations(root);
        var oppositions = observations.Where(o => o.Code.StartsWith("OPPOSITION", StringComparison.OrdinalIgnoreCase) && o.Value != false)
            .Select(o => o.Code).Distinct(StringComparer.Ordinal).ToList();
        return new DmpPatientStatus
        {
            State = state,
            Authorization = ReadAuthorization(root),
            IsTreatingPhysician = AttentionLine(root, "STATUT_MT") is { } mt && Bool(mt),
            AttachedToMonEspaceSante = observations.Any(o => o.Code == "RATTACHEMENT_ENS" && o.Value == true),
            InternetAccountOpen = observations.Any(o => o.Code == "COMPTE_INTERNET_OUVERT" && o.Value == true),
            Oppositions = oppositions,
            ClosedOn = state == DmpState.Closed ? closedOn : null,
        };
    }

    private static DmpAuthorization ReadAuthorization(XmlElement root) =>
        (AttentionLine(root, "AUTORISATION") is { } value ? value.GetAttribute("code") : null) switch
        {
            null or "" or "NON_EXISTE" => DmpAuthorization.None,
            "VALIDE" => DmpAuthorization.Valid,
            "EXPIRE" => DmpAuthorization.Expired,
            "INTERDIT" => DmpAuthorization.Forbidden,
            var other => throw Invalid($"The TD0.2 AUTORISATION value '{other}' is not known."),
        };

    /// <summary>The <c>value</c> of the <c>attentionLine</c> whose <c>keyWordText@code</c> is <paramref name="keyword"/>.</summary>
    private static XmlElement? AttentionLine(XmlElement root, string keyword)
    {
        foreach (var line in Descendants(root, "attentionLine"))
        {
            if (Child(line, "keyWordText")?.GetAttribute("code") == keyword)
            {
                return Child(line, "value");
            }
        }

        return null;
    }

    private static List<(string Code, bool? Value)> ReadObservations(XmlElement root)
    {
        var result = new List<(string, bool?)>();
        foreach (var observation in Descendants(root, "administrativeObservation"))
        {
            var code = Child(observation, "code")?.GetAttribute("code");
            if (string.IsNullOrEmpty(code))
            {
                continue;
            }

            var value = Child(observation, "value");
            result.Add((code, value is null || !value.HasAttribute("value") ? null : Bool(value)));
        }

        return result;
    }

    // ---------------- TD0.3 ----------------

    public static void WriteSetAuthorization(XmlWriter w, string action)
    {
        // The patient travels only in the VIHF resource-id (dmp.md §2.2).
        w.WriteStartElement("setAuthorization", HabilitationsNamespace);
        w.WriteElementString("action", HabilitationsNamespace, action);
        w.WriteEndElement();
    }

    public static void ReadSetAuthorization(XmlElement? content)
    {
        if (content is null)
        {
            return;
        }

        // [assumption] A proprietary status element; an explicit error status is a refusal.
        var status = DescendantAny(content, "status")?.InnerText.Trim();
        if (status is { Length: > 0 } && !status.Equals("OK", StringComparison.OrdinalIgnoreCase) && !status.Equals("SUCCESS", StringComparison.OrdinalIgnoreCase))
        {
            throw new SegurServiceException(DmpErrorCodes.Td0Refused, $"The DMP refused the TD0.3 authorisation change (status {status}).", rawFault: content.OuterXml)
            {
                ServiceCode = status,
            };
        }
    }

    // ---------------- TD0.4 ----------------

    public static string ListKind(DmpPatientListKind kind) => kind switch
    {
        DmpPatientListKind.LastAuthorization => "LASTAUTORIZATION",
        DmpPatientListKind.LastDocument => "LASTDOC",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static void WritePatientList(XmlWriter w, DmpPatientListQuery query)
    {
        w.WriteStartElement("patientList", PatientsNamespace);
        w.WriteElementString("type", PatientsNamespace, ListKind(query.Kind));
        w.WriteElementString("date", PatientsNamespace, query.Since.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        w.WriteEndElement();
    }

    public static IReadOnlyList<DmpPatientListEntry> ReadPatientList(XmlElement? content)
    {
        if (content is null)
        {
            throw Invalid("The TD0.4 response body is empty.");
        }

        var entries = new List<DmpPatientListEntry>();
        foreach (var patient in DescendantsAny(content, "patient"))
        {
            var ins = DescendantAny(patient, "ins")?.InnerText.Trim();
            if (string.IsNullOrEmpty(ins))
            {
                throw Invalid("A TD0.4 patient has no INS.");
            }

            DateTimeOffset? date = null;
            if (DescendantAny(patient, "date")?.InnerText.Trim() is { Length: >= 8 } text)
            {
                date = ParseTimestamp(text);
            }

            entries.Add(new DmpPatientListEntry(ins, NullIfEmpty(DescendantAny(patient, "lastName")?.InnerText),
                NullIfEmpty(DescendantAny(patient, "firstName")?.InnerText), date));
        }

        return entries.OrderByDescending(e => e.Date ?? DateTimeOffset.MinValue).ToList();
    }

    // ---------------- TD0.5 ----------------

    public static void WriteFindPatients(XmlWriter w, DmpPatientSearch query, DmpClientOptions options, DateTimeOffset now)
    {
        WriteHeader(w, "PRPA_IN201305UV02", options, now);
        w.WriteStartElement("controlActProcess", Hl7);
        w.WriteAttributeString("classCode", "CACT");
        w.WriteAttributeString("moodCode", "EVN");
        Code(w, "code", "PRPA_TE201305UV02", InteractionCodeSystem);
        w.WriteStartElement("queryByParameter", Hl7);
        Id(w, "queryId", NewUuid(), null);
        Code(w, "statusCode", "new", null);
        Code(w, "responseModalityCode", "R", null);
        Code(w, "responsePriorityCode", "I", null);
        w.WriteStartElement("parameterList", Hl7);
        if (query.Sex is { } sex)
        {
            w.WriteStartElement("livingSubjectAdministrativeGender", Hl7);
            Code(w, "value", sex, "2.16.840.1.113883.5.1");
            w.WriteElementString("semanticsText", Hl7, "LivingSubject.administrativeGender");
            w.WriteEndElement();
        }

        if (query.BirthDate is { } birth)
        {
            w.WriteStartElement("livingSubjectBirthTime", Hl7);
            w.WriteStartElement("value", Hl7);
            w.WriteAttributeString("value", birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            w.WriteEndElement();
            w.WriteElementString("semanticsText", Hl7, "LivingSubject.birthTime");
            w.WriteEndElement();
        }

        w.WriteStartElement("livingSubjectName", Hl7);
        w.WriteStartElement("value", Hl7);
        w.WriteElementString("family", Hl7, query.FamilyName.Trim());
        if (!string.IsNullOrWhiteSpace(query.GivenName))
        {
            w.WriteElementString("given", Hl7, query.GivenName.Trim());
        }

        w.WriteEndElement();
        w.WriteElementString("semanticsText", Hl7, "LivingSubject.name");
        w.WriteEndElement();
        if (!string.IsNullOrWhiteSpace(query.PostalCode))
        {
            w.WriteStartElement("patientAddress", Hl7);
            w.WriteStartElement("value", Hl7);
            w.WriteElementString("postalCode", Hl7, query.PostalCode.Trim());
            w.WriteEndElement();
            w.WriteElementString("semanticsText", Hl7, "Patient.addr");
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    public static IReadOnlyList<DmpPatientCandidate> ReadCandidates(XmlElement? content)
    {
        var root = Expect(content, "PRPA_IN201306UV02");
        EnsureAccepted(root);
        var queryResponse = Descendant(root, "queryResponseCode")?.GetAttribute("code");
        if (queryResponse is "AE" or "QE")
        {
            throw Refused(root, $"The DMP refused the TD0.5 query (queryResponseCode {queryResponse}).");
        }

        var candidates = new List<DmpPatientCandidate>();
        foreach (var patient in Descendants(root, "patient"))
        {
            var id = Child(patient, "id") ?? throw Invalid("A TD0.5 candidate has no id.");
            var root2 = id.GetAttribute("root");
            var extension = id.GetAttribute("extension");
            if (root2.Length == 0 || extension.Length == 0)
            {
                throw Invalid("A TD0.5 candidate id has no root or extension.");
            }

            var person = Child(patient, "patientPerson");
            var name = person is null ? null : Child(person, "name");
            var family = name is null ? null : NullIfEmpty(Child(name, "family")?.InnerText);
            var given = name is null ? null : NullIfEmpty(Child(name, "given")?.InnerText);
            var sex = person is null ? null : NullIfEmpty(Child(person, "administrativeGenderCode")?.GetAttribute("code"));
            DateOnly? birth = person is not null && Child(person, "birthTime")?.GetAttribute("value") is { Length: >= 8 } b ? ParseDate(b) : null;
            candidates.Add(new DmpPatientCandidate($"{extension}^^^&{root2}&ISO^NH", family ?? string.Empty, given, birth, sex));
        }

        return candidates;
    }

    // ---------------- shared ----------------

    private static void WriteHeader(XmlWriter w, string interaction, DmpClientOptions options, DateTimeOffset now)
    {
        w.WriteStartElement(interaction, Hl7);
        w.WriteAttributeString("xmlns", "xsi", null, Xsi);
        w.WriteAttributeString("ITSVersion", "XML_1.0");
        Id(w, "id", NewUuid(), null);
        w.WriteStartElement("creationTime", Hl7);
        w.WriteAttributeString("value", now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        w.WriteEndElement();
        Id(w, "interactionId", InteractionCodeSystem, interaction);
        Code(w, "processingCode", "P", null);
        Code(w, "processingModeCode", "T", null);
        Code(w, "acceptAckCode", "AL", null);
        // The device ids of the DMP and of the software are not public: the software is named, the ids are null-flavoured.
        WriteDevice(w, "receiver", "RCV", null);
        WriteDevice(w, "sender", "SND", options.LpsName);
    }

    private static void WriteDevice(XmlWriter w, string element, string typeCode, string? softwareName)
    {
        w.WriteStartElement(element, Hl7);
        w.WriteAttributeString("typeCode", typeCode);
        w.WriteStartElement("device", Hl7);
        w.WriteAttributeString("classCode", "DEV");
        w.WriteAttributeString("determinerCode", "INSTANCE");
        w.WriteStartElement("id", Hl7);
        w.WriteAttributeString("nullFlavor", "UNK");
        w.WriteEndElement();
        if (softwareName is not null)
        {
            w.WriteElementString("softwareName", Hl7, softwareName);
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Id(XmlWriter w, string name, string root, string? extension)
    {
        w.WriteStartElement(name, Hl7);
        w.WriteAttributeString("root", root);
        if (extension is not null)
        {
            w.WriteAttributeString("extension", extension);
        }

        w.WriteEndElement();
    }

    private static void Code(XmlWriter w, string name, string code, string? codeSystem)
    {
        w.WriteStartElement(name, Hl7);
        w.WriteAttributeString("code", code);
        if (codeSystem is not null)
        {
            w.WriteAttributeString("codeSystem", codeSystem);
        }

        w.WriteEndElement();
    }

    private static string NewUuid() => Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static XmlElement Expect(XmlElement? content, string interaction)
    {
        if (content is null || content.LocalName != interaction || content.NamespaceURI != Hl7)
        {
            throw Invalid($"Expected an HL7v3 {interaction} reply, found '{content?.LocalName ?? "nothing"}'.");
        }

        return content;
    }

    private static void EnsureAccepted(XmlElement root)
    {
        var ack = Child(root, "acknowledgement");
        var type = ack is null ? null : Child(ack, "typeCode")?.GetAttribute("code");
        if (type is "AE" or "AR" or "CE" or "CR")
        {
            throw Refused(root, $"The DMP answered with an HL7v3 error acknowledgement ({type}).");
        }
    }

    private static SegurServiceException Refused(XmlElement root, string message)
    {
        var detail = Descendant(root, "acknowledgementDetail");
        var code = detail is null ? null : NullIfEmpty(Child(detail, "code")?.GetAttribute("code"));
        return new SegurServiceException(DmpErrorCodes.Td0Refused, code is null ? message : $"{message} Detail code {code}.", rawFault: root.OuterXml)
        {
            ServiceCode = code,
        };
    }

    private static bool Bool(XmlElement value) => value.GetAttribute("value").Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

    private static DateOnly ParseDate(string value) =>
        DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"'{value}' is not an HL7 date.");

    private static DateTimeOffset ParseTimestamp(string value)
    {
        var formats = new[] { "yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMdd" };
        var text = value.Length > 14 ? value[..14] : value;
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : throw Invalid($"'{value}' is not an HL7 timestamp.");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static XmlElement? Child(XmlElement parent, string localName)
    {
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == Hl7)
            {
                return e;
            }
        }

        return null;
    }

    private static XmlElement? Descendant(XmlElement parent, string localName) => Descendants(parent, localName).FirstOrDefault();

    private static IEnumerable<XmlElement> Descendants(XmlElement parent, string localName) =>
        parent.GetElementsByTagName(localName, Hl7).OfType<XmlElement>();

    private static XmlElement? DescendantAny(XmlElement parent, string localName) => DescendantsAny(parent, localName).FirstOrDefault();

    private static IEnumerable<XmlElement> DescendantsAny(XmlElement parent, string localName) =>
        parent.GetElementsByTagName(localName, "*").OfType<XmlElement>().Where(e => e.LocalName == localName);

    private static SegurProtocolException Invalid(string message) => new(DmpErrorCodes.Td0ResponseInvalid, message);
}
