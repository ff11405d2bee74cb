namespace Segur.Ins.Tests;

public class TraitNormalizerTests
{
    [Theory]
    [InlineData("García-Hämmadi", "GARCIA-HAMMADI", TraitChanges.UpperCased | TraitChanges.DiacriticsRemoved)]
    [InlineData("d’Ornano", "D'ORNANO", TraitChanges.UpperCased | TraitChanges.CharactersReplaced)]
    [InlineData("LŒTITIA", "LOETITIA", TraitChanges.LigaturesExpanded)]
    [InlineData("Cæcilia", "CAECILIA", TraitChanges.UpperCased | TraitChanges.LigaturesExpanded)]
    [InlineData("FRANÇOIS", "FRANCOIS", TraitChanges.DiacriticsRemoved)]
    [InlineData("  DUPONT   DURAND ", "DUPONT DURAND", TraitChanges.SeparatorsCollapsed)]
    [InlineData("DUPONT--DURAND", "DUPONT--DURAND", TraitChanges.None)]
    [InlineData("DUPONT - DURAND", "DUPONT-DURAND", TraitChanges.SeparatorsCollapsed)]
    [InlineData("D ' ORNANO", "D'ORNANO", TraitChanges.SeparatorsCollapsed)]
    [InlineData("-MARTIN", "MARTIN", TraitChanges.SeparatorsCollapsed)]
    [InlineData("'T HOOFT", "'T HOOFT", TraitChanges.None)]
    [InlineData("MARTIN2", "MARTIN", TraitChanges.CharactersRemoved)]
    [InlineData("ST.JEAN", "ST JEAN", TraitChanges.CharactersRemoved)]
    [InlineData("MÜLLER–LÜDENSCHEIDT", "MULLER-LUDENSCHEIDT", TraitChanges.DiacriticsRemoved | TraitChanges.CharactersReplaced)]
    public void Normalize_FamilyName_ProposesRnivForm(string input, string expected, TraitChanges changes)
    {
        var result = TraitNormalizer.Normalize(input, TraitProfile.FamilyName, "birthName");
        Assert.Equal(expected, result.Normalized);
        Assert.Equal(changes, result.Changes);
        Assert.Equal(input, result.Original);
        Assert.Equal(input != expected, result.IsChanged);
        Assert.True(TraitNormalizer.IsValid(result.Normalized, TraitProfile.FamilyName));
    }

    [Theory]
    [InlineData("jean--pierre", "JEAN-PIERRE")]
    [InlineData("Marie-", "MARIE")]
    [InlineData("'Anne", "ANNE")]
    [InlineData("Zoé  Léa", "ZOE LEA")]
    public void Normalize_GivenName_ProposesRnivForm(string input, string expected)
    {
        var result = TraitNormalizer.Normalize(input, TraitProfile.GivenName);
        Assert.Equal(expected, result.Normalized);
        Assert.True(TraitNormalizer.IsValid(result.Normalized, TraitProfile.GivenName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("123")]
    [InlineData("--")]
    public void Normalize_NothingLeft_Throws(string input) =>
        Assert.Equal(InsErrorCodes.TraitMissing, Assert.Throws<SegurValidationException>(() => TraitNormalizer.Normalize(input, TraitProfile.FamilyName)).ErrorCode);

    [Fact]
    public void Normalize_TooLong_Throws() =>
        Assert.Equal(InsErrorCodes.TraitTooLong, Assert.Throws<SegurValidationException>(() => TraitNormalizer.Normalize(new string('a', 101), TraitProfile.FamilyName)).ErrorCode);

    [Theory]
    [InlineData("Martin", TraitProfile.FamilyName, "lower-case")]
    [InlineData("MARTÍN", TraitProfile.FamilyName, "forbidden character")]
    [InlineData("-MARTIN", TraitProfile.FamilyName, "starts with a separator")]
    [InlineData(" MARTIN", TraitProfile.FamilyName, "starts with a separator")]
    [InlineData("MARTIN'", TraitProfile.FamilyName, "ends with a separator")]
    [InlineData("DE  GAULLE", TraitProfile.FamilyName, "repeated")]
    [InlineData("D''ORNANO", TraitProfile.FamilyName, "repeated")]
    [InlineData("D' ORNANO", TraitProfile.FamilyName, "repeated")]
    [InlineData("A---B", TraitProfile.FamilyName, "repeated")]
    [InlineData("JEAN--PIERRE", TraitProfile.GivenName, "double hyphen")]
    [InlineData("JEAN-", TraitProfile.GivenName, "ends with a separator")]
    [InlineData("'ANNE", TraitProfile.GivenName, "starts with a separator")]
    public void Validate_BreaksRule_ThrowsNamingIt(string value, TraitProfile profile, string expected)
    {
        var ex = Assert.Throws<SegurValidationException>(() => TraitNormalizer.Validate(value, profile, "x"));
        Assert.Equal(InsErrorCodes.TraitCharacters, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(TraitNormalizer.IsValid(value, profile));
    }

    [Theory]
    [InlineData("DUPONT--DURAND", TraitProfile.FamilyName)]
    [InlineData("'T HOOFT", TraitProfile.FamilyName)]
    [InlineData("D'ORNANO-MARTIN", TraitProfile.FamilyName)]
    [InlineData("JEAN-PIERRE MARIE", TraitProfile.GivenName)]
    [InlineData("N'GOLO", TraitProfile.GivenName)]
    public void Validate_Valid_DoesNotThrow(string value, TraitProfile profile) =>
        Assert.True(TraitNormalizer.IsValid(value, profile));
}
