using Segur.Cps.Serial;
using Segur.Cps.Vitale;
using Segur.Testing.Cps;

namespace Segur.Cps.Tests;

public sealed class VitaleTests
{
    private static readonly VitaleBeneficiary Patient = new()
    {
        Nir = "2840763220019",
        LastName = "TEST",
        FirstName = "CLAIRE",
        BirthDate = VitaleBirthDate.Parse("19840731"),
    };

    [Theory]
    [InlineData("19840731", false)]
    [InlineData("19840231", true)]
    [InlineData("19840000", true)]
    [InlineData("19841332", true)]
    public void VitaleBirthDate_Parse_DetectsLunarDates(string value, bool lunar)
    {
        var date = VitaleBirthDate.Parse(value);
        Assert.Equal(lunar, date.IsLunar);
        Assert.Equal(value, date.ToString());
        Assert.Equal(lunar, date.ToDateOnly() is null);
    }

    [Fact]
    public void VitaleBirthDate_Parse_NotEightDigits_Throws() =>
        Assert.Equal(CpsErrorCodes.VitaleReadFailed, Assert.Throws<SegurValidationException>(() => VitaleBirthDate.Parse("1984-07-31")).ErrorCode);

    [Fact]
    public async Task FakeVitaleReader_NoCard_ThrowsNotPresent()
    {
        var reader = new FakeVitaleReader();
        Assert.False(await reader.IsCardPresentAsync());
        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await reader.ReadAsync());
        Assert.Equal(CpsErrorCodes.VitaleNotPresent, ex.ErrorCode);

        reader.Insert(Patient);
        Assert.Equal("CLAIRE", Assert.Single((await reader.ReadAsync()).Beneficiaries).FirstName);
    }

    [Fact]
    public async Task ApCvScanRouter_ScannedQr_RetrievesSessionOnceAndRoutesDatamatrix()
    {
        var apcv = new FakeApCvService();
        var qr = apcv.CreateSession(Patient);
        var router = new ApCvScanRouter(apcv);
        VitaleReading? got = null;
        ScannedCode? ins = null;
        router.OnApCvReading = (r, _) => { got = r; return ValueTask.CompletedTask; };
        router.OnInsDatamatrix = (c, _) => { ins = c; return ValueTask.CompletedTask; };
        var decoder = new ScanFrameDecoder();

        await router.RouteAsync(decoder.Feed(System.Text.Encoding.ASCII.GetBytes("]Q1" + qr + "\r\n"))[0]);
        await router.RouteAsync(decoder.Feed("]d1IS0100000000000000000\r\n"u8)[0]);

        Assert.Equal("apcv", got!.Source);
        Assert.Equal("2840763220019", Assert.Single(got.Beneficiaries).Nir);
        Assert.NotNull(ins);
        var again = await Assert.ThrowsAsync<SegurServiceException>(async () => await router.RouteAsync(decoder.Feed(System.Text.Encoding.ASCII.GetBytes(qr + "\r"))[0]));
        Assert.Equal(CpsErrorCodes.VitaleNotPresent, again.ErrorCode);
    }
}
