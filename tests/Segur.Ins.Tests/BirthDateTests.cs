namespace Segur.Ins.Tests;

public class BirthDateTests
{
    [Theory]
    [InlineData(1985, null, null, 1985, 12, 31)]
    [InlineData(1985, 7, null, 1985, 7, 1)]
    [InlineData(1985, null, 14, 1985, 1, 14)]
    public void FromIncomplete_AppliesRnivRules(int year, int? month, int? day, int y, int m, int d)
    {
        var date = BirthDate.FromIncomplete(year, month, day);
        Assert.Equal((y, m, d), (date.Year, date.Month, date.Day));
        Assert.True(date.IsEstimated);
        Assert.False(date.IsLunar);
    }

    [Fact]
    public void FromIncomplete_Complete_IsNotEstimated() => Assert.False(BirthDate.FromIncomplete(1985, 3, 14).IsEstimated);

    [Fact]
    public void ParseIso_LunarDate_IsKept()
    {
        var date = BirthDate.ParseIso("1950-00-00");
        Assert.True(date.IsLunar);
        Assert.Null(date.ToDateOnly());
        Assert.Equal("1950-00-00", date.ToIsoString());
        Assert.Equal("00-00-1950", date.ToDayFirstString());
    }

    [Fact]
    public void ParseDayFirst_RoundTrips()
    {
        var date = BirthDate.ParseDayFirst("14-03-1985");
        Assert.Equal(new DateOnly(1985, 3, 14), date.ToDateOnly());
        Assert.Equal("14-03-1985", date.ToDayFirstString());
        Assert.Equal(BirthDate.FromDate(new DateOnly(1985, 3, 14)), date);
    }

    [Theory]
    [InlineData("1985-02-30")]
    [InlineData("1985-13-01")]
    [InlineData("85-03-14")]
    [InlineData("1985/03/14")]
    [InlineData("")]
    [InlineData("0000-01-01")]
    public void ParseIso_Invalid_Throws(string value) =>
        Assert.Equal(InsErrorCodes.BirthDateInvalid, Assert.Throws<SegurValidationException>(() => BirthDate.ParseIso(value)).ErrorCode);

    [Fact]
    public void Create_NotACalendarDate_Throws()
    {
        Assert.Equal(InsErrorCodes.BirthDateInvalid, Assert.Throws<SegurValidationException>(() => BirthDate.Create(2023, 2, 29)).ErrorCode);
        Assert.Equal(29, BirthDate.Create(2024, 2, 29).Day);
        Assert.Throws<SegurValidationException>(() => BirthDate.FromIncomplete(2023, 2, 30));
    }
}
