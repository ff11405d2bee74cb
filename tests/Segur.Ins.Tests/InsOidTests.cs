namespace Segur.Ins.Tests;

public class InsOidTests
{
    [Theory]
    [InlineData("1.2.250.1.213.1.4.8", InsOidKind.Nir, true)]
    [InlineData("1.2.250.1.213.1.4.9", InsOidKind.Nia, true)]
    [InlineData("1.2.250.1.213.1.4.10", InsOidKind.TestNir, false)]
    [InlineData("urn:oid:1.2.250.1.213.1.4.11", InsOidKind.DemonstrationNir, false)]
    [InlineData(" 1.2.250.1.213.1.4.2 ", InsOidKind.LegacyInsC, false)]
    public void Parse_KnownOids_ReturnsKind(string value, InsOidKind kind, bool production)
    {
        var oid = InsOid.Parse(value);
        Assert.Equal(kind, oid.Kind);
        Assert.Equal(production, oid.IsProduction);
        Assert.Equal("urn:oid:" + oid.Value, oid.FhirSystem);
    }

    [Fact]
    public void LegacyInsC_CannotBeEmitted()
    {
        Assert.False(InsOid.LegacyInsC.CanBeEmitted);
        Assert.True(InsOid.TestNir.CanBeEmitted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.2.250.1.213.1.4.12")]
    [InlineData("1.2.250.1.213.1.4.8.1")]
    public void Parse_Unknown_Throws(string? value)
    {
        var ex = Assert.Throws<SegurValidationException>(() => InsOid.Parse(value));
        Assert.Equal(InsErrorCodes.OidUnknown, ex.ErrorCode);
        Assert.False(InsOid.TryParse(value, out _));
    }

    [Fact]
    public void Parse_ReturnsSingletons() => Assert.Same(InsOid.Nir, InsOid.Parse("1.2.250.1.213.1.4.8"));

    [Fact]
    public void InsIdentifier_ToString_IsCxForm() =>
        Assert.Equal("236066322083656^^^&1.2.250.1.213.1.4.8&ISO^NH", new InsIdentifier(InsMatricule.Parse("236066322083656"), InsOid.Nir).ToString());

    [Fact]
    public void InsIdentifier_EndBeforeStart_Throws() =>
        Assert.Throws<ArgumentException>(() => new InsIdentifier(InsMatricule.Parse("236066322083656"), InsOid.Nir, new DateOnly(2020, 1, 2), new DateOnly(2020, 1, 1)));
}
