using System.Xml;
using System.Xml.Linq;
using Segur.Xml;

namespace Segur.Dmp.Cda;

/// <summary>Options of <see cref="CdaReader"/>.</summary>
public sealed class CdaReaderOptions
{
    /// <summary>The largest document accepted, in characters.</summary>
    /// <value>Default: <see cref="SafeXml.DefaultMaxCharacters"/> (64 MiB).</value>
    public long MaxDocumentCharacters { get; set; } = SafeXml.DefaultMaxCharacters;

    /// <summary>The largest decoded body accepted, in bytes.</summary>
    /// <value>Default: 48 MiB.</value>
    public long MaxBodyBytes { get; set; } = 48L * 1024 * 1024;
}

/// <summary>
/// Reads incoming CDA R2 documents (N1 and N3): header, patient identity, type, authors, relations, and the body
/// (the PDF of an N1, or the FR-Document-PDF-copie of an N3) decoded, streamed to a caller's stream when asked.
/// Parsing is hardened (<see cref="SafeXml"/>): DTDs, oversized or over-deep documents are refused.
/// </summary>
public sealed class CdaReader
{
    private const string PdfCopySection = "1.2.250.1.213.1.1.2.243";
    private static readonly XNamespace V3 = CdaRules.Hl7Namespace;
    private readonly CdaReaderOptions _options;

    /// <summary>Creates a reader with default options.</summary>
    public CdaReader()
        : this(new CdaReaderOptions())
    {
    }

    /// <summary>Creates a reader.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public CdaReader(CdaReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Reads a CDA document, decoding its body into <see cref="CdaDocumentInfo.Body"/>.</summary>
    /// <param name="cda">The XML; not disposed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the document holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cda"/> is null.</exception>
    /// <exception cref="SegurValidationException">Malformed XML (<c>SGR-1101</c>), DTD (<c>SGR-1102</c>), too large
    /// (<c>SGR-1103</c>), too deep (<c>SGR-1105</c>), not a ClinicalDocument (<c>SGR-4101</c>), header
    /// (<c>SGR-4102</c>) or body (<c>SGR-4103</c>, <c>SGR-4104</c>) invalid.</exception>
    public Task<CdaDocumentInfo> ReadAsync(Stream cda, CancellationToken cancellationToken = default) =>
        ReadAsync(cda, null, cancellationToken);

    /// <summary>Reads a CDA document; the decoded body goes to <paramref name="bodyOutput"/> in chunks when given
    /// (then <see cref="CdaDocumentInfo.Body"/> is empty), so a large PDF is never held in memory.</summary>
    /// <param name="cda">The XML; not disposed.</param>
    /// <param name="bodyOutput">Where the decoded body goes, or null to keep it in memory; not disposed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the document holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cda"/> is null.</exception>
    /// <exception cref="SegurValidationException">See <see cref="ReadAsync(Stream, CancellationToken)"/>.</exception>
    public async Task<CdaDocumentInfo> ReadAsync(Stream cda, Stream? bodyOutput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cda);
        // SafeXml's hardened settings (no DTD, no resolver, size limit) on a raw reader: the depth-limiting wrapper of
        // SafeXml.CreateReader cannot stream base64, so the depth limit is enforced here on every loaded subtree.
        var settings = SafeXml.CreateReaderSettings(_options.MaxDocumentCharacters);
        settings.Async = true;
        using var reader = XmlReader.Create(cda, settings);
        try
        {
            return await ReadCoreAsync(reader, bodyOutput, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException ex)
        {
            return SafeXml.Guard<CdaDocumentInfo>(() => throw ex);
        }
    }

