using System.Xml;
using Microsoft.AspNetCore.Http;
using Segur.Soap;

namespace Segur.Testing.Dmp;

public sealed partial class DmpSimulator
{
    /// <summary>TD3.1 / ITI-18 stored queries: FindDocuments, FindDocumentsByReferenceId, GetDocuments,
    /// FindSubmissionSets, GetSubmissionSetAndContents; <c>LeafClass</c> or <c>ObjectRef</c>. The patient must be the
    /// VIHF resource-id and the consultation rules apply; <c>MASQUE_PS</c> entries are left out for other professionals;
    /// <c>Deleted</c> entries only come back when FindDocuments asks for that status.</summary>
    private DmpAnswer HandleIti18(DmpExchange exchange)
    {
        var body = exchange.Body;
        var query = ChildElement(body, "AdhocQuery");
        if (body is not { LocalName: "AdhocQueryRequest", NamespaceURI: DmpNs.Query } || query is null)
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "AdhocQueryRequest/AdhocQuery attendu.");
        }

        var returnType = ChildElement(body, "ResponseOption")?.GetAttribute("returnType") ?? "ObjectRef";
        var parameters = query.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Slot")
            .GroupBy(e => e.GetAttribute("name"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(s => XdsEntry.SlotsOf((XmlElement)s.ParentNode!, g.Key)).Distinct(StringComparer.Ordinal).SelectMany(ParseList).ToList(),
                StringComparer.Ordinal);
        var queryId = query.GetAttribute("id");
        List<XmlElement> results;
        lock (_state.Gate)
        {
            var access = CheckAccess(exchange, AccessKind.Consult);
            if (access is not null)
            {
                return RegistryFailure(exchange, [access]);
            }

            var outcome = queryId switch
            {
                XdsIds.FindDocuments => FindDocuments(exchange, parameters, byReference: false),
                XdsIds.FindDocumentsByReferenceId => FindDocuments(exchange, parameters, byReference: true),
                XdsIds.GetDocuments => GetDocuments(exchange, parameters),
                XdsIds.FindSubmissionSets => FindSubmissionSets(exchange, parameters),
                XdsIds.GetSubmissionSetAndContents => GetSubmissionSetAndContents(exchange, parameters),
                _ => (null, new RegistryError("XDSUnknownStoredQuery", $"Requête stockée inconnue : {queryId}.")),
            };
            if (outcome.Error is not null)
            {
                return RegistryFailure(exchange, [outcome.Error]);
            }

            results = outcome.Results!;
        }

        return new DmpAnswer(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartElement("query", "AdhocQueryResponse", DmpNs.Query);
            writer.WriteAttributeString("status", XdsIds.Success);
            writer.WriteStartElement("rim", "RegistryObjectList", DmpNs.Rim);
            foreach (var result in results)
            {
                if (returnType == "LeafClass")
                {
                    result.WriteTo(writer);
                }
                else if (result.LocalName != "Association")
                {
                    writer.WriteStartElement("rim", "ObjectRef", DmpNs.Rim);
                    writer.WriteAttributeString("id", result.GetAttribute("id"));
                    writer.WriteEndElement();
                }
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }, exchange.Action + "Response", [], "ok");
    }

    private (List<XmlElement>? Results, RegistryError? Error) FindDocuments(DmpExchange exchange, Dictionary<string, List<string>> parameters, bool byReference)
    {
        var patientId = Single(parameters, "$XDSDocumentEntryPatientId");
        var statuses = parameters.GetValueOrDefault("$XDSDocumentEntryStatus") ?? [];
        if (patientId is null || statuses.Count == 0)
        {
            return (null, new RegistryError("XDSStoredQueryParamNumber", "$XDSDocumentEntryPatientId et $XDSDocumentEntryStatus sont requis."));
        }

        if (patientId != exchange.Vihf.ResourceId)
        {
            return (null, new RegistryError(Options.ErrorCodes.PatientMismatch, "Le patient de la requête n'est pas celui du VIHF."));
        }

        var references = parameters.GetValueOrDefault("$XDSDocumentEntryReferenceIdList") ?? [];
        if (byReference && references.Count == 0)
        {
            return (null, new RegistryError("XDSStoredQueryParamNumber", "$XDSDocumentEntryReferenceIdList est requis."));
        }

        var wanted = statuses.Select(DmpCodes.ShortStatus).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var classCodes = Codes(parameters, "$XDSDocumentEntryClassCode");
        var typeCodes = Codes(parameters, "$XDSDocumentEntryTypeCode");
        var formatCodes = Codes(parameters, "$XDSDocumentEntryFormatCode");
        var from = Single(parameters, "$XDSDocumentEntryCreationTimeFrom");
        var to = Single(parameters, "$XDSDocumentEntryCreationTimeTo");
        var matches = _state.Entries.Where(e => e.PatientId == patientId && wanted.Contains(e.Status) && IsVisible(e, exchange.Vihf.SubjectId)
            && Matches(e.ClassCodes, classCodes) && Matches(e.TypeCodes, typeCodes) && Matches(e.FormatCodes, formatCodes)
            && (from is null || string.CompareOrdinal(Pad(e.CreationTime), Pad(from)) >= 0)
            && (to is null || string.CompareOrdinal(Pad(e.CreationTime), Pad(to)) < 0)
            && (!byReference || e.ReferenceIds.Exists(references.Contains)));
        return ([.. matches.Select(e => e.Emit())], null);
    }

    private (List<XmlElement>? Results, RegistryError? Error) GetDocuments(DmpExchange exchange, Dictionary<string, List<string>> parameters)
    {
        var uuids = parameters.GetValueOrDefault("$XDSDocumentEntryEntryUUID") ?? [];
        var uniqueIds = parameters.GetValueOrDefault("$XDSDocumentEntryUniqueId") ?? [];
        if ((uuids.Count == 0) == (uniqueIds.Count == 0))
        {
            return (null, new RegistryError("XDSStoredQueryParamNumber", "Un seul de $XDSDocumentEntryEntryUUID ou $XDSDocumentEntryUniqueId est requis."));
        }

        // By uniqueId: the current version of each logical document holding it (metadata updates keep the uniqueId).
        var candidates = uuids.Count > 0
            ? _state.Entries.Where(e => uuids.Contains(e.EntryUuid))
            : _state.Latest().Where(e => uniqueIds.Contains(e.UniqueId));
        return ([.. candidates.Where(e => e.PatientId == exchange.Vihf.ResourceId && e.Status != "Deleted" && IsVisible(e, exchange.Vihf.SubjectId)).Select(e => e.Emit())], null);
    }

    private (List<XmlElement>? Results, RegistryError? Error) FindSubmissionSets(DmpExchange exchange, Dictionary<string, List<string>> parameters)
    {
        var patientId = Single(parameters, "$XDSSubmissionSetPatientId");
        var statuses = parameters.GetValueOrDefault("$XDSSubmissionSetStatus") ?? [];
        if (patientId is null || statuses.Count == 0)
        {
            return (null, new RegistryError("XDSStoredQueryParamNumber", "$XDSSubmissionSetPatientId et $XDSSubmissionSetStatus sont requis."));
        }

        if (patientId != exchange.Vihf.ResourceId)
        {
            return (null, new RegistryError(Options.ErrorCodes.PatientMismatch, "Le patient de la requête n'est pas celui du VIHF."));
        }

        var from = Single(parameters, "$XDSSubmissionSetSubmissionTimeFrom");
        var to = Single(parameters, "$XDSSubmissionSetSubmissionTimeTo");
        var sources = parameters.GetValueOrDefault("$XDSSubmissionSetSourceId") ?? [];
        var contentTypes = Codes(parameters, "$XDSSubmissionSetContentType");
        var matches = _state.SubmissionSets.Where(s => s.PatientId == patientId && statuses.Contains(DmpCodes.Approved)
            && (from is null || string.CompareOrdinal(Pad(s.SubmissionTime), Pad(from)) >= 0)
            && (to is null || string.CompareOrdinal(Pad(s.SubmissionTime), Pad(to)) < 0)
            && (sources.Count == 0 || sources.Contains(s.SourceId))
            && Matches(s.ContentTypeCodes, contentTypes));
        return ([.. matches.Select(s => (XmlElement)s.Metadata.CloneNode(true))], null);
    }

    private (List<XmlElement>? Results, RegistryError? Error) GetSubmissionSetAndContents(DmpExchange exchange, Dictionary<string, List<string>> parameters)
    {
        var uuid = Single(parameters, "$XDSSubmissionSetEntryUUID");
        var uniqueId = Single(parameters, "$XDSSubmissionSetUniqueId");
        if ((uuid is null) == (uniqueId is null))
        {
            return (null, new RegistryError("XDSStoredQueryParamNumber", "Un seul de $XDSSubmissionSetEntryUUID ou $XDSSubmissionSetUniqueId est requis."));
        }

        var set = _state.SubmissionSets.Find(s => (uuid is not null && s.EntryUuid == uuid) || (uniqueId is not null && s.UniqueId == uniqueId));
        if (set is null || set.PatientId != exchange.Vihf.ResourceId)
        {
            return ([], null);
        }

        var results = new List<XmlElement> { (XmlElement)set.Metadata.CloneNode(true) };
        foreach (var member in set.Members.Select(_state.ByEntryUuid).OfType<StoredEntry>().Where(e => e.Status != "Deleted" && IsVisible(e, exchange.Vihf.SubjectId)))
        {
            results.Add(member.Emit());
            var association = _state.Store.CreateElement("rim", "Association", DmpNs.Rim);
            association.SetAttribute("id", NewUuid());
            association.SetAttribute("associationType", XdsIds.HasMember);
            association.SetAttribute("sourceObject", set.EntryUuid);
            association.SetAttribute("targetObject", member.EntryUuid);
            AddSlot(association, "SubmissionSetStatus", "Original");
            results.Add(association);
        }

        return (results, null);
    }

    /// <summary>TD3.2 / ITI-43 (MTOM answer): one <c>DocumentResponse</c> per visible document of the VIHF patient;
    /// unknown ones get <c>XDSDocumentUniqueIdError</c> (PartialSuccess when some were found).</summary>
    private DmpAnswer HandleIti43(DmpExchange exchange)
    {
        var body = exchange.Body;
        var requests = body?.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "DocumentRequest" && e.NamespaceURI == DmpNs.Xdsb).ToList() ?? [];
        if (body is not { LocalName: "RetrieveDocumentSetRequest", NamespaceURI: DmpNs.Xdsb } || requests.Count == 0)
        {
            return Fault(exchange, "env:Sender", null, Options.ErrorCodes.Malformed, "RetrieveDocumentSetRequest/DocumentRequest attendu.");
        }

        var found = new List<(string Repository, string UniqueId, string MimeType, byte[] Bytes)>();
        var errors = new List<RegistryError>();
        lock (_state.Gate)
        {
            var access = CheckAccess(exchange, AccessKind.Consult);
            if (access is not null)
            {
                return RegistryFailure(exchange, [access]);
            }

            foreach (var request in requests)
            {
                var repository = ChildText(request, "RepositoryUniqueId") ?? string.Empty;
                var uniqueId = ChildText(request, "DocumentUniqueId") ?? string.Empty;
                if (repository != Options.RepositoryUniqueId)
                {
                    errors.Add(new RegistryError("XDSUnknownRepositoryId", $"Entrepôt inconnu : {repository}.", Location: repository));
                    continue;
                }

                var entry = _state.Latest().FirstOrDefault(e => e.UniqueId == uniqueId && e.PatientId == exchange.Vihf.ResourceId && e.Status != "Deleted"
                    && IsVisible(e, exchange.Vihf.SubjectId));
                if (entry is null || !_state.Repository.TryGetValue(uniqueId, out var bytes))
                {
                    errors.Add(new RegistryError("XDSDocumentUniqueIdError", $"Document inconnu : {uniqueId}.", Location: uniqueId));
                    continue;
                }

                found.Add((repository, uniqueId, entry.MimeType, bytes));
            }
        }

        if (found.Count == 0)
        {
            return RegistryFailure(exchange, errors);
        }

        var attachments = found.Select(f => new MtomAttachment(MtomAttachment.NewContentId(), f.MimeType, new MemoryStream(f.Bytes, writable: false))).ToList();
        var status = errors.Count == 0 ? XdsIds.Success : XdsIds.PartialSuccess;
        return new DmpAnswer(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartElement("xdsb", "RetrieveDocumentSetResponse", DmpNs.Xdsb);
            WriteRegistryResponse(writer, status, errors);
            for (var i = 0; i < found.Count; i++)
            {
                writer.WriteStartElement("xdsb", "DocumentResponse", DmpNs.Xdsb);
                writer.WriteElementString("xdsb", "RepositoryUniqueId", DmpNs.Xdsb, found[i].Repository);
                writer.WriteElementString("xdsb", "DocumentUniqueId", DmpNs.Xdsb, found[i].UniqueId);
                writer.WriteElementString("xdsb", "mimeType", DmpNs.Xdsb, found[i].MimeType);
                writer.WriteStartElement("xdsb", "Document", DmpNs.Xdsb);
                attachments[i].WriteXopInclude(writer);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }, exchange.Action + "Response", attachments, "ok", Mtom: true);
    }

    /// <summary>Splits a stored-query value: <c>'a'</c>, <c>('a','b')</c> or a bare value.</summary>
    internal static IEnumerable<string> ParseList(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('(') && text.EndsWith(')'))
        {
            text = text[1..^1];
        }

        var items = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                items.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        items.Add(current.ToString().Trim());
        return items.Where(i => i.Length > 0);
    }

    private static string? Single(Dictionary<string, List<string>> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static List<(string Code, string Scheme)> Codes(Dictionary<string, List<string>> parameters, string name) =>
        [.. (parameters.GetValueOrDefault(name) ?? []).Select(v => v.Split('^')).Select(p => (p[0], p.Length > 2 ? p[2] : string.Empty))];

    private static bool Matches(List<(string Code, string Scheme)> actual, List<(string Code, string Scheme)> wanted) =>
        wanted.Count == 0 || wanted.Exists(w => actual.Exists(a => a.Code == w.Code && (w.Scheme.Length == 0 || a.Scheme == w.Scheme)));

    private static string Pad(string time) => (time + "00000000000000")[..14];
}
