using System.Xml.Linq;
using Segur.Dmp.Cda;
using Segur.Testing;
using Xunit;

namespace Segur.Dmp.Tests.Cda;

public sealed class CdaVaccinationNoteTests
{
    private static readonly XNamespace V3 = "urn:hl7-org:v3";

    private static CdaDocumentBuilder Builder() => new(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) });

    private static CdaVaccination Flu => new()
    {
        Date = new DateOnly(2026, 1, 5),
        Vaccine = new CdaCode("60009000", "1.2.250.1.213.2.3.1", "VAXIGRIPTETRA, suspension injectable en seringue préremplie"),
        VaccineTranslations = [new CdaCode("J07BB02", "2.16.840.1.113883.6.73", "vaccin grippal")],
        VaccineName = "Vaccin grippal",
        LotNumber = "LOT-2026-A",
        DoseNumber = 1,
        Route = new CdaCode("20035000", "0.4.0.127.0.16.1.1.2.1", "Voie intramusculaire"),
        ApproachSite = new CdaCode("16217701000119102", "2.16.840.1.113883.6.96", "deltoïde gauche"),
        Comment = "Aucune réaction immédiate",
    };

    private static CdaHeader NoteHeader => CdaTestData.Header() with { TypeCode = CdaVaccinationNote.TypeCode, Title = "Note de vaccination" };

    [Fact]
    public async Task BuildVaccinationNote_ValidatesAndHoldsEntries()
    {
        var result = Builder().BuildVaccinationNote(NoteHeader, new CdaVaccinationNote { Vaccinations = [Flu, Flu with { DoseNumber = null, Comment = null, ApproachSite = null }] });

        Assert.Empty(CdaTestData.ValidateAgainstXsd(result.Content));
        var root = XDocument.Load(new MemoryStream(result.Content.ToArray())).Root!;
        Assert.Equal(["2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.5.3.1.1.18.1.2", "1.2.250.1.213.1.1.1.46"],
            root.Elements(V3 + "templateId").Select(t => (string)t.Attribute("root")!).ToArray());
        Assert.Equal("87273-9", (string?)root.Element(V3 + "code")!.Attribute("code"));
        var entries = root.Descendants(V3 + "substanceAdministration").ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("20260105", (string?)entries[0].Element(V3 + "effectiveTime")!.Attribute("value"));
        Assert.Equal("LOT-2026-A", entries[0].Descendants(V3 + "lotNumberText").Single().Value);
        Assert.Equal("60009000", (string?)entries[0].Descendants(V3 + "manufacturedMaterial").Single().Element(V3 + "code")!.Attribute("code"));
        Assert.Equal("1", (string?)entries[0].Descendants(V3 + "observation").Single().Element(V3 + "value")!.Attribute("value"));
        Assert.Empty(entries[1].Descendants(V3 + "observation"));

        var read = await new CdaReader().ReadAsync(new MemoryStream(result.Content.ToArray()));
        Assert.Equal(CdaDocumentLevel.N3, read.Level);
        Assert.Null(read.BodyMediaType);
    }

    [Fact]
    public async Task BuildVaccinationNote_AsTransformationOfN1_CarriesXfrmLink()
    {
        var n1 = Builder().BuildN1(NoteHeader, CdaTestData.Pdf());
        var n3 = Builder().BuildVaccinationNote(NoteHeader.AsTransformationOf(n1.Reference), new CdaVaccinationNote { Vaccinations = [Flu] });

        Assert.Empty(CdaTestData.ValidateAgainstXsd(n3.Content));
        Assert.NotEqual(n1.Reference.SetId, n3.Reference.SetId);
        var read = await new CdaReader().ReadAsync(new MemoryStream(n3.Content.ToArray()));
        Assert.Equal(CdaRelationType.Transform, read.RelatedDocument!.Type);
        Assert.Equal(n1.Reference.DocumentId, read.RelatedDocument.ParentDocumentId);
    }

    [Fact]
    public void BuildVaccinationNote_Replacement_Validates()
    {
        var v1 = Builder().BuildVaccinationNote(NoteHeader, new CdaVaccinationNote { Vaccinations = [Flu] });
        var v2 = Builder().BuildVaccinationNote(NoteHeader.AsReplacementOf(v1.Reference), new CdaVaccinationNote { Vaccinations = [Flu with { LotNumber = "LOT-FIXED" }] });
        Assert.Empty(CdaTestData.ValidateAgainstXsd(v2.Content));
        Assert.Equal(2, v2.Reference.VersionNumber);
        Assert.Equal(v1.Reference.SetId, v2.Reference.SetId);
    }

    public static TheoryData<Func<CdaVaccinationNote>> InvalidNotes => new()
    {
        () => new CdaVaccinationNote { Vaccinations = [] },
        () => new CdaVaccinationNote { Vaccinations = [Flu with { LotNumber = " " }] },
        () => new CdaVaccinationNote { Vaccinations = [Flu with { DoseNumber = 0 }] },
        () => new CdaVaccinationNote { Vaccinations = [Flu with { Vaccine = new CdaCode("", "1.2.3") }] },
    };

    [Theory]
    [MemberData(nameof(InvalidNotes))]
    public void BuildVaccinationNote_InvalidEntry_Throws(Func<CdaVaccinationNote> note) =>
        Assert.Equal(DmpErrorCodes.CdaVaccinationInvalid,
            Assert.Throws<SegurValidationException>(() => Builder().BuildVaccinationNote(NoteHeader, note())).ErrorCode);

    [Fact]
    public void BuildVaccinationNote_FutureDateOrWrongType_Throws()
    {
        Assert.Equal(DmpErrorCodes.CdaDateInvalid, Assert.Throws<SegurValidationException>(() =>
            Builder().BuildVaccinationNote(NoteHeader, new CdaVaccinationNote { Vaccinations = [Flu with { Date = new DateOnly(2026, 2, 1) }] })).ErrorCode);
        Assert.Equal(DmpErrorCodes.CdaCodeNotInValueSet, Assert.Throws<SegurValidationException>(() =>
            Builder().BuildVaccinationNote(CdaTestData.Header(), new CdaVaccinationNote { Vaccinations = [Flu] })).ErrorCode);
    }
}
