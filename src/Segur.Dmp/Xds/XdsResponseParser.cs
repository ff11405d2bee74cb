using System.Globalization;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Soap;

namespace Segur.Dmp.Xds;

/// <summary>Which registry error codes are transient (retrying the same request may succeed).</summary>
internal static class XdsTransientErrors
{
    /// <summary>The IHE codes for a busy or overloaded registry/repository (IHE ITI TF-3 Table 4.2.4.1-2). The DMP's
    /// own catalogue is not public: integrators extend the list through the client options.</summary>
    public static readonly IReadOnlySet<string> Default = new HashSet<string>(StringComparer.Ordinal)
    {
        "XDSRegistryBusy", "XDSRepositoryBusy", "XDSRegistryOutOfResources", "XDSRepositoryOutOfResources",
    };
}

/// <summary>An entry as parsed from a query response, with the registry's XML kept for an ITI-57 resubmission.</summary>
/// <param name="Entry">The parsed entry.</param>
/// <param name="Element">The <c>rim:ExtrinsicObject</c>.</param>
internal sealed record XdsParsedEntry(DmpDocumentEntry Entry, XmlElement Element);

/// <summary>Parses ebRS responses (ITI-41/57 RegistryResponse, ITI-18 AdhocQueryResponse, ITI-43
/// RetrieveDocumentSetResponse). Input is XML already loaded through <c>SafeXml</c> by the SOAP layer.</summary>
internal static class XdsResponseParser
{
    private const string SignatureFormat = "http://www.w3.org/2000/09/xmldsig#";

    /// <summary>Checks a response's <c>status</c> and <c>RegistryErrorList</c>.</summary>
    /// <param name="response">The element carrying <c>status</c> (RegistryResponse, AdhocQueryResponse).</param>
    /// <param name="transientCodes">The registry error codes that make a failure transient.</param>
    /// <param name="allowPartialSuccess">Whether PartialSuccess is accepted (queries: results with warnings).</param>
    /// <returns>The errors and warnings of an accepted response.</returns>
    /// <exception cref="DmpRegistryException">Failure (<c>SGR-4310</c>), or PartialSuccess when not accepted (<c>SGR-4311</c>).</exception>
    /// <exception cref="SegurServiceException">No status (<c>SGR-4312</c>).</exception>
    public static IReadOnlyList<DmpRegistryError> CheckStatus(XmlElement? response, IReadOnlySet<string> transientCodes, bool allowPartialSuccess)
    {
        if (response is null)
        {
            throw Malformed("The DMP response has no body.");
        }

        var status = response.GetAttribute("status");
        var errors = ReadErrors(response);
        switch (status)
        {
            case XdsNames.ResponseSuccess:
                return errors;
            case XdsNames.ResponsePartialSuccess when allowPartialSuccess:
                return errors;
            case XdsNames.ResponsePartialSuccess:
                throw Refused(DmpErrorCodes.XdsRegistryPartialSuccess, "The DMP accepted only part of the request", errors, transientCodes, response);
            case XdsNames.ResponseFailure:
                throw Refused(DmpErrorCodes.XdsRegistryFailure, "The DMP refused the request", errors, transientCodes, response);
            default:
                throw Malformed($"The DMP response has an unknown status '{(status.Length > 100 ? status[..100] : status)}'.");
        }
    }

    /// <summary>Parses an ITI-41/ITI-57 body (<c>rs:RegistryResponse</c>).</summary>
    public static IReadOnlyList<DmpRegistryError> ParseRegistryResponse(XmlElement? body, IReadOnlySet<string> transientCodes)
    {
        if (body is not null && (body.LocalName != "RegistryResponse" || body.NamespaceURI != XdsNames.Rs))
        {
            throw Malformed($"Expected rs:RegistryResponse, got {body.LocalName}.");
        }

        return CheckStatus(body, transientCodes, allowPartialSuccess: false);
    }

    /// <summary>Parses an ITI-18 <c>query:AdhocQueryResponse</c> with LeafClass objects.</summary>
    /// <param name="body">The response element.</param>
    /// <param name="transientCodes">Transient registry codes.</param>
    /// <param name="includeSignatures">Whether the lot signature entries (formatCode xmldsig) are kept.</param>
    /// <returns>The document entries, in response order.</returns>
    public static IReadOnlyList<XdsParsedEntry> ParseQueryResponse(XmlElement? body, IReadOnlySet<string> transientCodes, bool includeSignatures = false)
    {
        CheckQueryResponse(body, transientCodes);
        var list = body!.SelectSingleNode("*[local-name()='RegistryObjectList']");
        var entries = new List<XdsParsedEntry>();
        if (list is null)
        {
            return entries;
        }

        foreach (var element in list.ChildNodes.OfType<XmlElement>())
        {
            if (element.LocalName != "ExtrinsicObject" || element.NamespaceURI != XdsNames.Rim)
            {
                continue;
            }

            var entry = ParseEntry(element);
            if (includeSignatures || entry.FormatCode?.Code != SignatureFormat)
            {
                entries.Add(new XdsParsedEntry(entry, element));
            }
        }

        return entries;
    }

