namespace Segur.Ins.Tests;

public class InsMatriculeTests
{
    [Theory]
    [InlineData("297022A020778", "78")]
    [InlineData("160012B020777", "13")]
    [InlineData("1090763220834", "89")]
    [InlineData("2360663220836", "56")]
    [InlineData("1100863220830", "60")]
    [InlineData("285032A004123", "71")]
    [InlineData("2090763220834", "39")]
    [InlineData("2090663220123", "55")]
    [InlineData("1850799350123", "61")]
    [InlineData("1020175123456", "02")]
    public void ComputeKey_KnownNumbers_ReturnsTheKey(string number, string key) =>
        Assert.Equal(key, InsMatricule.ComputeKey(number));

    [Fact]
    public void ComputeKey_Corsica_SubstitutesNineteenAndEighteen()
    {
        // 2A is read as 19 and 2B as 18: the keys differ from a naive 20 substitution.
        Assert.Equal("78", InsMatricule.ComputeKey("297022A020778"));
        Assert.Equal(InsMatricule.ComputeKey("2970219020778"), InsMatricule.ComputeKey("297022A020778"));
        Assert.Equal(InsMatricule.ComputeKey("1600118020777"), InsMatricule.ComputeKey("160012B020777"));
        Assert.NotEqual(InsMatricule.ComputeKey("2970220020778"), InsMatricule.ComputeKey("297022A020778"));
    }

    [Fact]
    public void Parse_ValidWithSpacesAndLowerCase_Normalises()
    {
        var m = InsMatricule.Parse(" 2 97 02 2a 020 778 78 ");
        Assert.Equal("297022A020778", m.Number);
        Assert.Equal("78", m.Key);
        Assert.Equal("297022A02077878", m.Value);
        Assert.True(m.IsKeyValid);
        Assert.True(m.IsCorsican);
        Assert.Equal("297022A02077878", m.ToString());
    }

    [Theory]
    [InlineData(null, InsErrorCodes.MatriculeEmpty)]
    [InlineData("  ", InsErrorCodes.MatriculeEmpty)]
    [InlineData("29702202077878", InsErrorCodes.MatriculeLength)]
    [InlineData("2970220207787800", InsErrorCodes.MatriculeLength)]
    [InlineData("097022A02077878", InsErrorCodes.MatriculeStructure)]
    [InlineData("997022A02077878", InsErrorCodes.MatriculeStructure)]
    [InlineData("297023A02077878", InsErrorCodes.MatriculeStructure)]
    [InlineData("297022C02077878", InsErrorCodes.MatriculeStructure)]
    [InlineData("2970220X0207878", InsErrorCodes.MatriculeStructure)]
    [InlineData("297022A02077879", InsErrorCodes.MatriculeKey)]
    [InlineData("297022A020778A8", InsErrorCodes.MatriculeKey)]
    public void Parse_Invalid_ThrowsWithCode(string? value, string code)
    {
        var ex = Assert.Throws<SegurValidationException>(() => InsMatricule.Parse(value));
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal("matricule", ex.Field);
        Assert.StartsWith(code, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongKey_MessageNamesBothKeys()
    {
        var ex = Assert.Throws<SegurValidationException>(() => InsMatricule.Parse("297022A02077812"));
        Assert.Contains("12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("78", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromReceived_WrongKey_IsKeptAndReported()
    {
        // The CNDA HERMANN GATIEN fixture has keys that fail mod 97: INSi data is reported, not rejected.
        var m = InsMatricule.FromReceived("1090763220834", "10");
        Assert.False(m.IsKeyValid);
        Assert.Equal("10", m.Key);
        Assert.Equal("89", m.ExpectedKey);
        Assert.Equal("109076322083410", m.Value);
    }

    [Fact]
    public void FromReceived_FifteenCharacters_SplitsTheKey()
    {
        var m = InsMatricule.FromReceived("109076322083489");
        Assert.True(m.IsKeyValid);
        Assert.Equal("1090763220834", m.Number);
    }

    [Fact]
    public void FromReceived_MissingKey_ComputesIt()
    {
        var m = InsMatricule.FromReceived("1090763220834", null);
        Assert.Equal("89", m.Key);
        Assert.True(m.IsKeyValid);
    }

    [Theory]
    [InlineData("109076322083", "89", InsErrorCodes.MatriculeLength)]
    [InlineData("1090763220834", "8", InsErrorCodes.MatriculeKey)]
    [InlineData("1090763220834", "XX", InsErrorCodes.MatriculeKey)]
    [InlineData("10907632208Z4", "89", InsErrorCodes.MatriculeStructure)]
    public void FromReceived_BadStructure_Throws(string number, string key, string code) =>
        Assert.Equal(code, Assert.Throws<SegurValidationException>(() => InsMatricule.FromReceived(number, key)).ErrorCode);

    [Fact]
    public void FromNumber_ComputesKey()
    {
        var m = InsMatricule.FromNumber("285032A004123");
        Assert.Equal("285032A00412371", m.Value);
        Assert.Equal(InsErrorCodes.MatriculeLength, Assert.Throws<SegurValidationException>(() => InsMatricule.FromNumber("285032A00412371")).ErrorCode);
    }

    [Fact]
    public void TryParse_ReportsValidity()
    {
        Assert.True(InsMatricule.TryParse("236066322083656", out var ok));
        Assert.NotNull(ok);
        Assert.False(InsMatricule.TryParse("236066322083657", out var bad));
        Assert.Null(bad);
    }

    [Fact]
    public void Equality_ComparesNumberAndKey()
    {
        Assert.Equal(InsMatricule.Parse("236066322083656"), InsMatricule.FromNumber("2360663220836"));
        Assert.NotEqual(InsMatricule.FromReceived("2360663220836", "11"), InsMatricule.FromNumber("2360663220836"));
        Assert.Equal(InsMatricule.Parse("236066322083656").GetHashCode(), InsMatricule.FromNumber("2360663220836").GetHashCode());
    }
}