    private async Task<CdaDocumentInfo> ReadCoreAsync(XmlReader reader, Stream? bodyOutput, CancellationToken cancellationToken)
    {
        if (await reader.MoveToContentAsync().ConfigureAwait(false) != XmlNodeType.Element
            || reader.LocalName != "ClinicalDocument" || reader.NamespaceURI != CdaRules.Hl7Namespace)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaNotClinicalDocument,
                "The XML is not a CDA R2 document: the root must be ClinicalDocument in namespace urn:hl7-org:v3.") { Field = "ClinicalDocument" };
        }

        var header = new XElement(V3 + "ClinicalDocument");
        var body = new BodyResult();
        if (!reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            while (!reader.EOF && reader.NodeType != XmlNodeType.EndElement)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.NodeType != XmlNodeType.Element)
                {
                    await reader.ReadAsync().ConfigureAwait(false);
                    continue;
                }

                if (reader.LocalName == "component" && reader.NamespaceURI == CdaRules.Hl7Namespace)
                {
                    body = await ReadComponentAsync(reader, bodyOutput, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                header.Add(CheckDepth((XElement)await XNode.ReadFromAsync(reader, cancellationToken).ConfigureAwait(false), 1));
            }
        }

        return Map(header, body);
    }

    private sealed class BodyResult
    {
        public CdaDocumentLevel? Level { get; set; }

        public string? MediaType { get; set; }

        public ReadOnlyMemory<byte> Bytes { get; set; }

        public long Length { get; set; }
    }

    private async Task<BodyResult> ReadComponentAsync(XmlReader reader, Stream? bodyOutput, CancellationToken cancellationToken)
    {
        var result = new BodyResult();
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return result;
        }

        var depth = reader.Depth;
        await reader.ReadAsync().ConfigureAwait(false);
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == CdaRules.Hl7Namespace && reader.LocalName == "nonXMLBody")
            {
                result.Level = CdaDocumentLevel.N1;
                await ReadNonXmlBodyAsync(reader, result, bodyOutput, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == CdaRules.Hl7Namespace && reader.LocalName == "structuredBody")
            {
                result.Level = CdaDocumentLevel.N3;
                var structured = CheckDepth((XElement)await XNode.ReadFromAsync(reader, cancellationToken).ConfigureAwait(false), reader.Depth);
                await ReadPdfCopyAsync(structured, result, bodyOutput, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                break;
            }
        }

        await reader.ReadAsync().ConfigureAwait(false); // past </component>
        return result;
    }

    private async Task ReadNonXmlBodyAsync(XmlReader reader, BodyResult result, Stream? bodyOutput, CancellationToken cancellationToken)
    {
        var depth = reader.Depth;
        if (reader.IsEmptyElement)
        {
            throw Body("The nonXMLBody is empty.");
        }

        await reader.ReadAsync().ConfigureAwait(false);
        var found = false;
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "text" && reader.NamespaceURI == CdaRules.Hl7Namespace)
            {
                found = true;
                result.MediaType = reader.GetAttribute("mediaType") ?? "text/plain";
                var representation = reader.GetAttribute("representation") ?? "TXT";
                if (reader.GetAttribute("reference") is not null || (reader.IsEmptyElement && representation == "B64"))
                {
                    throw Body("The nonXMLBody has no inline content (empty or external reference).");
                }

                await DecodeAsync(reader, representation == "B64", result, bodyOutput, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                break;
            }
        }

        if (!found)
        {
            throw Body("The nonXMLBody has no text element.");
        }

        await reader.ReadAsync().ConfigureAwait(false); // past </nonXMLBody>
    }

    private async Task DecodeAsync(XmlReader reader, bool base64, BodyResult result, Stream? bodyOutput, CancellationToken cancellationToken)
    {
        var sink = bodyOutput ?? new MemoryStream();
        long total = 0;
        try
        {
            if (base64)
            {
                var buffer = new byte[48 * 1024];
                int read;
                while ((read = await reader.ReadElementContentAsBase64Async(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > _options.MaxBodyBytes)
                    {
                        throw new SegurValidationException(DmpErrorCodes.CdaBodyTooLarge, $"The decoded body is larger than {_options.MaxBodyBytes} bytes.") { Field = "nonXMLBody" };
                    }

                    await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var text = await reader.ReadElementContentAsStringAsync().ConfigureAwait(false);
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                total = bytes.Length;
                if (total > _options.MaxBodyBytes)
                {
                    throw new SegurValidationException(DmpErrorCodes.CdaBodyTooLarge, $"The decoded body is larger than {_options.MaxBodyBytes} bytes.") { Field = "nonXMLBody" };
                }

                await sink.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (XmlException ex) when (ex.Message.Contains("Base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaBodyInvalid, "The body's base64 content is invalid.", innerException: ex) { Field = "nonXMLBody" };
        }
        catch (FormatException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaBodyInvalid, "The body's base64 content is invalid.", innerException: ex) { Field = "nonXMLBody" };
        }

        if (total == 0)
        {
            throw Body("The body is empty.");
        }

        result.Length = total;
        if (bodyOutput is null)
        {
            result.Bytes = ((MemoryStream)sink).ToArray();
        }
    }

    private async Task ReadPdfCopyAsync(XElement structured, BodyResult result, Stream? bodyOutput, CancellationToken cancellationToken)
    {
        var section = structured.Descendants(V3 + "section")
            .FirstOrDefault(s => s.Elements(V3 + "templateId").Any(t => (string?)t.Attribute("root") == PdfCopySection));
        var media = section?.Descendants().FirstOrDefault(e =>
            (string?)e.Attribute("representation") == "B64" && (string?)e.Attribute("mediaType") == "application/pdf");
        if (media is null)
        {
            return;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(media.Value);
        }
        catch (FormatException ex)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaBodyInvalid, "The PDF copy's base64 content is invalid.", innerException: ex) { Field = "structuredBody" };
        }

        if (bytes.LongLength > _options.MaxBodyBytes)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaBodyTooLarge, $"The decoded body is larger than {_options.MaxBodyBytes} bytes.") { Field = "structuredBody" };
        }

        result.MediaType = "application/pdf";
        result.Length = bytes.LongLength;
        if (bodyOutput is not null)
        {
            await bodyOutput.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result.Bytes = bytes;
        }
    }

    private static XElement CheckDepth(XElement element, int baseDepth)
    {
        var stack = new Stack<(XElement Element, int Depth)>();
        stack.Push((element, baseDepth));
        while (stack.Count > 0)
        {
            var (current, depth) = stack.Pop();
            if (depth > SafeXml.DefaultMaxDepth)
            {
                throw new SegurValidationException(CoreErrorCodes.XmlTooDeep, $"The XML is nested deeper than {SafeXml.DefaultMaxDepth} levels.");
            }

            foreach (var child in current.Elements())
            {
                stack.Push((child, depth + 1));
            }
        }

        return element;
    }

    private static CdaDocumentInfo Map(XElement doc, BodyResult body)
    {
        if (body.Level is null)
        {
            throw Body("The document has no body (component/nonXMLBody or component/structuredBody).");
        }

        var id = InstanceId(doc.Element(V3 + "id")) ?? throw Header("The document has no id/@root.", "id");
        var type = CodeOf(doc.Element(V3 + "code")) ?? throw Header("The document has no type code.", "code");
        var effectiveValue = (string?)doc.Element(V3 + "effectiveTime")?.Attribute("value");
        if (!CdaRules.TryParseTime(effectiveValue, out var effective, out _))
        {
            throw Header("The document's effectiveTime is missing or not a valid time.", "effectiveTime");
        }

        var patientRole = doc.Element(V3 + "recordTarget")?.Element(V3 + "patientRole")
            ?? throw Header("The document has no recordTarget/patientRole.", "recordTarget");
        var versionText = (string?)doc.Element(V3 + "versionNumber")?.Attribute("value");
        var serviceEvent = doc.Elements(V3 + "documentationOf").Select(d => d.Element(V3 + "serviceEvent")).FirstOrDefault(s => s is not null);
        var related = doc.Elements(V3 + "relatedDocument").Select(RelatedOf).FirstOrDefault(r => r is not null);

        return new CdaDocumentInfo
        {
            Level = body.Level.Value,
            TemplateIds = doc.Elements(V3 + "templateId").Select(InstanceId).OfType<CdaInstanceId>().ToList(),
            Id = id,
            SetId = InstanceId(doc.Element(V3 + "setId")),
            VersionNumber = int.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null,
            TypeCode = type,
            Title = doc.Element(V3 + "title")?.Value.Trim(),
            EffectiveTime = effective,
            ConfidentialityCode = (string?)doc.Element(V3 + "confidentialityCode")?.Attribute("code"),
            LanguageCode = (string?)doc.Element(V3 + "languageCode")?.Attribute("code"),
            Patient = PatientOf(patientRole),
            Authors = doc.Elements(V3 + "author").Select(AuthorOf).ToList(),
            CustodianId = InstanceId(doc.Element(V3 + "custodian")?.Element(V3 + "assignedCustodian")?.Element(V3 + "representedCustodianOrganization")?.Element(V3 + "id")),
            LegalAuthenticator = doc.Element(V3 + "legalAuthenticator") is { } legal ? PersonOf(legal, legal.Element(V3 + "assignedEntity")) : null,
            PracticeSetting = CodeOf(serviceEvent?.Elements(V3 + "performer").FirstOrDefault()?.Element(V3 + "assignedEntity")
                ?.Element(V3 + "representedOrganization")?.Element(V3 + "standardIndustryClassCode")),
            HealthcareFacilityType = CodeOf(doc.Element(V3 + "componentOf")?.Element(V3 + "encompassingEncounter")?.Element(V3 + "location")
                ?.Element(V3 + "healthCareFacility")?.Element(V3 + "code")),
            ServiceStartTime = TimeOf(serviceEvent?.Element(V3 + "effectiveTime")?.Element(V3 + "low")),
            ServiceStopTime = TimeOf(serviceEvent?.Element(V3 + "effectiveTime")?.Element(V3 + "high")),
            RelatedDocument = related,
            BodyMediaType = body.MediaType,
            Body = body.Bytes,
            BodyLength = body.Length,
        };
    }

    private static CdaPatientInfo PatientOf(XElement role)
    {
        var ids = role.Elements(V3 + "id").Select(InstanceId).OfType<CdaInstanceId>().ToList();
        var ins = ids.FirstOrDefault(i => i.Extension is not null && CdaRules.InsOids.Contains(i.Root, StringComparer.Ordinal));
        if (ins is not null)
        {
            ids.Remove(ins);
            ids.Insert(0, ins);
        }

        var patient = role.Element(V3 + "patient");
        var names = patient?.Elements(V3 + "name").ToList() ?? [];
        string? Part(string element, string? qualifier) => names.SelectMany(n => n.Elements(V3 + element))
            .FirstOrDefault(e => (string?)e.Attribute("qualifier") == qualifier)?.Value.Trim();
        var allGiven = Part("given", null);
        var birthDate = (string?)patient?.Element(V3 + "birthTime")?.Attribute("value");
        DateOnly? birth = birthDate is { Length: >= 8 } && CdaRules.TryParseTime(birthDate[..8], out var bt, out _) ? DateOnly.FromDateTime(bt.DateTime) : null;
        return new CdaPatientInfo
        {
            Ins = ins?.Extension,
            InsOid = ins?.Root,
            Ids = ids,
            BirthName = Part("family", "BR") ?? Part("family", null),
            FirstNames = allGiven?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            FirstBirthFirstName = Part("given", "BR"),
            UsedName = Part("family", "CL"),
            UsedFirstName = Part("given", "CL"),
            SexCode = (string?)patient?.Element(V3 + "administrativeGenderCode")?.Attribute("code"),
            BirthDate = birth,
            BirthPlaceCode = patient?.Element(V3 + "birthplace")?.Element(V3 + "place")?.Element(V3 + "addr")?.Element(V3 + "county")?.Value.Trim(),
        };
    }

    private static CdaAuthorInfo AuthorOf(XElement author) => PersonOf(author, author.Element(V3 + "assignedAuthor"));

    private static CdaAuthorInfo PersonOf(XElement author, XElement? assigned)
    {
        var name = assigned?.Element(V3 + "assignedPerson")?.Element(V3 + "name");
        var organization = assigned?.Element(V3 + "representedOrganization");
        return new CdaAuthorInfo
        {
            Id = InstanceId(assigned?.Element(V3 + "id")),
            FamilyName = name?.Element(V3 + "family")?.Value.Trim(),
            GivenName = name?.Element(V3 + "given")?.Value.Trim(),
            Specialty = CodeOf(assigned?.Element(V3 + "code")),
            OrganizationId = InstanceId(organization?.Element(V3 + "id")),
            OrganizationName = organization?.Element(V3 + "name")?.Value.Trim(),
            Time = TimeOf(author.Element(V3 + "time")),
        };
    }

    private static CdaRelatedDocument? RelatedOf(XElement related)
    {
        var type = (string?)related.Attribute("typeCode") switch
        {
            "RPLC" => CdaRelationType.Replace,
            "XFRM" => CdaRelationType.Transform,
            _ => (CdaRelationType?)null,
        };
        var parent = related.Element(V3 + "parentDocument");
        var parentId = InstanceId(parent?.Element(V3 + "id"));
        if (type is null || parentId is null)
        {
            return null;
        }

        var versionText = (string?)parent!.Element(V3 + "versionNumber")?.Attribute("value");
        return new CdaRelatedDocument(type.Value, parentId.Root, InstanceId(parent.Element(V3 + "setId"))?.Root,
            int.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null);
    }

    private static CdaInstanceId? InstanceId(XElement? element) =>
        (string?)element?.Attribute("root") is { Length: > 0 } root ? new CdaInstanceId(root, (string?)element!.Attribute("extension")) : null;

    private static CdaCode? CodeOf(XElement? element) =>
        (string?)element?.Attribute("code") is { Length: > 0 } code
            ? new CdaCode(code, (string?)element!.Attribute("codeSystem") ?? string.Empty, (string?)element.Attribute("displayName"))
            : null;

    private static DateTimeOffset? TimeOf(XElement? element) =>
        CdaRules.TryParseTime((string?)element?.Attribute("value"), out var time, out _) ? time : null;

    private static SegurValidationException Header(string message, string field) =>
        new(DmpErrorCodes.CdaHeaderInvalid, message) { Field = field };

    private static SegurValidationException Body(string message) =>
        new(DmpErrorCodes.CdaBodyInvalid, message) { Field = "component" };
}
