using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Segur.Dmp.Cda;

/// <summary>Options of <see cref="CdaDocumentBuilder"/>.</summary>
public sealed class CdaBuilderOptions : SegurClientOptions
{
    /// <summary>Whether a PDF that does not declare PDF/A is refused (<c>SGR-4010</c>) instead of producing a warning.</summary>
    /// <value>Default: false (CI-SIS expects PDF/A-1; the builder warns).</value>
    public bool RequirePdfA { get; set; }

    /// <summary>The template ids of the vaccination note.</summary>
    /// <value>Default: those of the ANS example VAC-NOTE_2023.01.</value>
    public CdaVaccinationNoteTemplates VaccinationNoteTemplates { get; set; } = new();
}

/// <summary>What the builder produced: the document (unless it was streamed), its ids, the PDF findings and warnings.</summary>
public sealed class CdaBuildResult
{
    internal CdaBuildResult(ReadOnlyMemory<byte> content, CdaHeader header, CdaPdfInfo? pdf, IReadOnlyList<string> warnings)
    {
        Content = content;
        Header = header;
        Pdf = pdf;
        Warnings = warnings;
        Reference = new CdaDocumentReference(header.DocumentId!, header.SetId!, header.VersionNumber);
    }

    /// <summary>The CDA as UTF-8 XML; empty when the document was written to a stream.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The header as written, with generated ids and times filled in.</summary>
    public CdaHeader Header { get; }

    /// <summary>The document id, set id and version: pass it to <see cref="CdaHeader.AsReplacementOf"/> or
    /// <see cref="CdaHeader.AsTransformationOf"/>.</summary>
    public CdaDocumentReference Reference { get; }

    /// <summary>What was found in the PDF body, or null for another media type or an N3 document.</summary>
    public CdaPdfInfo? Pdf { get; }

    /// <summary>Conformance warnings that did not stop the build (PDF not PDF/A, birth place missing).</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Builds CI-SIS CDA R2 documents: N1 (a PDF or another unstructured content in <c>nonXMLBody</c>) and the N3
/// vaccination note. Thread-safe; one instance can serve the whole application.
/// </summary>
/// <remarks>
/// Every input is checked before anything is written: qualified INS with an INS OID, traits, PS_IdNat, Struct_IdNat,
/// OIDs, codes against the embedded CI-SIS value sets, PDF header and trailer. Output is UTF-8 without
/// <c>xsi:schemaLocation</c>, ids are bare OIDs (<c>2.25.&lt;uuid&gt;</c> when not given).
/// </remarks>
public sealed partial class CdaDocumentBuilder
{
    private const int ChunkSize = 48 * 1024; // multiple of 3: base64 without padding between chunks
    private readonly CdaBuilderOptions _options;

    /// <summary>Creates a builder with default options.</summary>
    public CdaDocumentBuilder()
        : this(new CdaBuilderOptions())
    {
    }

