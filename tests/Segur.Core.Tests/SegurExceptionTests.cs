namespace Segur.Core.Tests;

public class SegurExceptionTests
{
    [Fact]
    public void Message_IsPrefixedWithTheCode_AndRawFaultKeptApart()
    {
        var ex = new SegurServiceException("SGR-2004", "No identity matches.", rawFault: "<fault>NIR 1234</fault>") { ServiceCode = "insi_102" };
        Assert.Equal("SGR-2004: No identity matches.", ex.Message);
        Assert.Equal("SGR-2004", ex.ErrorCode);
        Assert.DoesNotContain("1234", ex.Message, StringComparison.Ordinal);
        Assert.Equal("<fault>NIR 1234</fault>", ex.RawFault);
        Assert.Equal("insi_102", ex.ServiceCode);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void TransportException_IsTransientByDefault()
    {
        var ex = new SegurTransportException(CoreErrorCodes.TransportFailed, "down") { RetryAfter = TimeSpan.FromSeconds(3) };
        Assert.True(ex.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
    }

    [Fact]
    public void CardExceptions_DeriveFromSegurCardException()
    {
        Assert.IsAssignableFrom<SegurCardException>(new CardRemovedException("SGR-6001", "removed"));
        Assert.IsAssignableFrom<SegurCardException>(new CardNotPresentException("SGR-6002", "absent"));
    }

    [Fact]
    public void Constructor_EmptyCode_Throws() =>
        Assert.Throws<ArgumentException>(() => new SegurException(" ", "x"));

    [Fact]
    public void ErrorCodes_AreUniqueAndInTheCoreRange()
    {
        var codes = typeof(CoreErrorCodes).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(@"^SGR-1\d{3}$", c));
    }
}
