using System.Xml.Linq;
using Segur.Dmp.Cda;
using Segur.Testing;

namespace Segur.Dmp.Tests.Cda;

/// <summary>PS_IdNat and Struct_IdNat checks of the CDA builder, delegated to the Core's identifiers.</summary>
public sealed class CdaIdentifierRulesTests
{
    private static readonly XNamespace V3 = "urn:hl7-org:v3";

    private static CdaDocumentBuilder Builder() => new(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) });

    [Theory]
    [InlineData("899900063480")]       // 8 + RPPS (test RPPS, Luhn ok)
    [InlineData("880123453476")]       // another valid RPPS
    [InlineData("00B7010446")]         // 0 + ADELI with ANS test letters
    [InlineData("10B0127189/12345")]   // 1 + test FINESS + / + internal id
    [InlineData("373282932000074/CPE-0042")] // 3 + SIRET + / + internal id
    [InlineData("5ABC123/USER.1")]     // 5 + structure id + / + internal id (Core writes ids in upper case)
    public void BuildN1_ValidPsIdNat_Accepted(string psIdNat)
    {
        var header = CdaTestData.Header() with { Author = CdaTestData.Pharmacist with { PsIdNat = psIdNat } };

        var result = Builder().BuildN1(header, CdaTestData.Pdf());

        var author = XDocument.Parse(System.Text.Encoding.UTF8.GetString(result.Content.Span)).Root!.Element(V3 + "author")!.Element(V3 + "assignedAuthor")!;
        Assert.Equal(psIdNat, (string?)author.Element(V3 + "id")!.Attribute("extension"));
    }

    [Theory]
    [InlineData("899900063481")]       // RPPS Luhn key wrong
    [InlineData("8999000634")]         // RPPS too short
    [InlineData("0123")]               // ADELI too short
    [InlineData("10101010101")]        // structure staff without '/'
    [InlineData("1750012345/12")]      // FINESS Luhn key wrong
    [InlineData("3123/12")]            // SIRET too short
    [InlineData("10B0127189/a b")]     // space in internal id
    [InlineData("10B0127189/a^b")]     // HL7 delimiter in internal id
    [InlineData("899900063480 ")]      // not written canonically
    [InlineData("00b7010446")]         // lower case
    [InlineData("7123/1")]             // unknown prefix
    public void BuildN1_InvalidPsIdNat_Fails4004(string psIdNat)
    {
        var header = CdaTestData.Header() with { Author = CdaTestData.Pharmacist with { PsIdNat = psIdNat } };

        var ex = Assert.Throws<SegurValidationException>(() => Builder().BuildN1(header, CdaTestData.Pdf()));

        Assert.Equal(DmpErrorCodes.CdaIdentifierInvalid, ex.ErrorCode);
        Assert.Equal("author.psIdNat", ex.Field);
    }

    [Theory]
    [InlineData(CdaOrganizationIdType.Finess, "750012346")]
    [InlineData(CdaOrganizationIdType.Finess, "0B0127189")]   // ANS test FINESS with a letter
    [InlineData(CdaOrganizationIdType.Siren, "732829320")]
    [InlineData(CdaOrganizationIdType.Siret, "73282932000074")]
    [InlineData(CdaOrganizationIdType.RppsRang, "801234534761")]
    public void BuildN1_ValidStructIdNat_Accepted(CdaOrganizationIdType type, string identifier)
    {
        var organization = CdaTestData.Pharmacy with { IdType = type, Identifier = identifier };
        var header = CdaTestData.Header() with { Author = CdaTestData.Pharmacist with { Organization = organization } };

        var result = Builder().BuildN1(header, CdaTestData.Pdf());

        Assert.Contains(organization.StructIdNat, System.Text.Encoding.UTF8.GetString(result.Content.Span), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CdaOrganizationIdType.Finess, "750012345")]   // Luhn key wrong (accepted by the former loose rule)
    [InlineData(CdaOrganizationIdType.Finess, "0b0127189")]   // lower case
    [InlineData(CdaOrganizationIdType.Siren, "732829321")]
    [InlineData(CdaOrganizationIdType.Siret, "73282932000075")]
    [InlineData(CdaOrganizationIdType.RppsRang, "801234534771")] // RPPS part Luhn wrong
    [InlineData(CdaOrganizationIdType.Siret, "7328293200007A")]
    public void BuildN1_InvalidStructIdNat_Fails4004(CdaOrganizationIdType type, string identifier)
    {
        var header = CdaTestData.Header() with { Custodian = CdaTestData.Pharmacy with { IdType = type, Identifier = identifier } };

        var ex = Assert.Throws<SegurValidationException>(() => Builder().BuildN1(header, CdaTestData.Pdf()));

        Assert.Equal(DmpErrorCodes.CdaIdentifierInvalid, ex.ErrorCode);
        Assert.Equal("custodian.identifier", ex.Field);
    }
}
