using System.Text;
using System.Xml.Linq;
using Segur.Dmp.Cda;
using Segur.Testing;
using Xunit;

namespace Segur.Dmp.Tests.Cda;

public sealed class CdaDocumentBuilderTests
{
    private static readonly XNamespace V3 = "urn:hl7-org:v3";

    private static CdaDocumentBuilder Builder(bool requirePdfA = false) =>
        new(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now), RequirePdfA = requirePdfA });

    [Theory]
    [InlineData("11488-4")]
    [InlineData("11502-2")]
    [InlineData("57833-6")]
    [InlineData("60591-5")]
    public void BuildN1_SeveralTypes_ValidatesAgainstXsd(string typeCode)
    {
        var result = Builder().BuildN1(CdaTestData.Header(typeCode), CdaTestData.Pdf());

        Assert.Empty(CdaTestData.ValidateAgainstXsd(result.Content));
        var doc = XDocument.Load(new MemoryStream(result.Content.ToArray()));
        Assert.Equal(typeCode, (string?)doc.Root!.Element(V3 + "code")!.Attribute("code"));
    }

    [Fact]
    public void BuildN1_Pdf_WritesCiSisHeaderAndBareOidIds()
    {
        var pdf = CdaTestData.Pdf();
        var result = Builder().BuildN1(CdaTestData.Header(), pdf);
        var root = XDocument.Load(new MemoryStream(result.Content.ToArray())).Root!;

        Assert.Equal(["2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.2.20"],
            root.Elements(V3 + "templateId").Select(t => (string)t.Attribute("root")!).ToArray());
        var id = root.Element(V3 + "id")!;
        Assert.Null(id.Attribute("extension"));
        Assert.StartsWith("2.25.", (string)id.Attribute("root")!, StringComparison.Ordinal);
        Assert.True(((string)id.Attribute("root")!).Length <= 64);
        Assert.Equal("20260105093000+0100", (string?)root.Element(V3 + "effectiveTime")!.Attribute("value"));
        Assert.Equal("N", (string?)root.Element(V3 + "confidentialityCode")!.Attribute("code"));
        var patientRole = root.Element(V3 + "recordTarget")!.Element(V3 + "patientRole")!;
        var ins = patientRole.Elements(V3 + "id").First();
        Assert.Equal("1.2.250.1.213.1.4.10", (string?)ins.Attribute("root"));
        Assert.Equal("279035121518989", (string?)ins.Attribute("extension"));
        var name = patientRole.Element(V3 + "patient")!.Element(V3 + "name")!;
        Assert.Equal("PAT-TROIS", name.Elements(V3 + "family").Single(f => (string?)f.Attribute("qualifier") == "BR").Value);
        Assert.Equal("DOMINIQUE MARIE-LOUISE", name.Elements(V3 + "given").Single(f => f.Attribute("qualifier") is null).Value);
        Assert.Equal("DOMINIQUE", name.Elements(V3 + "given").Single(f => (string?)f.Attribute("qualifier") == "BR").Value);
        Assert.Equal("51215", patientRole.Descendants(V3 + "county").Single().Value);
        var author = root.Element(V3 + "author")!.Element(V3 + "assignedAuthor")!;
        Assert.Equal("1.2.250.1.71.4.2.1", (string?)author.Element(V3 + "id")!.Attribute("root"));
        Assert.Equal("899900063480", (string?)author.Element(V3 + "id")!.Attribute("extension"));
        Assert.Equal("Pharmacien", (string?)author.Element(V3 + "code")!.Attribute("displayName"));
        Assert.Equal("1750012346", (string?)author.Element(V3 + "representedOrganization")!.Element(V3 + "id")!.Attribute("extension"));
        Assert.Equal("SA33", (string?)root.Descendants(V3 + "healthCareFacility").Single().Element(V3 + "code")!.Attribute("code"));
        var text = root.Descendants(V3 + "nonXMLBody").Single().Element(V3 + "text")!;
        Assert.Equal("application/pdf", (string?)text.Attribute("mediaType"));
        Assert.Equal("B64", (string?)text.Attribute("representation"));
        Assert.Equal(pdf, Convert.FromBase64String(text.Value));
        Assert.DoesNotContain("schemaLocation", Encoding.UTF8.GetString(result.Content.Span), StringComparison.Ordinal);
        Assert.True(result.Pdf!.IsPdfA);
        Assert.Equal(1, result.Pdf.PdfAPart);
        Assert.Equal("B", result.Pdf.PdfAConformance);
        Assert.Equal("1.4", result.Pdf.Version);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void BuildN1_PdfWithoutPdfA_WarnsOrRefusesWhenRequired()
    {
        var result = Builder().BuildN1(CdaTestData.Header(), CdaTestData.Pdf(pdfA: false));
        Assert.False(result.Pdf!.IsPdfA);
        Assert.Contains(result.Warnings, w => w.Contains("PDF/A", StringComparison.Ordinal));

        var ex = Assert.Throws<SegurValidationException>(() => Builder(requirePdfA: true).BuildN1(CdaTestData.Header(), CdaTestData.Pdf(pdfA: false)));
        Assert.Equal(DmpErrorCodes.CdaPdfNotPdfA, ex.ErrorCode);
    }

    [Theory]
    [InlineData("GIF89a")]
    [InlineData("%PDF-1.4 truncated without trailer")]
    public void BuildN1_NotAPdf_Throws(string content)
    {
        var ex = Assert.Throws<SegurValidationException>(() => Builder().BuildN1(CdaTestData.Header(), Encoding.ASCII.GetBytes(content)));
        Assert.Equal(DmpErrorCodes.CdaContentNotPdf, ex.ErrorCode);
    }

    [Fact]
    public void BuildN1_EmptyContent_Throws() =>
        Assert.Equal(DmpErrorCodes.CdaContentInvalid,
            Assert.Throws<SegurValidationException>(() => Builder().BuildN1(CdaTestData.Header(), Array.Empty<byte>())).ErrorCode);

    [Fact]
    public void BuildN1_TextPlain_ValidatesAndHasNoPdfInfo()
    {
        var result = Builder().BuildN1(CdaTestData.Header(), Encoding.UTF8.GetBytes("Bonjour"), "text/plain");
        Assert.Null(result.Pdf);
        Assert.Empty(CdaTestData.ValidateAgainstXsd(result.Content));
    }

    [Fact]
    public void BuildN1_UnsupportedMediaType_Throws() =>
        Assert.Equal(DmpErrorCodes.CdaContentInvalid,
            Assert.Throws<SegurValidationException>(() => Builder().BuildN1(CdaTestData.Header(), CdaTestData.Pdf(), "application/msword")).ErrorCode);

    public static TheoryData<string, Func<CdaHeader, CdaHeader>> InvalidHeaders => new()
    {
        { DmpErrorCodes.CdaPatientInsMissing, h => h with { Patient = h.Patient with { Ins = "" } } },
        { DmpErrorCodes.CdaPatientInsMissing, h => h with { Patient = h.Patient with { InsOid = " " } } },
        { DmpErrorCodes.CdaPatientInsInvalid, h => h with { Patient = h.Patient with { InsOid = "1.2.250.1.213.1.4.2" } } },
        { DmpErrorCodes.CdaPatientInsInvalid, h => h with { Patient = h.Patient with { InsOid = "1.2.3.4" } } },
        { DmpErrorCodes.CdaPatientInsInvalid, h => h with { Patient = h.Patient with { Ins = "27903512151898" } } },
        { DmpErrorCodes.CdaPatientTraitInvalid, h => h with { Patient = h.Patient with { BirthName = "" } } },
        { DmpErrorCodes.CdaPatientTraitInvalid, h => h with { Patient = h.Patient with { FirstNames = [] } } },
        { DmpErrorCodes.CdaPatientTraitInvalid, h => h with { Patient = h.Patient with { BirthPlaceCode = "5121" } } },
        { DmpErrorCodes.CdaDateInvalid, h => h with { Patient = h.Patient with { BirthDate = new DateOnly(2027, 1, 1) } } },
        { DmpErrorCodes.CdaIdentifierInvalid, h => h with { Author = h.Author with { PsIdNat = "10101010101" } } },
        { DmpErrorCodes.CdaIdentifierInvalid, h => h with { Author = h.Author with { Organization = h.Author.Organization with { Identifier = "12" } } } },
        { DmpErrorCodes.CdaIdentifierInvalid, h => h with { Custodian = new CdaOrganization { IdType = CdaOrganizationIdType.Siret, Identifier = "123", Name = "X" } } },
        { DmpErrorCodes.CdaCodeNotInValueSet, h => h with { TypeCode = CdaCode.FromLoinc("99999-9") } },
        { DmpErrorCodes.CdaCodeNotInValueSet, h => h with { TypeCode = new CdaCode("11488-4", "1.2.3") } },
        { DmpErrorCodes.CdaCodeNotInValueSet, h => h with { Author = h.Author with { Specialty = new CdaCode("G15_99", "1.2.250.1.213.1.1.4.5") } } },
        { DmpErrorCodes.CdaCodeNotInValueSet, h => h with { PracticeSetting = new CdaCode("NOPE", "1.2.250.1.213.1.1.4.9") } },
        { DmpErrorCodes.CdaCodeNotInValueSet, h => h with { HealthcareFacilityType = new CdaCode("SA99", "1.2.250.1.71.4.2.4") } },
        { DmpErrorCodes.CdaTextInvalid, h => h with { Title = new string('t', 129) } },
        { DmpErrorCodes.CdaTextInvalid, h => h with { Title = "bad\u0001title" } },
        { DmpErrorCodes.CdaOidInvalid, h => h with { DocumentId = "1.2.03.4" } },
        { DmpErrorCodes.CdaOidInvalid, h => h with { DocumentId = "1.2.3^ext" } },
        { DmpErrorCodes.CdaOidInvalid, h => h with { SetId = "1." + string.Concat(Enumerable.Repeat("12345.", 11)) + "1" } },
        { DmpErrorCodes.CdaVersionInvalid, h => h with { VersionNumber = 0 } },
        { DmpErrorCodes.CdaVersionInvalid, h => h with { RelatedDocument = new CdaRelatedDocument(CdaRelationType.Replace, "1.2.3.4") } },
        { DmpErrorCodes.CdaDateInvalid, h => h with { ServiceStartTime = CdaTestData.Now, ServiceStopTime = CdaTestData.Now.AddHours(-1) } },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void BuildN1_InvalidHeader_ThrowsWithCode(string code, Func<CdaHeader, CdaHeader> change)
    {
        var ex = Assert.Throws<SegurValidationException>(() => Builder().BuildN1(change(CdaTestData.Header()), CdaTestData.Pdf()));
        Assert.Equal(code, ex.ErrorCode);
        Assert.NotNull(ex.Field);
    }

    [Fact]
    public void BuildN1_AllInsOids_Accepted()
    {
        foreach (var oid in new[] { "1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11" })
        {
            var header = CdaTestData.Header() with { Patient = CdaTestData.Patient with { InsOid = oid } };
            Assert.Empty(CdaTestData.ValidateAgainstXsd(Builder().BuildN1(header, CdaTestData.Pdf()).Content));
        }
    }

    [Fact]
    public void BuildN1_MissingBirthPlaceOrBadInsKey_Warns()
    {
        var header = CdaTestData.Header() with { Patient = CdaTestData.Patient with { BirthPlaceCode = null, Ins = "279035121518988" } };
        var result = Builder().BuildN1(header, CdaTestData.Pdf());
        Assert.Contains(result.Warnings, w => w.Contains("birth place", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("INS key", StringComparison.Ordinal));
    }

    [Fact]
    public void BuildN1_Replacement_KeepsSetIdIncrementsVersionAndPointsToParent()
    {
        var builder = Builder();
        var first = builder.BuildN1(CdaTestData.Header(), CdaTestData.Pdf());
        var second = builder.BuildN1(CdaTestData.Header().AsReplacementOf(first.Reference), CdaTestData.Pdf());

        Assert.Empty(CdaTestData.ValidateAgainstXsd(second.Content));
        Assert.NotEqual(first.Reference.DocumentId, second.Reference.DocumentId);
        Assert.Equal(first.Reference.SetId, second.Reference.SetId);
        Assert.Equal(2, second.Reference.VersionNumber);
        var related = XDocument.Load(new MemoryStream(second.Content.ToArray())).Root!.Element(V3 + "relatedDocument")!;
        Assert.Equal("RPLC", (string?)related.Attribute("typeCode"));
        Assert.Equal(first.Reference.DocumentId, (string?)related.Element(V3 + "parentDocument")!.Element(V3 + "id")!.Attribute("root"));
    }

    [Fact]
    public void BuildN1_ReplacementWithOtherSetId_Throws()
    {
        var header = CdaTestData.Header().AsReplacementOf(new CdaDocumentReference("1.2.3.4", "1.2.3.5", 1)) with { SetId = "1.2.3.6" };
        Assert.Equal(DmpErrorCodes.CdaVersionInvalid, Assert.Throws<SegurValidationException>(() => Builder().BuildN1(header, CdaTestData.Pdf())).ErrorCode);
    }

    [Fact]
    public async Task WriteN1Async_LargeNonSeekableStream_StreamsSameBytesAsInMemory()
    {
        var pdf = CdaTestData.Pdf(padding: 300_000);
        var header = CdaTestData.Header() with { DocumentId = "1.2.3.4.1", SetId = "1.2.3.4.2" };
        using var output = new MemoryStream();
        var result = await Builder().WriteN1Async(header, new NonSeekableStream(pdf), output);

        Assert.True(result.Content.IsEmpty);
        Assert.Equal(pdf.Length, result.Pdf!.Length);
        Assert.True(result.Pdf.IsPdfA);
        Assert.Equal(Builder().BuildN1(header, pdf).Content.ToArray(), output.ToArray());
        Assert.Empty(CdaTestData.ValidateAgainstXsd(output.ToArray()));
    }

    [Fact]
    public async Task WriteN1Async_SeekableNotPdf_ThrowsBeforeWriting()
    {
        using var output = new MemoryStream();
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            Builder().WriteN1Async(CdaTestData.Header(), new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.7 no trailer here")), output));
        Assert.Equal(DmpErrorCodes.CdaContentNotPdf, ex.ErrorCode);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task WriteN1Async_NonSeekableNotPdf_Throws()
    {
        using var output = new MemoryStream();
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() =>
            Builder().WriteN1Async(CdaTestData.Header(), new NonSeekableStream(Encoding.ASCII.GetBytes("PK\u0003\u0004 zip")), output));
        Assert.Equal(DmpErrorCodes.CdaContentNotPdf, ex.ErrorCode);
    }

    [Fact]
    public void CdaPatient_ToString_IsRedacted() =>
        Assert.DoesNotContain("279035121518989", CdaTestData.Header().ToString(), StringComparison.Ordinal);

    internal sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 7001)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7001)], cancellationToken);
    }
}

public sealed class CdaPdfDetectionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteN1Async_PdfAMarkerAcrossChunkBoundary_IsDetected(bool attributeForm)
    {
        var probe = CdaTestData.Pdf(attributeForm: attributeForm);
        var at = System.Text.Encoding.Latin1.GetString(probe).IndexOf("pdfaid:part", StringComparison.Ordinal);
        foreach (var shift in new[] { 3, 8, 14 })
        {
            var pdf = CdaTestData.Pdf(padding: 48 * 1024 - shift - at, attributeForm: attributeForm);
            using var output = new MemoryStream();
            var result = await new CdaDocumentBuilder().WriteN1Async(CdaTestData.Header(), new CdaDocumentBuilderTests.NonSeekableStream(pdf), output);
            Assert.Equal(attributeForm ? 2 : 1, result.Pdf!.PdfAPart);
            Assert.Equal(attributeForm ? "U" : "B", result.Pdf.PdfAConformance);
        }
    }
}
