using Segur.Identifiers;

namespace Segur.Core.Tests;

public class ProfessionalIdentifierTests
{
    [Theory]
    [InlineData("899700075122", ProfessionalIdentifierType.Rpps, "99700075122", true)] // ANS test card
    [InlineData(" 810100000016 ", ProfessionalIdentifierType.Rpps, "10100000016", false)]
    [InlineData("00B7010446", ProfessionalIdentifierType.Adeli, "0B7010446", true)]
    [InlineData("0751234567", ProfessionalIdentifierType.Adeli, "751234567", false)]
    [InlineData("3499900063480001/CPE123", ProfessionalIdentifierType.StructureStaff, "499900063480001/CPE123", false)]
    public void Parse_Valid_ReturnsTypeAndLocalId(string value, ProfessionalIdentifierType type, string localId, bool isTest)
    {
        var id = ProfessionalIdentifier.Parse(value);
        Assert.Equal(type, id.Type);
        Assert.Equal(localId, id.LocalId);
        Assert.Equal("1.2.250.1.71.4.2.1", id.Oid);
        Assert.Equal(value.Trim(), id.ToString());
        if (type != ProfessionalIdentifierType.StructureStaff)
        {
            Assert.Equal(isTest, id.IsTestIdentifier);
        }
    }

    [Theory]
    [InlineData("", CoreErrorCodes.IdentifierEmpty)]
    [InlineData(null, CoreErrorCodes.IdentifierEmpty)]
    [InlineData("89970007512", CoreErrorCodes.IdentifierLength)]
    [InlineData("899700075123", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("89970007512A", CoreErrorCodes.IdentifierCharacters)]
    [InlineData("012345678", CoreErrorCodes.IdentifierLength)]
    [InlineData("0-12345678", CoreErrorCodes.IdentifierCharacters)]
    [InlineData("712345678901", CoreErrorCodes.IdentifierType)]
    [InlineData("3499900063480001", CoreErrorCodes.IdentifierType)]
    public void Parse_Invalid_ThrowsWithStableCode(string? value, string code)
    {
        var ex = Assert.Throws<SegurValidationException>(() => ProfessionalIdentifier.Parse(value));
        Assert.Equal(code, ex.ErrorCode);
        Assert.False(ProfessionalIdentifier.TryParse(value, out _));
    }

    [Fact]
    public void FromRpps_AddsThePrefix_AndEqualityIsByValue()
    {
        Assert.Equal(ProfessionalIdentifier.Parse("899700075122"), ProfessionalIdentifier.FromRpps("99700075122"));
        Assert.Equal("000B701044", ProfessionalIdentifier.FromAdeli("00B701044").Value);
    }
}

public class OrganizationIdentifierTests
{
    [Theory]
    [InlineData("1750712184", OrganizationIdentifierType.Finess, false)]
    [InlineData("10B0127189", OrganizationIdentifierType.Finess, true)] // ANS test structure
    [InlineData("373282932000074", OrganizationIdentifierType.Siret, false)]
    [InlineData("335600000000048", OrganizationIdentifierType.Siret, false)] // La Poste rule (Luhn also holds here)
    [InlineData("335600000000060", OrganizationIdentifierType.Siret, false)] // La Poste digit-sum rule only
    [InlineData("2732829320", OrganizationIdentifierType.Siren, false)]
    [InlineData("499900063480001", OrganizationIdentifierType.RppsRang, true)]
    [InlineData("0751234567", OrganizationIdentifierType.Adeli, false)]
    public void Parse_Valid_ReturnsType(string value, OrganizationIdentifierType type, bool isTest)
    {
        var id = OrganizationIdentifier.Parse(value);
        Assert.Equal(type, id.Type);
        Assert.Equal(isTest, id.IsTestIdentifier);
        Assert.Equal("1.2.250.1.71.4.2.2", id.Oid);
    }

    [Theory]
    [InlineData("1750712185", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("175071218", CoreErrorCodes.IdentifierLength)]
    [InlineData("373282932000075", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("3732829320000", CoreErrorCodes.IdentifierLength)]
    [InlineData("335600000000061", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("37328293200007A", CoreErrorCodes.IdentifierCharacters)]
    [InlineData("499900063481001", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("4999000634800012", CoreErrorCodes.IdentifierLength)]
    [InlineData("9123", CoreErrorCodes.IdentifierType)]
    [InlineData("  ", CoreErrorCodes.IdentifierEmpty)]
    public void Parse_Invalid_ThrowsWithStableCode(string value, string code)
    {
        var ex = Assert.Throws<SegurValidationException>(() => OrganizationIdentifier.Parse(value));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal("OrganizationIdentifier", ex.Field);
    }

    [Fact]
    public void Factories_AddThePrefix()
    {
        Assert.Equal("1750712184", OrganizationIdentifier.FromFiness("750712184").Value);
        Assert.Equal("373282932000074", OrganizationIdentifier.FromSiret("732 829 320 00074").Value);
        Assert.Equal("2732829320", OrganizationIdentifier.FromSiren("732829320").Value);
        Assert.Equal("499900063480001", OrganizationIdentifier.FromRppsRang("99900063480", "001").Value);
    }
}
