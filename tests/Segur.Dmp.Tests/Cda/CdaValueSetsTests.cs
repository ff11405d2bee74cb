using System.Xml.Linq;
using Segur.Dmp.Cda;
using Xunit;

namespace Segur.Dmp.Tests.Cda;

public sealed class CdaValueSetsTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "JDV_J01_XdsAuthorSpecialty_CISIS.xml", nameof(CdaValueSets.AuthorSpecialty) },
        { "JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml", nameof(CdaValueSets.HealthcareFacilityType) },
        { "JDV_J04_XdsPracticeSettingCode_CISIS.xml", nameof(CdaValueSets.PracticeSetting) },
        { "JDV_J07_XdsTypeCode_CISIS.xml", nameof(CdaValueSets.TypeCode) },
        { "JDV_J08_XdsConfidentialityCode_CISIS.xml", nameof(CdaValueSets.XdsConfidentiality) },
        { "JDV_J143_AdministrativeGender_CISIS.xml", nameof(CdaValueSets.AdministrativeGender) },
        { "JDV_HL7_Confidentiality_CISIS.xml", nameof(CdaValueSets.Confidentiality) },
        { "MediaType.xml", nameof(CdaValueSets.MediaType) },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void EmbeddedValueSet_MatchesReferenceFile(string file, string property)
    {
        XNamespace svs = "urn:ihe:iti:svs:2008";
        var reference = XDocument.Load(Path.Combine(CdaTestData.SharedCda, "jdv", file)).Descendants(svs + "ValueSet").Single();
        var embedded = (CdaValueSet)typeof(CdaValueSets).GetProperty(property)!.GetValue(null)!;

        Assert.Equal((string?)reference.Attribute("id"), embedded.Id);
        var concepts = reference.Descendants(svs + "Concept").ToList();
        Assert.Equal(concepts.Count, embedded.Concepts.Count);
        foreach (var concept in concepts)
        {
            Assert.True(embedded.Contains((string)concept.Attribute("code")!, (string)concept.Attribute("codeSystem")!));
        }
    }

    [Fact]
    public void Defaults_AreInTheirValueSets()
    {
        var header = CdaTestData.Header();
        Assert.True(CdaValueSets.PracticeSetting.Contains(header.PracticeSetting.Code, header.PracticeSetting.CodeSystem));
        Assert.True(CdaValueSets.HealthcareFacilityType.Contains(header.HealthcareFacilityType.Code, header.HealthcareFacilityType.CodeSystem));
        Assert.True(CdaValueSets.TypeCode.Contains(CdaVaccinationNote.TypeCode.Code, CdaVaccinationNote.TypeCode.CodeSystem));
        Assert.Equal("Pharmacie d'officine", CdaValueSets.HealthcareFacilityType.Find("SA33", "1.2.250.1.71.4.2.4")!.DisplayName);
        Assert.False(CdaValueSets.TypeCode.Contains("11488-4", "1.2.3"));
    }
}
