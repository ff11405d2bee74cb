using System.Globalization;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Testing.Dmp;

public sealed partial class DmpSimulator
{
    private const string AuthorizationKeyword = "1.2.250.1.213.4.1.2.6.1";
    private const string AuthorizationValues = "1.2.250.1.213.4.1.2.6.2";
    private const string TreatingKeyword = "1.2.250.1.213.4.1.2.6.3";
    private const string AdministrativeSystem = "1.2.250.1.213.4.1.2.3";
    private const string InternetAccountSystem = "1.2.250.1.213.4.1.2.9";

    /// <summary>TD0.2 (<c>PRPA_IN201307UV02</c>, reason <c>TEST_EXST</c>): DMP state, the user's authorisation, médecin
    /// traitant, <c>RATTACHEMENT_ENS</c>, <c>COMPTE_INTERNET_OUVERT</c> and the oppositions.</summary>
    /// <remarks>Reply layout (HL7v3 <c>PRPA_IN201308UV02</c>): <c>attentionLine</c> with <c>keyWordText</c>
    /// <c>AUTORISATION</c> (1.2.250.1.213.4.1.2.6.1) and a <c>CS</c> value in 1.2.250.1.213.4.1.2.6.2, and
    /// <c>STATUT_MT</c> (1.2.250.1.213.4.1.2.6.3) with a <c>BL</c>; <c>queryAck/queryResponseCode</c> <c>OK</c> or
    /// <c>NF</c> (no DMP); the patient's <c>statusCode</c> <c>active</c> or <c>terminated</c> (with
    /// <c>registrationEvent/effectiveTime/high</c> = closure date); <c>subjectOf1/administrativeObservation</c> with a
    /// <c>BL</c> value per flag (<c>RATTACHEMENT_ENS</c> and oppositions in 1.2.250.1.213.4.1.2.3,
    /// <c>COMPTE_INTERNET_OUVERT</c> in 1.2.250.1.213.4.1.2.9). Identity traits are returned but must not be displayed.</remarks>
    private DmpAnswer HandleTd02(DmpExchange exchange)
    {
        var body = exchange.Body;
        var identifier = Descendant(body, "patientIdentifier", DmpNs.Hl7);
        var value = ChildElement(identifier, "value");
        var ins = value?.GetAttribute("extension");
        var oid = value?.GetAttribute("root");
        if (body?.LocalName != "PRPA_IN201307UV02" || string.IsNullOrEmpty(ins) || string.IsNullOrEmpty(oid))
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "PRPA_IN201307UV02 sans patientIdentifier/value (root, extension).");
        }

        var mismatch = CheckPatient(exchange, ins, oid);
        if (mismatch is not null)
        {
            return mismatch;
        }

        DmpSimulatorPatient? patient;
        DmpAuthorization authorization;
        bool treating;
        lock (_state.Gate)
        {
            patient = _state.Patients.GetValueOrDefault(ins);
            authorization = _state.AuthorizationOf(ins, exchange.Vihf.SubjectId);
            treating = patient?.TreatingPhysician == exchange.Vihf.SubjectId;
        }

        var exists = patient is not null && patient.State != DmpState.NotFound;
        return Ok(exchange, "urn:hl7-org:v3:PRPA_IN201308UV02", writer =>
        {
            writer.WriteStartElement("PRPA_IN201308UV02", DmpNs.Hl7);
            writer.WriteAttributeString("xmlns", "xsi", null, DmpNs.Xsi);
            writer.WriteAttributeString("ITSVersion", "XML_1.0");
            WriteHl7Transmission(writer, "PRPA_IN201308UV02", body!, () =>
            {
                if (!exists)
                {
                    return;
                }

                WriteAttentionLine(writer, "AUTORISATION", AuthorizationKeyword, w =>
                {
                    w.WriteAttributeString("xsi", "type", DmpNs.Xsi, "CS");
                    w.WriteAttributeString("code", DmpCodes.AuthorizationCode(authorization));
                    w.WriteAttributeString("codeSystem", AuthorizationValues);
                });
                WriteAttentionLine(writer, "STATUT_MT", TreatingKeyword, w =>
                {
                    w.WriteAttributeString("xsi", "type", DmpNs.Xsi, "BL");
                    w.WriteAttributeString("value", treating ? "true" : "false");
                });
            });
            writer.WriteStartElement("controlActProcess", DmpNs.Hl7);
            writer.WriteAttributeString("classCode", "CACT");
            writer.WriteAttributeString("moodCode", "EVN");
            WriteCode(writer, "code", "PRPA_TE201308UV02", "2.16.840.1.113883.1.6");
            if (exists)
            {
                writer.WriteStartElement("subject", DmpNs.Hl7);
                writer.WriteAttributeString("typeCode", "SUBJ");
                writer.WriteStartElement("registrationEvent", DmpNs.Hl7);
                writer.WriteAttributeString("classCode", "REG");
                writer.WriteAttributeString("moodCode", "EVN");
                WriteCode(writer, "statusCode", "active", null);
                if (patient!.State == DmpState.Closed && patient.ClosedOn is { } closed)
                {
                    writer.WriteStartElement("effectiveTime", DmpNs.Hl7);
                    writer.WriteStartElement("high", DmpNs.Hl7);
                    writer.WriteAttributeString("value", closed.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
                    writer.WriteEndElement();
                    writer.WriteEndElement();
                }

                writer.WriteStartElement("subject1", DmpNs.Hl7);
                writer.WriteAttributeString("typeCode", "SBJ");
                WritePatient(writer, patient, () =>
                {
                    WriteObservation(writer, "RATTACHEMENT_ENS", AdministrativeSystem, patient.AttachedToMonEspaceSante);
                    WriteObservation(writer, "COMPTE_INTERNET_OUVERT", InternetAccountSystem, patient.InternetAccountOpen);
                    foreach (var opposition in patient.Oppositions.Order(StringComparer.Ordinal))
                    {
                        WriteObservation(writer, opposition, AdministrativeSystem, true);
                    }
                });
                writer.WriteEndElement();
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            WriteQueryAck(writer, body!, exists ? "OK" : "NF");
            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    /// <summary>TD0.5 (PDQv3 <c>PRPA_IN201305UV02</c>): search by traits among the patients who have a DMP.</summary>
    private DmpAnswer HandleTd05(DmpExchange exchange)
    {
        var body = exchange.Body;
        var family = Descendant(Descendant(body, "livingSubjectName", DmpNs.Hl7), "family", DmpNs.Hl7)?.InnerText.Trim();
        if (body?.LocalName != "PRPA_IN201305UV02" || string.IsNullOrEmpty(family))
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "PRPA_IN201305UV02 sans livingSubjectName/value/family.");
        }

        var given = Descendant(Descendant(body, "livingSubjectName", DmpNs.Hl7), "given", DmpNs.Hl7)?.InnerText.Trim();
        var birth = ChildElement(Descendant(body, "livingSubjectBirthTime", DmpNs.Hl7), "value")?.GetAttribute("value");
        var sex = ChildElement(Descendant(body, "livingSubjectAdministrativeGender", DmpNs.Hl7), "value")?.GetAttribute("code");
        var postal = Descendant(Descendant(body, "patientAddress", DmpNs.Hl7), "postalCode", DmpNs.Hl7)?.InnerText.Trim();
        List<DmpSimulatorPatient> matches;
        lock (_state.Gate)
        {
            matches = [.. _state.Patients.Values.Where(p => p.State != DmpState.NotFound
                && string.Equals(p.FamilyName, family, StringComparison.OrdinalIgnoreCase)
                && (string.IsNullOrEmpty(given) || p.GivenName.StartsWith(given, StringComparison.OrdinalIgnoreCase))
                && (string.IsNullOrEmpty(birth) || p.BirthDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) == birth[..Math.Min(8, birth.Length)])
                && (string.IsNullOrEmpty(sex) || p.Sex == sex)
                && (string.IsNullOrEmpty(postal) || p.PostalCode == postal))
                .OrderBy(p => p.Ins, StringComparer.Ordinal)];
        }

        return Ok(exchange, "urn:hl7-org:v3:PRPA_IN201306UV02", writer =>
        {
            writer.WriteStartElement("PRPA_IN201306UV02", DmpNs.Hl7);
            writer.WriteAttributeString("xmlns", "xsi", null, DmpNs.Xsi);
            writer.WriteAttributeString("ITSVersion", "XML_1.0");
            WriteHl7Transmission(writer, "PRPA_IN201306UV02", body!, () => { });
            writer.WriteStartElement("controlActProcess", DmpNs.Hl7);
            writer.WriteAttributeString("classCode", "CACT");
            writer.WriteAttributeString("moodCode", "EVN");
            WriteCode(writer, "code", "PRPA_TE201306UV02", "2.16.840.1.113883.1.6");
            foreach (var patient in matches)
            {
                writer.WriteStartElement("subject", DmpNs.Hl7);
                writer.WriteAttributeString("typeCode", "SUBJ");
                writer.WriteStartElement("registrationEvent", DmpNs.Hl7);
                writer.WriteAttributeString("classCode", "REG");
                writer.WriteAttributeString("moodCode", "EVN");
                WriteCode(writer, "statusCode", "active", null);
                writer.WriteStartElement("subject1", DmpNs.Hl7);
                writer.WriteAttributeString("typeCode", "SBJ");
                WritePatient(writer, patient, () => { });
                writer.WriteEndElement();
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            WriteQueryAck(writer, body!, matches.Count > 0 ? "OK" : "NF");
            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    /// <summary>TD0.3 <c>setAuthorization</c>: the patient is only in the VIHF <c>resource-id</c>; <c>action</c>
    /// <c>AJOUT</c> adds the user's authorisation (refused when the patient blocked the user); the removal value is not
    /// public: the simulator accepts <c>SUPPRESSION</c> and <c>RETRAIT</c>. The body element names are matched by local
    /// name in any namespace; the answer is <c>setAuthorizationResponse</c> with <c>status</c>=<c>OK</c> in the request's namespace.</summary>
    private DmpAnswer HandleTd03(DmpExchange exchange)
    {
        var body = exchange.Body;
        var action = body is null ? null : Descendant(body, "action", body.NamespaceURI)?.InnerText.Trim();
        if (body?.LocalName != "setAuthorization" || action is not ("AJOUT" or "SUPPRESSION" or "RETRAIT"))
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "setAuthorization/action doit valoir AJOUT (ou SUPPRESSION).");
        }

        var ins = exchange.Vihf.ResourceIns;
        var refused = CheckDmp(exchange, ins, asFault: true);
        if (refused is not null)
        {
            return refused;
        }

        lock (_state.Gate)
        {
            if (_state.AuthorizationOf(ins, exchange.Vihf.SubjectId) == DmpAuthorization.Forbidden)
            {
                return Fault(exchange, "env:Sender", null, Options.ErrorCodes.ProfessionalBlocked, "Le patient a bloqué ce professionnel.");
            }

            _state.Authorizations[(ins, exchange.Vihf.SubjectId)] = (action == "AJOUT" ? DmpAuthorization.Valid : DmpAuthorization.None, Options.TimeProvider.GetUtcNow());
        }

        var ns = body.NamespaceURI;
        return Ok(exchange, DmpActions.Td03 + "Response", writer =>
        {
            writer.WriteStartElement("setAuthorizationResponse", ns);
            writer.WriteElementString("status", ns, "OK");
            writer.WriteEndElement();
        });
    }

    /// <summary>TD1.6 <c>listAuthorizationByPatient</c> (patient from the VIHF): one <c>authorization</c> element per
    /// professional with <c>psId</c>, <c>status</c> (<c>VALIDE</c>, <c>INTERDIT</c>…) and <c>treatingPhysician</c>.</summary>
    private DmpAnswer HandleTd16(DmpExchange exchange)
    {
        var ins = exchange.Vihf.ResourceIns;
        var refused = CheckDmp(exchange, ins, asFault: true);
        if (refused is not null)
        {
            return refused;
        }

        List<(string Ps, DmpAuthorization Status)> list;
        string? treating;
        lock (_state.Gate)
        {
            list = [.. _state.Authorizations.Where(a => a.Key.Ins == ins && a.Value.Status != DmpAuthorization.None)
                .Select(a => (a.Key.Ps, a.Value.Status)).OrderBy(a => a.Ps, StringComparer.Ordinal)];
            treating = _state.Patients[ins].TreatingPhysician;
        }

        var ns = exchange.Body?.NamespaceURI ?? string.Empty;
        return Ok(exchange, DmpActions.Td16 + "Response", writer =>
        {
            writer.WriteStartElement("listAuthorizationByPatientResponse", ns);
            foreach (var (ps, status) in list)
            {
                writer.WriteStartElement("authorization", ns);
                writer.WriteElementString("psId", ns, ps);
                writer.WriteElementString("status", ns, DmpCodes.AuthorizationCode(status));
                writer.WriteElementString("treatingPhysician", ns, ps == treating ? "true" : "false");
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    /// <summary>TD0.4 <c>patientList</c>: the body holds <c>LASTAUTORIZATION</c> or <c>LASTDOC</c> and a date
    /// (<c>yyyyMMdd</c> or ISO 8601), matched by local name (<c>type</c>, <c>date</c>) in any namespace. The answer lists
    /// the DMPs the user holds a <c>VALIDE</c> authorisation on, set since the date (LASTAUTORIZATION) or with a document
    /// stored since the date (LASTDOC): <c>patientListResponse/patient</c> with <c>ins</c> (CX), <c>lastName</c>,
    /// <c>firstName</c>, <c>date</c>.</summary>
    private DmpAnswer HandleTd04(DmpExchange exchange)
    {
        var body = exchange.Body;
        var ns = body?.NamespaceURI ?? string.Empty;
        var kind = body is null ? null : Descendant(body, "type", ns)?.InnerText.Trim();
        var dateText = body is null ? null : Descendant(body, "date", ns)?.InnerText.Trim();
        if (body?.LocalName != "patientList" || kind is not ("LASTAUTORIZATION" or "LASTDOC") || !TryParseDate(dateText, out var since))
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "patientList : type LASTAUTORIZATION|LASTDOC et date requis.");
        }

        var rows = new List<(DmpSimulatorPatient Patient, DateTimeOffset Date)>();
        lock (_state.Gate)
        {
            foreach (var ((ins, ps), (status, at)) in _state.Authorizations)
            {
                if (ps != exchange.Vihf.SubjectId || status != DmpAuthorization.Valid || !_state.Patients.TryGetValue(ins, out var patient) || patient.State != DmpState.Active)
                {
                    continue;
                }

                if (kind == "LASTAUTORIZATION" && at >= since)
                {
                    rows.Add((patient, at));
                }
                else if (kind == "LASTDOC")
                {
                    var last = _state.SubmissionSets.Where(s => InsOf(s.PatientId) == ins).Select(s => ParseXdsTime(s.SubmissionTime)).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
                    if (last >= since)
                    {
                        rows.Add((patient, last));
                    }
                }
            }
        }

        return Ok(exchange, DmpActions.Td04 + "Response", writer =>
        {
            writer.WriteStartElement("patientListResponse", ns);
            foreach (var (patient, date) in rows.OrderByDescending(r => r.Date))
            {
                writer.WriteStartElement("patient", ns);
                writer.WriteElementString("ins", ns, patient.PatientId);
                writer.WriteElementString("lastName", ns, patient.FamilyName);
                writer.WriteElementString("firstName", ns, patient.GivenName);
                writer.WriteElementString("date", ns, date.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    /// <summary>Refuses a request whose patient is not the VIHF resource-id.</summary>
    private DmpAnswer? CheckPatient(DmpExchange exchange, string ins, string? oid)
    {
        var resource = exchange.Vihf.ResourceId;
        var expected = oid is null ? ins : $"{ins}^^^&{oid}&ISO^NH";
        return (oid is null ? InsOf(resource) == ins : resource == expected)
            ? null
            : Fault(exchange, "env:Sender", null, Options.ErrorCodes.PatientMismatch, "Le patient de la requête n'est pas celui du VIHF (resource-id).");
    }

    /// <summary>Refuses when the patient has no active DMP (SOAP fault or RegistryResponse failure).</summary>
    private DmpAnswer? CheckDmp(DmpExchange exchange, string ins, bool asFault)
    {
        DmpState state;
        lock (_state.Gate)
        {
            state = _state.Patients.GetValueOrDefault(ins)?.State ?? DmpState.NotFound;
        }

        var (code, text) = state switch
        {
            DmpState.Active => (null, null),
            DmpState.Closed => (Options.ErrorCodes.DmpClosed, "Le DMP de ce patient est fermé."),
            _ => (Options.ErrorCodes.DmpNotFound, "Ce patient n'a pas de DMP."),
        };
        if (code is null)
        {
            return null;
        }

        return asFault ? Fault(exchange, "env:Sender", null, code, text!) : RegistryFailure(exchange, [new RegistryError(code, text!)]);
    }

    private static DmpAnswer Ok(DmpExchange exchange, string action, Action<XmlWriter> body) =>
        new(StatusCodes.Status200OK, body, action, [], "ok");

    private void WriteHl7Transmission(XmlWriter writer, string interaction, XmlElement request, Action attentionLines)
    {
        WriteId(writer, "id", Guid.NewGuid().ToString("D"), null);
        writer.WriteStartElement("creationTime", DmpNs.Hl7);
        writer.WriteAttributeString("value", Options.TimeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        WriteId(writer, "interactionId", "2.16.840.1.113883.1.6", interaction);
        WriteCode(writer, "processingCode", "P", null);
        WriteCode(writer, "processingModeCode", "T", null);
        WriteCode(writer, "acceptAckCode", "NE", null);
        WriteDevice(writer, "receiver", "RCV", "1.2.250.1.213.4.1.1.1");
        WriteDevice(writer, "sender", "SND", "1.2.250.1.213.4.1.1.1");
        attentionLines();
        writer.WriteStartElement("acknowledgement", DmpNs.Hl7);
        WriteCode(writer, "typeCode", "AA", null);
        writer.WriteStartElement("targetMessage", DmpNs.Hl7);
        var requestId = ChildElement(request, "id");
        WriteId(writer, "id", requestId?.GetAttribute("root") ?? string.Empty, requestId?.GetAttribute("extension") is { Length: > 0 } e ? e : null);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteQueryAck(XmlWriter writer, XmlElement request, string responseCode)
    {
        writer.WriteStartElement("queryAck", DmpNs.Hl7);
        var queryId = Descendant(request, "queryId", DmpNs.Hl7);
        WriteId(writer, "queryId", queryId?.GetAttribute("root") ?? "1.2.250.1.213.4.1.1.1", queryId?.GetAttribute("extension") is { Length: > 0 } e ? e : null);
        WriteCode(writer, "statusCode", "deliveredResponse", null);
        WriteCode(writer, "queryResponseCode", responseCode, null);
        writer.WriteEndElement();
    }

    private static void WriteAttentionLine(XmlWriter writer, string keyword, string keywordSystem, Action<XmlWriter> value)
    {
        writer.WriteStartElement("attentionLine", DmpNs.Hl7);
        WriteCode(writer, "keyWordText", keyword, keywordSystem);
        writer.WriteStartElement("value", DmpNs.Hl7);
        value(writer);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WritePatient(XmlWriter writer, DmpSimulatorPatient patient, Action observations)
    {
        writer.WriteStartElement("patient", DmpNs.Hl7);
        writer.WriteAttributeString("classCode", "PAT");
        WriteId(writer, "id", patient.Oid, patient.Ins);
        WriteCode(writer, "statusCode", patient.State == DmpState.Closed ? "terminated" : "active", null);
        writer.WriteStartElement("patientPerson", DmpNs.Hl7);
        writer.WriteAttributeString("classCode", "PSN");
        writer.WriteAttributeString("determinerCode", "INSTANCE");
        writer.WriteStartElement("name", DmpNs.Hl7);
        writer.WriteElementString("family", DmpNs.Hl7, patient.FamilyName);
        writer.WriteElementString("given", DmpNs.Hl7, patient.GivenName);
        writer.WriteEndElement();
        WriteCode(writer, "administrativeGenderCode", patient.Sex, "2.16.840.1.113883.5.1");
        if (patient.BirthDate is { } birth)
        {
            writer.WriteStartElement("birthTime", DmpNs.Hl7);
            writer.WriteAttributeString("value", birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            writer.WriteEndElement();
        }

        if (patient.PostalCode is not null)
        {
            writer.WriteStartElement("addr", DmpNs.Hl7);
            writer.WriteElementString("postalCode", DmpNs.Hl7, patient.PostalCode);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        observations();
        writer.WriteEndElement();
    }

    private static void WriteObservation(XmlWriter writer, string code, string system, bool value)
    {
        writer.WriteStartElement("subjectOf1", DmpNs.Hl7);
        writer.WriteStartElement("administrativeObservation", DmpNs.Hl7);
        writer.WriteAttributeString("classCode", "OBS");
        writer.WriteAttributeString("moodCode", "EVN");
        WriteCode(writer, "code", code, system);
        writer.WriteStartElement("value", DmpNs.Hl7);
        writer.WriteAttributeString("xsi", "type", DmpNs.Xsi, "BL");
        writer.WriteAttributeString("value", value ? "true" : "false");
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteDevice(XmlWriter writer, string name, string typeCode, string root)
    {
        writer.WriteStartElement(name, DmpNs.Hl7);
        writer.WriteAttributeString("typeCode", typeCode);
        writer.WriteStartElement("device", DmpNs.Hl7);
        writer.WriteAttributeString("classCode", "DEV");
        writer.WriteAttributeString("determinerCode", "INSTANCE");
        WriteId(writer, "id", root, null);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteId(XmlWriter writer, string name, string root, string? extension) =>
        WriteEmpty(writer, name, ("root", root), ("extension", extension));

    private static void WriteCode(XmlWriter writer, string name, string code, string? system) =>
        WriteEmpty(writer, name, ("code", code), ("codeSystem", system));

    /// <summary>Writes an empty HL7 element with its attributes, skipping the null ones.</summary>
    private static void WriteEmpty(XmlWriter writer, string name, params (string Name, string? Value)[] attributes)
    {
        writer.WriteStartElement(name, DmpNs.Hl7);
        foreach (var (attribute, value) in attributes.Where(a => a.Value is not null))
        {
            writer.WriteAttributeString(attribute, value);
        }

        writer.WriteEndElement();
    }

    internal static XmlElement? Descendant(XmlElement? root, string localName, string namespaceUri) =>
        root?.GetElementsByTagName(localName, namespaceUri).OfType<XmlElement>().FirstOrDefault();

    private static bool TryParseDate(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Length >= 8 && text.Take(8).All(char.IsAsciiDigit) && !text.Contains('-', StringComparison.Ordinal))
        {
            value = ParseXdsTime(text);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    internal static DateTimeOffset ParseXdsTime(string text)
    {
        var padded = (text + "00000000000000")[..14];
        return DateTimeOffset.ParseExact(padded, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
