using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Ins;
using Segur.Testing;

namespace Segur.Dmp.Tests.Cda;

public sealed class CdaPatientFromInsTests
{
    private static QualifiedIns Qualified(string birthName, string givenNames, InsSex sex, string birthDate, string? place,
        string? firstName = null, string? usedName = null, string? usedFirstName = null)
    {
        var traits = InsTraits.Create(birthName, givenNames, sex, BirthDate.ParseIso(birthDate), place, firstName);
        var record = IdentityRecord.CreateProvisional(traits, usedName, usedFirstName, new IdentityRecordOptions { AllowTestOids = true });
        var retrieved = InsIdentity.Create(traits, new InsIdentifier(InsMatricule.FromNumber("2790351215189"), InsOid.TestNir));
        record.Qualify(retrieved, new IdentityCheck(IdentityCheck.Passport, CdaTestData.Now));
        return record.GetShareableIns();
    }

    [Fact]
    public void FromQualifiedIns_MapsInsTraitsAndUsedNames()
    {
        var ins = Qualified("PAT-TROIS", "DOMINIQUE MARIE-LOUISE", InsSex.Female, "1979-03-28", "51215", usedName: "MARTIN", usedFirstName: "DOMI");

        var patient = CdaPatient.FromQualifiedIns(ins);

        Assert.Equal("279035121518989", patient.Ins);
        Assert.Equal("1.2.250.1.213.1.4.10", patient.InsOid);
        Assert.Equal("PAT-TROIS", patient.BirthName);
        Assert.Equal(["DOMINIQUE", "MARIE-LOUISE"], patient.FirstNames);
        Assert.Equal(CdaAdministrativeGender.Female, patient.Sex);
        Assert.Equal(new DateOnly(1979, 3, 28), patient.BirthDate);
        Assert.Equal("51215", patient.BirthPlaceCode);
        Assert.Equal("MARTIN", patient.UsedName);
        Assert.Equal("DOMI", patient.UsedFirstName);
    }

    [Fact]
    public void FromQualifiedIns_FirstNameSpanningEntries_BecomesFirstGiven()
    {
        var ins = Qualified("MARTIN", "JEAN CHRISTOPHE PAUL", InsSex.Male, "1972-04-18", null, firstName: "JEAN-CHRISTOPHE");

        var patient = CdaPatient.FromQualifiedIns(ins);

        Assert.Equal(["JEAN-CHRISTOPHE", "PAUL"], patient.FirstNames);
        Assert.Equal(CdaAdministrativeGender.Male, patient.Sex);
        Assert.Null(patient.BirthPlaceCode);
    }

    [Theory]
    [InlineData("1980-00-00")]
    [InlineData("1980-05-00")]
    public void FromQualifiedIns_LunarBirthDate_FailsWithClearError(string birthDate)
    {
        var ins = Qualified("LUNE", "ALBA", InsSex.Female, birthDate, null);

        var ex = Assert.Throws<SegurValidationException>(() => CdaPatient.FromQualifiedIns(ins));

        Assert.Equal(DmpErrorCodes.CdaPatientTraitInvalid, ex.ErrorCode);
        Assert.Equal("patient.birthDate", ex.Field);
        Assert.Contains("lunar", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDmpPatient_MapsInsAndTraits_AndBuildsAValidN1()
    {
        var dmp = DmpPatient.FromQualifiedIns(Qualified("PAT-TROIS", "DOMINIQUE", InsSex.Female, "1979-03-28", "51215", usedName: "MARTIN"));

        var patient = CdaPatient.FromDmpPatient(dmp);
        var result = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) })
            .BuildN1(CdaTestData.Header() with { Patient = patient }, CdaTestData.Pdf());

        Assert.Equal("279035121518989", patient.Ins);
        Assert.Null(patient.UsedName);
        Assert.Empty(CdaTestData.ValidateAgainstXsd(result.Content));
    }
}
