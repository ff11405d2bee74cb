using System.Security.Cryptography;
using Segur.Dmp.Cda;
using Segur.Testing;
using Xunit;

namespace Segur.Dmp.Tests.Cda;

public sealed class XdsDocumentEntryTests
{
    private static readonly CdaCode Report = new("10", "1.2.250.1.213.1.1.4.1", "Compte rendu");

    private static async Task<(CdaBuildResult Built, CdaDocumentInfo Read)> BuildAsync(CdaHeader header)
    {
        var built = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) }).BuildN1(header, CdaTestData.Pdf());
        return (built, await new CdaReader().ReadAsync(new MemoryStream(built.Content.ToArray())));
    }

    [Fact]
    public async Task FromCda_BuiltN1_MapsPerDmpRules()
    {
        var header = CdaTestData.Header() with
        {
            ServiceStartTime = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(1)),
            Author = CdaTestData.Pharmacist with { FamilyName = "O'FFI^CINE" },
        };
        var (built, read) = await BuildAsync(header);

        var entry = XdsDocumentEntry.FromCda(read, built.Content.Span, Report, DmpVisibility.InvisibleToLegalRepresentatives);

        Assert.Equal(built.Reference.DocumentId, entry.UniqueId);
        Assert.Equal("279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH", entry.PatientId);
        Assert.Equal("IPP-42^^^&1.2.3.4.567.8.9.10&ISO^PI", entry.SourcePatientId);
        Assert.Equal(["PID-5|PAT-TROIS^DOMINIQUE^^^^^L", "PID-7|19790328", "PID-8|F"], entry.SourcePatientInfo);
        Assert.Equal("20260105083000", entry.CreationTime);
        Assert.Equal("20260105080000", entry.ServiceStartTime);
        Assert.Null(entry.ServiceStopTime);
        Assert.Equal("urn:ihe:iti:xds-sd:pdf:2008", entry.FormatCode.Code);
        Assert.Equal("11488-4", entry.TypeCode.Code);
        Assert.Equal(["N", "INVISIBLE_REPRESENTANTS_LEGAUX"], entry.ConfidentialityCodes.Select(c => c.Code));
        Assert.Equal("SA33", entry.HealthcareFacilityTypeCode.Code);
        Assert.Equal("AMBULATOIRE", entry.PracticeSettingCode.Code);
        Assert.Equal("899900063480^O'FFI\\S\\CINE^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS", entry.AuthorPerson);
        Assert.Equal("Pharmacie du Test^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750012346", entry.AuthorInstitution);
        Assert.Equal("G15_21^Pharmacien^1.2.250.1.213.1.1.4.5", entry.AuthorSpecialty);
        Assert.Equal(entry.AuthorPerson, entry.LegalAuthenticator);
#pragma warning disable CA5350 // XDS.b hash is SHA-1 by specification
        Assert.Equal(Convert.ToHexString(SHA1.HashData(built.Content.Span)).ToLowerInvariant(), entry.Hash);
#pragma warning restore CA5350
        Assert.Equal(built.Content.Length, entry.Size);
        Assert.Equal("text/xml", entry.MimeType);
    }

    [Fact]
    public async Task FromCda_HiddenAndInvisible_RefusedUnlessAllowed()
    {
        var (built, read) = await BuildAsync(CdaTestData.Header());
        const DmpVisibility both = DmpVisibility.HiddenFromProfessionals | DmpVisibility.InvisibleToPatient;

        Assert.Equal(DmpErrorCodes.XdsVisibilityConflict,
            Assert.Throws<SegurValidationException>(() => XdsDocumentEntry.FromCda(read, built.Content.Span, Report, both)).ErrorCode);
        Assert.Equal(3, XdsDocumentEntry.FromCda(read, built.Content.Span, Report, both, allowHiddenAndInvisible: true).ConfidentialityCodes.Count);
    }

    [Fact]
    public async Task FromCda_ExampleWithRootExtensionIdOrN3WithoutFormat_Refused()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(CdaTestData.SharedCda, "examples", "DOC_NON_STRUCTURE_CDA-R2-N1.xml"));
        var read = await new CdaReader().ReadAsync(new MemoryStream(bytes));
        Assert.Equal("urn:ihe:iti:xds-sd:pdf:2008", XdsDocumentEntry.FromCda(read, bytes, Report).FormatCode.Code);

        var note = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) }).BuildVaccinationNote(
            CdaTestData.Header() with { TypeCode = CdaVaccinationNote.TypeCode },
            new CdaVaccinationNote { Vaccinations = [new CdaVaccination { Date = new DateOnly(2026, 1, 5), Vaccine = new CdaCode("1", "1.2.250.1.213.2.3.1"), LotNumber = "L1" }] });
        var n3 = await new CdaReader().ReadAsync(new MemoryStream(note.Content.ToArray()));
        Assert.Equal(DmpErrorCodes.XdsMetadataUnavailable,
            Assert.Throws<SegurValidationException>(() => XdsDocumentEntry.FromCda(n3, note.Content.Span, Report)).ErrorCode);
        var withFormat = XdsDocumentEntry.FromCda(n3, note.Content.Span, Report, formatCode: new CdaCode("urn:asip:ci-sis:vac-note:2023", "1.2.250.1.213.1.1.4.2.282"));
        Assert.Equal("urn:asip:ci-sis:vac-note:2023", withFormat.FormatCode.Code);
    }
}
