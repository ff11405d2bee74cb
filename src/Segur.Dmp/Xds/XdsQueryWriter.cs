using System.Text;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;

namespace Segur.Dmp.Xds;

/// <summary>One ITI-18 stored query: its id, return type and parameters (IHE ITI TF-2a §3.18.4.1.2.3.7).</summary>
internal sealed class XdsStoredQuery
{
    private readonly List<(string Name, string[] Values)> _parameters = [];

    private XdsStoredQuery(string queryId, bool objectRef)
    {
        QueryId = queryId;
        ObjectRef = objectRef;
    }

    public string QueryId { get; }

    /// <summary>Whether the response lists ObjectRefs (ids only) rather than full LeafClass objects.</summary>
    public bool ObjectRef { get; }

    public IReadOnlyList<(string Name, string[] Values)> Parameters => _parameters;

    /// <summary>FindDocuments for the patient with the query's filters.</summary>
    public static XdsStoredQuery FindDocuments(string patientId, DmpDocumentQuery query, bool objectRef = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.CreatedFrom is { } from && query.CreatedTo is { } to && from > to)
        {
            throw new SegurValidationException(DmpErrorCodes.XdsQueryInvalid, "The creation time range is empty (from after to).") { Field = "createdFrom" };
        }

        var statuses = query.Statuses is { Count: > 0 } s ? s : [DmpDocumentStatus.Approved];
        var result = new XdsStoredQuery(XdsNames.FindDocuments, objectRef)
            .Add("$XDSDocumentEntryPatientId", Quote(patientId))
            .Add("$XDSDocumentEntryStatus", List(statuses.Distinct().Select(XdsNames.StatusUrn)));
        if (query.ClassCodes is { Count: > 0 })
        {
            result.Add("$XDSDocumentEntryClassCode", List(query.ClassCodes.Select(Coded)));
        }

        if (query.TypeCodes is { Count: > 0 })
        {
            result.Add("$XDSDocumentEntryTypeCode", List(query.TypeCodes.Select(Coded)));
        }

        if (query.CreatedFrom is { } f)
        {
            result.Add("$XDSDocumentEntryCreationTimeFrom", XdsSubmissionBuilder.Utc(f));
        }

        if (query.CreatedTo is { } t)
        {
            result.Add("$XDSDocumentEntryCreationTimeTo", XdsSubmissionBuilder.Utc(t));
        }

        return result;
    }

    /// <summary>GetDocuments by uniqueId(s).</summary>
    public static XdsStoredQuery GetDocumentsByUniqueId(params string[] uniqueIds) =>
        new XdsStoredQuery(XdsNames.GetDocuments, false).Add("$XDSDocumentEntryUniqueId", List(NotEmpty(uniqueIds, "uniqueId")));

    /// <summary>GetDocuments by entryUUID(s).</summary>
    public static XdsStoredQuery GetDocumentsByEntryUuid(params string[] entryUuids) =>
        new XdsStoredQuery(XdsNames.GetDocuments, false).Add("$XDSDocumentEntryEntryUUID", List(NotEmpty(entryUuids, "entryUuid")));

    /// <summary>FindSubmissionSets for the patient, optionally by submission time.</summary>
    public static XdsStoredQuery FindSubmissionSets(string patientId, DateTimeOffset? submittedFrom = null, DateTimeOffset? submittedTo = null)
    {
        var result = new XdsStoredQuery(XdsNames.FindSubmissionSets, false)
            .Add("$XDSSubmissionSetPatientId", Quote(patientId))
            .Add("$XDSSubmissionSetStatus", List([XdsNames.Approved]));
        if (submittedFrom is { } from)
        {
            result.Add("$XDSSubmissionSetSubmissionTimeFrom", XdsSubmissionBuilder.Utc(from));
        }

        if (submittedTo is { } to)
        {
            result.Add("$XDSSubmissionSetSubmissionTimeTo", XdsSubmissionBuilder.Utc(to));
        }

        return result;
    }

    /// <summary>GetSubmissionSetAndContents by the set's entryUUID (a <c>urn:uuid:</c>) or uniqueId.</summary>
    public static XdsStoredQuery GetSubmissionSetAndContents(string setId) =>
        new XdsStoredQuery(XdsNames.GetSubmissionSetAndContents, false).Add(
            XdsSubmissionBuilder.IsUuidUrn(setId) ? "$XDSSubmissionSetEntryUUID" : "$XDSSubmissionSetUniqueId", Quote(setId));

    /// <summary>Writes <c>query:AdhocQueryRequest</c>.</summary>
    public void Write(XmlWriter writer)
    {
        writer.WriteStartElement("query", "AdhocQueryRequest", XdsNames.Query);
        writer.WriteAttributeString("xmlns", "rim", null, XdsNames.Rim);
        writer.WriteStartElement("query", "ResponseOption", XdsNames.Query);
        writer.WriteAttributeString("returnComposedObjects", "true");
        writer.WriteAttributeString("returnType", ObjectRef ? "ObjectRef" : "LeafClass");
        writer.WriteEndElement();
        writer.WriteStartElement("rim", "AdhocQuery", XdsNames.Rim);
        writer.WriteAttributeString("id", QueryId);
        foreach (var (name, values) in _parameters)
        {
            RimWriter.Slot(writer, name, values);
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private XdsStoredQuery Add(string name, params string[] values)
    {
        _parameters.Add((name, values));
        return this;
    }

    /// <summary>A quoted stored-query string value; quotes inside are doubled (ebRS 3.0 §6.3).</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A coded value <c>code^^scheme</c> (IHE ITI TF-2a §3.18.4.1.2.3.4).</summary>
    private static string Coded(CdaCode code) => $"{code.Code}^^{code.CodeSystem}";

    private static string List(IEnumerable<string> values)
    {
        var builder = new StringBuilder("(");
        foreach (var value in values)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            builder.Append(Quote(value));
        }

        return builder.Append(')').ToString();
    }

    private static string[] NotEmpty(string[] values, string field)
    {
        if (values is null || values.Length == 0 || values.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"At least one non-empty {field} is needed.", field);
        }

        return values;
    }
}

/// <summary>Writes the ITI-43 <c>RetrieveDocumentSetRequest</c> (IHE ITI TF-2b §3.43).</summary>
internal static class XdsRetrieveWriter
{
    public static void Write(XmlWriter writer, string repositoryUniqueId, string documentUniqueId)
    {
        writer.WriteStartElement("xdsb", "RetrieveDocumentSetRequest", XdsNames.Xdsb);
        writer.WriteStartElement("xdsb", "DocumentRequest", XdsNames.Xdsb);
        writer.WriteElementString("xdsb", "RepositoryUniqueId", XdsNames.Xdsb, repositoryUniqueId);
        writer.WriteElementString("xdsb", "DocumentUniqueId", XdsNames.Xdsb, documentUniqueId);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }
}