    /// <summary>Parses an ITI-18 ObjectRef response: the ids listed.</summary>
    public static IReadOnlyList<string> ParseObjectRefs(XmlElement? body, IReadOnlySet<string> transientCodes)
    {
        CheckQueryResponse(body, transientCodes);
        return body!.SelectNodes("*[local-name()='RegistryObjectList']/*[local-name()='ObjectRef']")!
            .OfType<XmlElement>().Select(e => e.GetAttribute("id")).Where(id => id.Length > 0).ToList();
    }

    /// <summary>Parses one <c>rim:ExtrinsicObject</c>.</summary>
    /// <exception cref="SegurServiceException">A required attribute is missing (<c>SGR-4312</c>).</exception>
    public static DmpDocumentEntry ParseEntry(XmlElement element)
    {
        var id = element.GetAttribute("id");
        string? author = null;
        CdaCode? typeCode = null, classCode = null, formatCode = null;
        var visibility = DmpVisibility.None;
        string? uniqueId = null;
        foreach (var child in element.ChildNodes.OfType<XmlElement>())
        {
            if (child.LocalName == "Classification")
            {
                var scheme = child.GetAttribute("classificationScheme");
                switch (scheme)
                {
                    case XdsNames.EntryAuthor:
                        author ??= SlotValues(child, "authorPerson").FirstOrDefault() is { } person ? FirstComponent(person) : null;
                        break;
                    case XdsNames.EntryTypeCode:
                        typeCode = Code(child);
                        break;
                    case XdsNames.EntryClassCode:
                        classCode = Code(child);
                        break;
                    case XdsNames.EntryFormatCode:
                        formatCode = Code(child);
                        break;
                    case XdsNames.EntryConfidentialityCode:
                        visibility |= Code(child) switch
                        {
                            { Code: "MASQUE_PS", CodeSystem: XdsNames.VisibilitySystem } => DmpVisibility.HiddenFromProfessionals,
                            { Code: "INVISIBLE_PATIENT", CodeSystem: XdsNames.VisibilitySystem } => DmpVisibility.InvisibleToPatient,
                            { Code: "INVISIBLE_REPRESENTANTS_LEGAUX", CodeSystem: XdsNames.VisibilitySystem } => DmpVisibility.InvisibleToLegalRepresentatives,
                            _ => DmpVisibility.None,
                        };
                        break;
                }
            }
            else if (child.LocalName == "ExternalIdentifier" && child.GetAttribute("identificationScheme") == XdsNames.EntryUniqueId)
            {
                uniqueId = child.GetAttribute("value");
            }
        }

        var status = XdsNames.ParseStatus(element.GetAttribute("status"));
        var repository = SlotValues(element, "repositoryUniqueId").FirstOrDefault();
        if (id.Length == 0 || string.IsNullOrEmpty(uniqueId) || repository is null || status is null)
        {
            throw Malformed("A document entry of the DMP response lacks its id, uniqueId, repositoryUniqueId or a known status.");
        }

        var versionText = element.SelectSingleNode("*[local-name()='VersionInfo']/@versionName")?.Value;
        return new DmpDocumentEntry
        {
            EntryUuid = id,
            LogicalId = element.GetAttribute("lid") is { Length: > 0 } lid ? lid : null,
            Version = int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version : 1,
            UniqueId = uniqueId,
            RepositoryUniqueId = repository,
            Status = status.Value,
            TypeCode = typeCode,
            ClassCode = classCode,
            FormatCode = formatCode,
            Title = element.SelectSingleNode("*[local-name()='Name']/*[local-name()='LocalizedString']/@value")?.Value,
            CreationTime = Time(SlotValues(element, "creationTime").FirstOrDefault()),
            SubmissionTime = Time(SlotValues(element, "submissionTime").FirstOrDefault()),
            AuthorId = author,
            Visibility = visibility,
            Hash = SlotValues(element, "hash").FirstOrDefault(),
            Size = long.TryParse(SlotValues(element, "size").FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null,
            MimeType = element.GetAttribute("mimeType") is { Length: > 0 } mime ? mime : null,
        };
    }

    /// <summary>Parses an ITI-43 <c>xdsb:RetrieveDocumentSetResponse</c>: the one document asked for.</summary>
    /// <param name="body">The response element.</param>
    /// <param name="resolve">Resolves an <c>xop:Include</c> to its MTOM part.</param>
    /// <param name="documentUniqueId">The uniqueId asked for.</param>
    /// <param name="transientCodes">Transient registry codes.</param>
    /// <returns>The document.</returns>
    /// <exception cref="DmpRegistryException">The DMP refused (<c>SGR-4310</c>) or did not return the document (<c>SGR-4313</c>).</exception>
    public static DmpRetrievedDocument ParseRetrieveResponse(XmlElement? body, Func<XmlElement, MtomAttachment?> resolve, string documentUniqueId,
        IReadOnlySet<string> transientCodes)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        if (body is null || body.LocalName != "RetrieveDocumentSetResponse" || body.NamespaceURI != XdsNames.Xdsb)
        {
            throw Malformed("Expected xdsb:RetrieveDocumentSetResponse.");
        }

        var registryResponse = body.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "RegistryResponse" && e.NamespaceURI == XdsNames.Rs);
        var errors = CheckStatus(registryResponse, transientCodes, allowPartialSuccess: true);
        foreach (var response in body.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "DocumentResponse" && e.NamespaceURI == XdsNames.Xdsb))
        {
            if (Child(response, "DocumentUniqueId")?.InnerText.Trim() != documentUniqueId)
            {
                continue;
            }

            var mime = Child(response, "mimeType")?.InnerText.Trim() ?? "application/octet-stream";
            var document = Child(response, "Document") ?? throw Malformed("The DocumentResponse has no Document.");
            return new DmpRetrievedDocument(documentUniqueId, mime, Content(document, resolve));
        }

        throw new DmpRegistryException(DmpErrorCodes.XdsDocumentNotReturned,
            "The DMP did not return the document asked for" + Codes(errors) + ".", errors, isTransient: false);
    }

    private static byte[] Content(XmlElement document, Func<XmlElement, MtomAttachment?> resolve)
    {
        var includes = MtomMessage.FindXopIncludes(document);
        if (includes.Count == 0)
        {
            try
            {
                return Convert.FromBase64String(document.InnerText);
            }
            catch (FormatException ex)
            {
                throw new SegurServiceException(DmpErrorCodes.XdsResponseInvalid, "The returned document is neither an MTOM part nor base64.", innerException: ex);
            }
        }

        var part = resolve(includes[0]) ?? throw Malformed("The returned document refers to a missing MTOM part.");
        using var stream = part.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void CheckQueryResponse(XmlElement? body, IReadOnlySet<string> transientCodes)
    {
        if (body is null || body.LocalName != "AdhocQueryResponse" || body.NamespaceURI != XdsNames.Query)
        {
            throw Malformed("Expected query:AdhocQueryResponse.");
        }

        CheckStatus(body, transientCodes, allowPartialSuccess: true);
    }

    private static List<DmpRegistryError> ReadErrors(XmlElement response)
    {
        var errors = new List<DmpRegistryError>();
        var list = response.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "RegistryErrorList");
        if (list is null)
        {
            return errors;
        }

        foreach (var error in list.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "RegistryError"))
        {
            errors.Add(new DmpRegistryError(error.GetAttribute("errorCode"),
                error.GetAttribute("codeContext") is { Length: > 0 } context ? context : error.InnerText.Trim(),
                error.GetAttribute("severity") is { Length: > 0 } severity ? severity : XdsNames.SeverityError,
                error.GetAttribute("location") is { Length: > 0 } location ? location : null));
        }

        return errors;
    }

    private static DmpRegistryException Refused(string code, string message, List<DmpRegistryError> errors, IReadOnlySet<string> transientCodes, XmlElement response)
    {
        var blocking = errors.Where(e => e.Severity.EndsWith(":Error", StringComparison.Ordinal)).ToList();
        var transient = blocking.Count > 0 && blocking.All(e => transientCodes.Contains(e.ErrorCode));

        // The codeContext may quote patient data: it stays in Errors and RawFault, out of Message.
        return new DmpRegistryException(code, message + Codes(errors) + ".", errors, transient, response.OuterXml);
    }

    private static string Codes(IReadOnlyList<DmpRegistryError> errors) =>
        errors.Count == 0 ? string.Empty : " (" + string.Join(", ", errors.Select(e => e.ErrorCode).Distinct().Take(5)) + ")";

    private static SegurServiceException Malformed(string message) => new(DmpErrorCodes.XdsResponseInvalid, message);

    private static XmlElement? Child(XmlElement parent, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == localName);

    private static IEnumerable<string> SlotValues(XmlElement owner, string name) =>
        owner.ChildNodes.OfType<XmlElement>()
            .Where(e => e.LocalName == "Slot" && e.GetAttribute("name") == name)
            .SelectMany(e => e.SelectNodes("*[local-name()='ValueList']/*[local-name()='Value']")!.OfType<XmlElement>())
            .Select(v => v.InnerText.Trim());

    private static CdaCode Code(XmlElement classification) => new(classification.GetAttribute("nodeRepresentation"),
        SlotValues(classification, "codingScheme").FirstOrDefault() ?? string.Empty,
        classification.SelectSingleNode("*[local-name()='Name']/*[local-name()='LocalizedString']/@value")?.Value);

    private static string FirstComponent(string xcn)
    {
        var end = xcn.IndexOf('^', StringComparison.Ordinal);
        return end < 0 ? xcn : xcn[..end];
    }

    /// <summary>An XDS DTM (UTC, precision from year to second).</summary>
    internal static DateTimeOffset? Time(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length is not (4 or 6 or 8 or 10 or 12 or 14))
        {
            return null;
        }

        var format = "yyyyMMddHHmmss"[..value.Length];
        return DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }
}
