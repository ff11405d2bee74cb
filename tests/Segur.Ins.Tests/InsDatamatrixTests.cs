using Segur.Ins.Datamatrix;

namespace Segur.Ins.Tests;

public class InsDatamatrixTests
{
    private const string Gs = "\u001D";
    private const string Example = "IS010000000000000000000000S1285032A00412371S21.2.250.1.213.1.4.10S3JEANNE MARIE-ANGE" + Gs + "S4D'ORNANO-MARTIN" + Gs + "S5FS614-03-1985S72A004";

    [Fact]
    public void CreateContent_WorkedExample_IsByteExact() =>
        Assert.Equal(Example, InsDatamatrix.CreateContent(TestData.Qualified(TestData.Ornano(), "285032A00412371", InsOid.TestNir)));

    [Fact]
    public void CreateContent_ProductionOid_IsFollowedByGs()
    {
        var content = InsDatamatrix.CreateContent(TestData.Qualified(TestData.Ornano(), "285032A00412371"));
        Assert.Contains("S21.2.250.1.213.1.4.8" + Gs + "S3", content, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateContent_NoBirthPlace_EndsWithDateWithoutGs()
    {
        var traits = InsTraits.Create("NESSI", "MICHELANGELO", InsSex.Male, BirthDate.Create(2010, 8, 7));
        var content = InsDatamatrix.CreateContent(TestData.Qualified(traits, "110086322083060"));
        Assert.EndsWith("S5MS607-08-2010", content, StringComparison.Ordinal);
        Assert.DoesNotContain("S7", content, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateContent_NamesAtMaximumLength_HaveNoGs()
    {
        var name = string.Concat(Enumerable.Repeat("ABCDEFGHI ", 10)).TrimEnd() + "J"; // 100 characters
        Assert.Equal(100, name.Length);
        var traits = InsTraits.Create(name, name, InsSex.Male, BirthDate.Create(2010, 8, 7), "63220");
        var content = InsDatamatrix.CreateContent(TestData.Qualified(traits, "110086322083060", InsOid.DemonstrationNir));
        Assert.DoesNotContain(Gs, content, StringComparison.Ordinal);
        Assert.Equal(name, InsDatamatrix.ParseContent(content).BirthName);
    }

    [Fact]
    public void CreateContent_LunarDate_Throws()
    {
        var traits = InsTraits.Create("NESSI", "MICHELANGELO", InsSex.Male, BirthDate.ParseIso("2010-00-00"));
        Assert.Equal(InsErrorCodes.DatamatrixValue, Assert.Throws<SegurValidationException>(() => InsDatamatrix.CreateContent(TestData.Qualified(traits, "110086322083060"))).ErrorCode);
    }

    [Fact]
    public void ParseContent_WorkedExample_ReturnsIdentity()
    {
        var identity = InsDatamatrix.ParseContent(Example);
        Assert.Equal("285032A00412371", identity.Matricule!.Value);
        Assert.Same(InsOid.TestNir, identity.Oid);
        Assert.Equal(["JEANNE", "MARIE-ANGE"], identity.GivenNames);
        Assert.Equal("D'ORNANO-MARTIN", identity.BirthName);
        Assert.Equal(InsSex.Female, identity.Sex);
        Assert.Equal(BirthDate.Create(1985, 3, 14), identity.BirthDate);
        Assert.Equal("2A004", identity.BirthPlace);
    }

    [Fact]
    public void ParseContent_RoundTrip_ManyIdentities()
    {
        foreach (var (traits, matricule) in new[]
        {
            (TestData.Ornano(), "285032A00412371"),
            (InsTraits.Create("ADRTROIS", "TOUSSAINT", InsSex.Male, BirthDate.Create(1960, 1, 1), "2B020"), "160012B02077713"),
            (InsTraits.Create("TCHITCHI", "CATARINA BELLA", InsSex.Female, BirthDate.Create(1936, 6, 21), "63220"), "236066322083656"),
            (InsTraits.Create("DE VINCI", "LEONARDO", InsSex.Male, BirthDate.Create(2014, 2, 1)), "114029913400171"),
        })
        {
            var content = InsDatamatrix.CreateContent(TestData.Qualified(traits, matricule));
            var parsed = InsDatamatrix.ParseContent(content);
            Assert.Equal(traits, parsed.Traits);
            Assert.Equal(matricule, parsed.Matricule!.Value);
        }
    }

    [Fact]
    public void ParseContent_AimPrefixAndCrLf_AreStripped() =>
        Assert.Equal("D'ORNANO-MARTIN", InsDatamatrix.ParseContent("]d1" + Example + "\r\n").BirthName);

    [Fact]
    public void ParseContent_ReorderedBlocks_AreAccepted()
    {
        var reordered = InsDatamatrix.Header + "S1285032A00412371S21.2.250.1.213.1.4.10S3JEANNE MARIE-ANGE" + Gs + "S5FS614-03-1985S72A004S4D'ORNANO-MARTIN";
        Assert.Equal("D'ORNANO-MARTIN", InsDatamatrix.ParseContent(reordered).BirthName);
    }

    [Fact]
    public void ParseContent_LostGs_IsRecovered()
    {
        var lost = Example.Replace(Gs, string.Empty, StringComparison.Ordinal).Replace("S21.2.250.1.213.1.4.10", "S21.2.250.1.213.1.4.8", StringComparison.Ordinal);
        var identity = InsDatamatrix.ParseContent(lost);
        Assert.Equal("JEANNE MARIE-ANGE", identity.Traits.GivenNameList);
        Assert.Equal("D'ORNANO-MARTIN", identity.BirthName);
        Assert.Same(InsOid.Nir, identity.Oid);
    }

    [Theory]
    [InlineData("", InsErrorCodes.DatamatrixEmpty)]
    [InlineData("\r\n", InsErrorCodes.DatamatrixEmpty)]
    [InlineData("XX010000000000000000000000S1285032A00412371", InsErrorCodes.DatamatrixHeader)]
    [InlineData("IS02000000000000000000000S1285032A00412371S2", InsErrorCodes.DatamatrixHeader)]
    [InlineData("IS010000000000000000000001S1285032A00412371", InsErrorCodes.DatamatrixHeader)]
    [InlineData("IS01000", InsErrorCodes.DatamatrixHeader)]
    public void ParseContent_BadHeader_Throws(string content, string code) =>
        Assert.Equal(code, Assert.Throws<SegurValidationException>(() => InsDatamatrix.ParseContent(content)).ErrorCode);

    [Theory]
    [InlineData("S8ABC", InsErrorCodes.DatamatrixField)]
    [InlineData("X1285032A00412371", InsErrorCodes.DatamatrixField)]
    [InlineData("S1285032A00412371S1285032A00412371", InsErrorCodes.DatamatrixField)]
    [InlineData("S1285032A0041237", InsErrorCodes.DatamatrixFieldLength)]
    [InlineData("S1285032A00412371S2\u001DS3A", InsErrorCodes.DatamatrixFieldLength)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5F", InsErrorCodes.DatamatrixFieldMissing)]
    [InlineData("S1285032A00412372S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS614-03-1985", InsErrorCodes.MatriculeKey)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.7\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS614-03-1985", InsErrorCodes.OidUnknown)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5XS614-03-1985", InsErrorCodes.SexInvalid)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS61985-03-14", InsErrorCodes.BirthDateInvalid)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS631-02-1985", InsErrorCodes.BirthDateInvalid)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3jeanne\u001DS4MARTIN\u001DS5FS614-03-1985", InsErrorCodes.TraitCharacters)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS614-03-1985S72C004", InsErrorCodes.BirthPlaceInvalid)]
    [InlineData("S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE\u001DS4MARTIN\u001DS5FS614-03-1985S7", InsErrorCodes.DatamatrixFieldLength)]
    public void ParseContent_BadField_ThrowsWithCode(string fields, string code) =>
        Assert.Equal(code, Assert.Throws<SegurValidationException>(() => InsDatamatrix.ParseContent(InsDatamatrix.Header + fields)).ErrorCode);

    [Fact]
    public void CreateSymbol_HeaderIsC40_InBothEncodations()
    {
        var ins = TestData.Qualified(TestData.Ornano(), "285032A00412371", InsOid.TestNir);
        foreach (var encodation in new[] { DataMatrixEncodation.C40, DataMatrixEncodation.Mixed })
        {
            var symbol = InsDatamatrix.CreateSymbol(ins, encodation);
            Assert.Equal(230, symbol.Codewords[0]); // latch to C40 first
            // "IS0" = (22, 32, 4) → 1600*22 + 40*32 + 4 + 1 = 36485 = 142*256 + 133.
            Assert.Equal(142, symbol.Codewords[1]);
            Assert.Equal(133, symbol.Codewords[2]);
        }
    }
}
