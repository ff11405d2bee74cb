using System.Text;
using Segur.Dmp.Cda;
using Segur.Testing;
using Xunit;

namespace Segur.Dmp.Tests.Cda;

public sealed class CdaReaderTests
{
    private static CdaDocumentBuilder Builder() => new(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) });

    private static Task<CdaDocumentInfo> ReadAsync(byte[] xml) => new CdaReader().ReadAsync(new MemoryStream(xml));

    [Theory]
    [InlineData("DOC_NON_STRUCTURE_CDA-R2-N1.xml", "11502-2", "1.2.250.1.213.1.4.10", "279035121518989")]
    [InlineData("BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml", "11502-2", "1.2.250.1.213.1.4.10", "279035121518989")]
    [InlineData("TLM-CR_2022.01.xml", "85208-7", "1.2.250.1.213.1.4.10", "279035121518989")]
    [InlineData("DOC_NON_STRUCTURE_CDA-R1.xml", "57833-6", "1.2.250.1.213.1.4.8", "277076322082910")]
    [InlineData("CR-BIO_2021.01_CDA-R2-Niveau-1.xml", "11502-2", "1.2.250.1.213.1.4.8", "277076322082910")]
    [InlineData("DOC00002.xml", "18748-4", "1.2.250.1.213.1.4.10", "248039263001064")]
    public async Task ReadAsync_AnsExamples_ReadsHeaderPatientAndPdf(string file, string type, string insOid, string ins)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CdaTestData.SharedCda, "examples", file));
        var doc = await ReadAsync(bytes);

        Assert.Equal(CdaDocumentLevel.N1, doc.Level);
        Assert.Equal(type, doc.TypeCode.Code);
        Assert.Equal("2.16.840.1.113883.6.1", doc.TypeCode.CodeSystem);
        Assert.Equal(insOid, doc.Patient.InsOid);
        Assert.Equal(ins, doc.Patient.Ins);
        Assert.Equal("application/pdf", doc.BodyMediaType);
        Assert.True(doc.Body.Span.StartsWith("%PDF-"u8));
        Assert.Equal(doc.Body.Length, doc.BodyLength);
        Assert.NotEmpty(doc.Authors);
        Assert.Empty(CdaTestData.ValidateAgainstXsd(bytes));
    }

    [Fact]
    public async Task ReadAsync_N1Reference_ReadsTraitsAuthorAndContext()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CdaTestData.SharedCda, "examples", "DOC_NON_STRUCTURE_CDA-R2-N1.xml"));
        var doc = await ReadAsync(bytes);

        Assert.Equal("1.3.6.1.4.1.19376.1.2.20.12345.1.1", doc.Id.Root);
        Assert.Equal(new CdaDocumentReference("1.3.6.1.4.1.19376.1.2.20.12345.1.1", "1.3.6.1.4.1.19376.1.2.20.12345.1", 1), doc.Reference);
        Assert.Equal(new DateTimeOffset(2021, 4, 1, 13, 47, 45, TimeSpan.FromHours(1)), doc.EffectiveTime);
        Assert.Equal("PAT-TROIS", doc.Patient.BirthName);
        Assert.Equal(["DOMINIQUE", "MARIE-LOUISE"], doc.Patient.FirstNames);
        Assert.Equal("DOMINIQUE", doc.Patient.FirstBirthFirstName);
        Assert.Equal("F", doc.Patient.SexCode);
        Assert.Equal(new DateOnly(1979, 3, 28), doc.Patient.BirthDate);
        Assert.Equal("51215", doc.Patient.BirthPlaceCode);
        Assert.Equal(2, doc.Patient.Ids.Count);
        Assert.Equal("801234534765", doc.Authors[0].Id!.Extension); // the ANS example document's author
        Assert.Equal("G15_10/SM03", doc.Authors[0].Specialty!.Code);
        Assert.Equal("1120459876", doc.Authors[0].OrganizationId!.Extension);
        Assert.Equal("AMBULATOIRE", doc.PracticeSetting!.Code);
        Assert.Equal("SA07", doc.HealthcareFacilityType!.Code);
        Assert.Equal("N", doc.ConfidentialityCode);
        Assert.Null(doc.RelatedDocument);
        Assert.Equal(3, doc.TemplateIds.Count);
        Assert.DoesNotContain("PAT-TROIS", doc.Patient.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_WithBodyOutput_StreamsDecodedPdf()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CdaTestData.SharedCda, "examples", "TLM-CR_2022.01.xml"));
        using var pdf = new MemoryStream();
        var doc = await new CdaReader().ReadAsync(new MemoryStream(bytes), pdf);

        Assert.True(doc.Body.IsEmpty);
        Assert.Equal(pdf.Length, doc.BodyLength);
        Assert.True(pdf.ToArray().AsSpan().StartsWith("%PDF-"u8));
        Assert.Equal((await ReadAsync(bytes)).Body.ToArray(), pdf.ToArray());
    }

    [Fact]
    public async Task ReadAsync_BuiltReplacement_RoundTrips()
    {
        var pdf = CdaTestData.Pdf();
        var first = Builder().BuildN1(CdaTestData.Header(), pdf);
        var second = Builder().BuildN1(CdaTestData.Header().AsReplacementOf(first.Reference), pdf);
        var doc = await ReadAsync(second.Content.ToArray());

        Assert.Equal(second.Reference, doc.Reference);
        Assert.Equal(CdaRelationType.Replace, doc.RelatedDocument!.Type);
        Assert.Equal(first.Reference.DocumentId, doc.RelatedDocument.ParentDocumentId);
        Assert.Equal(pdf, doc.Body.ToArray());
        Assert.Equal("279035121518989", doc.Patient.Ins);
        Assert.Equal("1.2.250.1.213.1.4.10", doc.Patient.InsOid);
        Assert.Equal("11488-4", doc.TypeCode.Code);
        Assert.Equal(CdaTestData.Now, doc.EffectiveTime);
        Assert.Equal("SA33", doc.HealthcareFacilityType!.Code);
    }

    public static TheoryData<string, string> HostileDocuments => new()
    {
        { "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><ClinicalDocument xmlns=\"urn:hl7-org:v3\">&a;</ClinicalDocument>", CoreErrorCodes.XmlDtdProhibited },
        { "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\"><ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", CoreErrorCodes.XmlDtdProhibited },
        { "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2\"", CoreErrorCodes.XmlMalformed },
        { "<Foo xmlns=\"urn:hl7-org:v3\"/>", DmpErrorCodes.CdaNotClinicalDocument },
        { "<ClinicalDocument xmlns=\"urn:other\"/>", DmpErrorCodes.CdaNotClinicalDocument },
        { "<ClinicalDocument/>", DmpErrorCodes.CdaNotClinicalDocument },
        { "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2\"/></ClinicalDocument>", DmpErrorCodes.CdaBodyInvalid },
        { "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">@@@!!</text></nonXMLBody></component></ClinicalDocument>", DmpErrorCodes.CdaBodyInvalid },
        { "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\"/></nonXMLBody></component></ClinicalDocument>", DmpErrorCodes.CdaBodyInvalid },
        { "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">JVBERi0=</text></nonXMLBody></component></ClinicalDocument>", DmpErrorCodes.CdaHeaderInvalid },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public async Task ReadAsync_HostileOrMalformed_ThrowsWithCode(string xml, string code)
    {
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => ReadAsync(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal(code, ex.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_TooDeep_Throws()
    {
        var xml = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>" + string.Concat(Enumerable.Repeat("<a>", 400)) + string.Concat(Enumerable.Repeat("</a>", 400)) + "</title></ClinicalDocument>";
        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => ReadAsync(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal(CoreErrorCodes.XmlTooDeep, ex.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_LargerThanLimits_Throws()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CdaTestData.SharedCda, "examples", "DOC00002.xml"));
        var tooLarge = await Assert.ThrowsAsync<SegurValidationException>(() =>
            new CdaReader(new CdaReaderOptions { MaxDocumentCharacters = 10_000 }).ReadAsync(new MemoryStream(bytes)));
        Assert.Equal(CoreErrorCodes.XmlTooLarge, tooLarge.ErrorCode);

        var bodyTooLarge = await Assert.ThrowsAsync<SegurValidationException>(() =>
            new CdaReader(new CdaReaderOptions { MaxBodyBytes = 1000 }).ReadAsync(new MemoryStream(bytes)));
        Assert.Equal(DmpErrorCodes.CdaBodyTooLarge, bodyTooLarge.ErrorCode);
    }

    [Fact]
    public void XsdValidator_InvalidDocument_ReportsErrors()
    {
        var result = Builder().BuildN1(CdaTestData.Header(), CdaTestData.Pdf());
        var broken = Encoding.UTF8.GetString(result.Content.Span).Replace("<title>", "<titre>", StringComparison.Ordinal).Replace("</title>", "</titre>", StringComparison.Ordinal);
        Assert.NotEmpty(CdaTestData.ValidateAgainstXsd(Encoding.UTF8.GetBytes(broken)));
    }
}