    /// <summary>Creates a builder.</summary>
    /// <param name="options">The options; the builder keeps the reference.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public CdaDocumentBuilder(CdaBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Builds an N1 document around an in-memory content (a PDF by default).</summary>
    /// <param name="header">The header data.</param>
    /// <param name="content">The PDF (or other content) bytes.</param>
    /// <param name="mediaType">The content's media type: <c>application/pdf</c>, <c>image/jpeg</c>, <c>image/tiff</c>,
    /// <c>text/rtf</c> or <c>text/plain</c>.</param>
    /// <returns>The document and what was found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> or <paramref name="mediaType"/> is null.</exception>
    /// <exception cref="SegurValidationException">A header value or the content is invalid; the code names it
    /// (<c>SGR-4001</c>…<c>SGR-4013</c>).</exception>
    public CdaBuildResult BuildN1(CdaHeader header, ReadOnlyMemory<byte> content, string mediaType = "application/pdf")
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(mediaType);
        var warnings = new List<string>();
        var resolved = Resolve(header, warnings);
        CheckMediaType(mediaType);
        var pdf = InspectContent(content.Span, mediaType, warnings);
        using var buffer = new MemoryStream(content.Length * 4 / 3 + 8192);
        using (var writer = CreateWriter(buffer, async: false))
        {
            WriteStart(writer, resolved, N1Templates());
            WriteN1BodyStart(writer, mediaType);
            if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment))
            {
                writer.WriteBase64(segment.Array!, segment.Offset, segment.Count);
            }
            else
            {
                writer.WriteBase64(content.ToArray(), 0, content.Length);
            }
            WriteEnd(writer);
        }

        return new CdaBuildResult(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), resolved, pdf, warnings);
    }

    /// <summary>Writes an N1 document to a stream, reading the content from a stream and encoding it in chunks so a
    /// large PDF is never held twice in memory.</summary>
    /// <param name="header">The header data.</param>
    /// <param name="content">The PDF (or other content), read to its end; not disposed.</param>
    /// <param name="output">Where the UTF-8 XML goes; not disposed. When the content turns out invalid only at its end
    /// (non-seekable content without <c>%%EOF</c>), part of the document has been written: discard it.</param>
    /// <param name="mediaType">The content's media type (see <see cref="BuildN1"/>).</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The ids and findings; <see cref="CdaBuildResult.Content"/> is empty.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">A header value or the content is invalid.</exception>
    public async Task<CdaBuildResult> WriteN1Async(CdaHeader header, Stream content, Stream output, string mediaType = "application/pdf",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(mediaType);
        var warnings = new List<string>();
        var resolved = Resolve(header, warnings);
        CheckMediaType(mediaType);
        var isPdf = mediaType == "application/pdf";
        if (isPdf && content.CanSeek)
        {
            await PrecheckSeekablePdfAsync(content, cancellationToken).ConfigureAwait(false);
        }

        var inspector = new PdfInspector();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var writer = CreateWriter(output, async: true);
            await using var writerScope = writer.ConfigureAwait(false);
            WriteStart(writer, resolved, N1Templates());
            WriteN1BodyStart(writer, mediaType);
            int filled;
            while ((filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                inspector.Append(buffer.AsSpan(0, filled));
                if (isPdf && inspector.Length == filled && !inspector.HeaderLooksLikePdf)
                {
                    throw new SegurValidationException(DmpErrorCodes.CdaContentNotPdf, "The content is not a PDF: it does not start with %PDF-.") { Field = "content" };
                }

                await writer.WriteBase64Async(buffer, 0, filled).ConfigureAwait(false);
            }

            CdaPdfInfo? pdf = null;
            if (isPdf)
            {
                pdf = inspector.Complete();
                CheckPdfA(pdf, warnings);
            }
            else if (inspector.Length == 0)
            {
                throw new SegurValidationException(DmpErrorCodes.CdaContentInvalid, "The document content is empty.") { Field = "content" };
            }

            WriteEnd(writer);
            await writer.FlushAsync().ConfigureAwait(false);
            return new CdaBuildResult(ReadOnlyMemory<byte>.Empty, resolved, pdf, warnings);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Builds a vaccination note (CDA R2 N3, volet VAC-NOTE) with one FR-Vaccinations section.</summary>
    /// <param name="header">The header; its <see cref="CdaHeader.TypeCode"/> must be <see cref="CdaVaccinationNote.TypeCode"/>.
    /// To link it to the N1 version of the same document, use <see cref="CdaHeader.AsTransformationOf"/>.</param>
    /// <param name="note">The vaccinations.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurValidationException">A header value or a vaccination is invalid (<c>SGR-4012</c>).</exception>
    public CdaBuildResult BuildVaccinationNote(CdaHeader header, CdaVaccinationNote note)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(note);
        if (header.TypeCode is null || header.TypeCode.Code != CdaVaccinationNote.TypeCode.Code || header.TypeCode.CodeSystem != CdaCode.Loinc)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaCodeNotInValueSet,
                "A vaccination note has the LOINC type code 87273-9 (CdaVaccinationNote.TypeCode).") { Field = "typeCode" };
        }

        var warnings = new List<string>();
        var resolved = Resolve(header, warnings);
        var templates = _options.VaccinationNoteTemplates ?? new CdaVaccinationNoteTemplates();
        CheckVaccinations(note, resolved);
        var documentTemplates = new List<CdaInstanceId> { new(CdaRules.TemplateHl7France), new(CdaRules.TemplateCiSis) };
        documentTemplates.AddRange(templates.Document);
        foreach (var template in documentTemplates)
        {
            CdaRules.RequireOid(template.Root, "templateId");
        }

        using var buffer = new MemoryStream();
        using (var writer = CreateWriter(buffer, async: false))
        {
            WriteStart(writer, resolved, documentTemplates);
            WriteVaccinationBody(writer, resolved, note, templates);
            WriteEnd(writer);
        }

        return new CdaBuildResult(buffer.ToArray(), resolved, null, warnings);
    }

    private static List<CdaInstanceId> N1Templates() =>
        [new(CdaRules.TemplateHl7France), new(CdaRules.TemplateCiSis), new(CdaRules.TemplateXdsSd)];

    private static XmlWriter CreateWriter(Stream output, bool async) => XmlWriter.Create(output, new XmlWriterSettings
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        CloseOutput = false,
        Async = async,
        NewLineHandling = NewLineHandling.Replace,
        NewLineChars = "\n",
    });

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        // Fill whole chunks so every chunk but the last is a multiple of 3 bytes.
        var filled = 0;
        while (filled < ChunkSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    private static async Task PrecheckSeekablePdfAsync(Stream content, CancellationToken cancellationToken)
    {
        var start = content.Position;
        var length = content.Length - start;
        var probe = new PdfInspector();
        var head = new byte[(int)Math.Min(length, 16)];
        await content.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        probe.Append(head);
        if (length > 16)
        {
            var tailStart = Math.Max(start + 16, content.Length - 1024);
            content.Position = tailStart;
            var tail = new byte[(int)(content.Length - tailStart)];
            await content.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
            probe.Append(tail);
        }

        content.Position = start;
        probe.Complete(); // throws when not a PDF; PDF/A is decided on the full scan
    }

    private CdaPdfInfo? InspectContent(ReadOnlySpan<byte> content, string mediaType, List<string> warnings)
    {
        var inspector = new PdfInspector();
        inspector.Append(content);
        if (mediaType != "application/pdf")
        {
            if (content.IsEmpty)
            {
                throw new SegurValidationException(DmpErrorCodes.CdaContentInvalid, "The document content is empty.") { Field = "content" };
            }

            return null;
        }

        var pdf = inspector.Complete();
        CheckPdfA(pdf, warnings);
        return pdf;
    }

    private void CheckPdfA(CdaPdfInfo pdf, List<string> warnings)
    {
        if (pdf.IsPdfA)
        {
            return;
        }

        if (_options.RequirePdfA)
        {
            throw new SegurValidationException(DmpErrorCodes.CdaPdfNotPdfA, "The PDF does not declare PDF/A (no pdfaid:part in its XMP metadata).") { Field = "content" };
        }

        warnings.Add("The PDF does not declare PDF/A (no pdfaid:part in its XMP metadata); CI-SIS expects PDF/A-1.");
    }

    private static void CheckMediaType(string mediaType)
    {
        if (!CdaRules.N1MediaTypes.Contains(mediaType, StringComparer.Ordinal) || !CdaValueSets.MediaType.Concepts.Any(c => c.Code == mediaType))
        {
            throw new SegurValidationException(DmpErrorCodes.CdaContentInvalid,
                $"The media type '{mediaType}' is not allowed in an N1 body (application/pdf, image/jpeg, image/tiff, text/rtf, text/plain).") { Field = "mediaType" };
        }
    }

    private static void CheckVaccinations(CdaVaccinationNote note, CdaHeader header)
    {
        if (note.Vaccinations is null || note.Vaccinations.Count == 0)
        {
            throw Vaccination("A vaccination note needs at least one vaccination.", "vaccinations");
        }

        var today = DateOnly.FromDateTime(header.EffectiveTime!.Value.DateTime);
        foreach (var v in note.Vaccinations)
        {
            if (v is null)
            {
                throw Vaccination("A vaccination is null.", "vaccinations");
            }

            if (v.Vaccine is null || string.IsNullOrWhiteSpace(v.Vaccine.Code))
            {
                throw Vaccination("A vaccination has no vaccine code.", "vaccine");
            }

            CdaRules.RequireOid(v.Vaccine.CodeSystem, "vaccine code system");
            if (string.IsNullOrWhiteSpace(v.LotNumber) || v.LotNumber.Length > 64 || HasControl(v.LotNumber))
            {
                throw Vaccination("A vaccination has no valid lot number (1 to 64 characters).", "lotNumber");
            }

            if (v.DoseNumber is < 1)
            {
                throw Vaccination("A dose number must be 1 or more.", "doseNumber");
            }

            if (v.Date > today)
            {
                throw new SegurValidationException(DmpErrorCodes.CdaDateInvalid, "A vaccination date is after the document's date.") { Field = "date" };
            }

            foreach (var code in new[] { v.Route, v.ApproachSite, v.ActCode }.Concat(v.VaccineTranslations ?? []))
            {
                if (code is not null)
                {
                    CdaRules.RequireOid(code.CodeSystem, "vaccination code system");
                }
            }

            if (v.Comment is not null && HasControl(v.Comment))
            {
                throw Vaccination("The comment holds control characters.", "comment");
            }

            if (v.Performer is not null)
            {
                CheckPerson(v.Performer, "performer");
            }
        }

        static SegurValidationException Vaccination(string message, string field) =>
            new(DmpErrorCodes.CdaVaccinationInvalid, message) { Field = field };
    }

    private static bool HasControl(string text) => text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z]{2}-[A-Z]{2}$")]
    private static partial Regex LanguageRegex();
}
