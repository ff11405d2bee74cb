namespace Segur.Ins.Tests;

public class InsTraitsTests
{
    [Fact]
    public void Create_SplitsGivenNames_AndTakesTheFirst()
    {
        var traits = InsTraits.Create("ECETINSI", "PIERRE-ALAIN MURIEL FLORIANT", InsSex.Male, BirthDate.Create(2009, 7, 14), "63220");
        Assert.Equal(["PIERRE-ALAIN", "MURIEL", "FLORIANT"], traits.GivenNames);
        Assert.Equal("PIERRE-ALAIN", traits.FirstName);
        Assert.Equal("PIERRE-ALAIN MURIEL FLORIANT", traits.GivenNameList);
    }

    [Fact]
    public void Create_HyphenatedFirstNameAgainstSpacedList_IsAccepted()
    {
        var traits = InsTraits.Create("MARTIN", "JEAN CHRISTOPHE PIERRE", InsSex.Male, BirthDate.Create(1970, 1, 1), firstName: "JEAN-CHRISTOPHE");
        Assert.Equal("JEAN-CHRISTOPHE", traits.FirstName);
    }

    [Theory]
    [InlineData("CHRISTOPHE")]
    [InlineData("JEA")]
    [InlineData("JEAN-CHRISTOPHER")]
    public void Create_FirstNameNotAtStartOfList_Throws(string first) =>
        Assert.Equal(InsErrorCodes.FirstNameMismatch, Assert.Throws<SegurValidationException>(() =>
            InsTraits.Create("MARTIN", "JEAN CHRISTOPHE PIERRE", InsSex.Male, BirthDate.Create(1970, 1, 1), firstName: first)).ErrorCode);

    [Theory]
    [InlineData("2A004", "2A004")]
    [InlineData("2b020", "2B020")]
    [InlineData("99134", "99134")]
    [InlineData(" ", null)]
    public void Create_BirthPlace_IsNormalised(string place, string? expected) =>
        Assert.Equal(expected, InsTraits.Create("A", "B", InsSex.Female, BirthDate.Create(2000, 1, 1), place).BirthPlace);

    [Theory]
    [InlineData("2C004")]
    [InlineData("6322")]
    [InlineData("A3220")]
    public void Create_BadBirthPlace_Throws(string place) =>
        Assert.Equal(InsErrorCodes.BirthPlaceInvalid, Assert.Throws<SegurValidationException>(() => InsTraits.Create("A", "B", InsSex.Female, BirthDate.Create(2000, 1, 1), place)).ErrorCode);

    [Fact]
    public void Create_LowerCaseName_ThrowsAndPointsToNormalize()
    {
        var ex = Assert.Throws<SegurValidationException>(() => InsTraits.Create("Martin", "JEAN", InsSex.Male, BirthDate.Create(1970, 1, 1)));
        Assert.Equal(InsErrorCodes.TraitCharacters, ex.ErrorCode);
        Assert.Equal("birthName", ex.Field);
    }

    [Fact]
    public void Create_UndefinedSex_Throws() =>
        Assert.Equal(InsErrorCodes.SexInvalid, Assert.Throws<SegurValidationException>(() => InsTraits.Create("A", "B", (InsSex)7, BirthDate.Create(2000, 1, 1))).ErrorCode);

    [Fact]
    public void Normalize_ReportsEveryChangedField()
    {
        var result = InsTraits.Normalize("d’Ornano-Martin", "Jeanne  Marie-Ange", InsSex.Female, BirthDate.Create(1985, 3, 14), "2a004", "jeanne");
        Assert.Equal("D'ORNANO-MARTIN", result.Traits.BirthName);
        Assert.Equal("JEANNE MARIE-ANGE", result.Traits.GivenNameList);
        Assert.Equal("2A004", result.Traits.BirthPlace);
        Assert.Equal(["birthName", "givenNames", "firstName"], result.Changes.Select(c => c.Field));
        Assert.True(result.IsChanged);
    }

    [Fact]
    public void Normalize_AlreadyClean_ReportsNothing() =>
        Assert.False(InsTraits.Normalize("MARTIN", "JEAN", InsSex.Male, BirthDate.Create(1970, 1, 1)).IsChanged);

    [Fact]
    public void DifferencesFrom_ListsDifferingTraits()
    {
        var a = TestData.Ornano();
        var b = InsTraits.Create("D ORNANO MARTIN", "JEANNE MARIE ANGE", InsSex.Female, BirthDate.Create(1985, 3, 14), null);
        Assert.Empty(a.DifferencesFrom(b)); // hyphen/apostrophe ≡ space, missing birth place is no difference
        var c = InsTraits.Create("DORNANO", "JEANNE", InsSex.Male, BirthDate.Create(1985, 3, 15), "2A005");
        Assert.Equal(["birthName", "givenNames", "sex", "birthDate", "birthPlace"], a.DifferencesFrom(c));
    }

    [Fact]
    public void SexCode_RoundTrips()
    {
        Assert.Equal("F", InsSex.Female.ToCode());
        Assert.Equal(InsSex.Male, InsSexCode.Parse(" m "));
        Assert.Equal(InsErrorCodes.SexInvalid, Assert.Throws<SegurValidationException>(() => InsSexCode.Parse("U")).ErrorCode);
    }

    [Fact]
    public void InsIdentity_UsedNames_AreValidated()
    {
        var id = InsIdentity.Create(TestData.Ornano(), usedName: "MARTIN", usedFirstName: "JEANNE");
        Assert.Equal("MARTIN", id.UsedName);
        Assert.Null(id.Matricule);
        Assert.Equal(InsErrorCodes.TraitCharacters, Assert.Throws<SegurValidationException>(() => InsIdentity.Create(TestData.Ornano(), usedName: "martin")).ErrorCode);
    }

    [Fact]
    public void InsIdentity_KeyMismatchInHistory_IsReported()
    {
        var traits = TestData.Ornano();
        var ok = TestData.Retrieved(traits, "285032A00412371");
        Assert.False(ok.HasKeyMismatch);
        var bad = TestData.Retrieved(traits, "285032A00412371", InsOid.Nir, new InsIdentifier(InsMatricule.FromReceived("2090763220834", "11"), InsOid.Nir));
        Assert.True(bad.HasKeyMismatch);
    }
}
