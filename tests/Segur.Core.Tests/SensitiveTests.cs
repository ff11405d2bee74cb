using Segur.Auth;
using Segur.Diagnostics;

namespace Segur.Core.Tests;

public class SensitiveTests
{
    [Theory]
    [InlineData("1840312345678", false, "[redacted]")]
    [InlineData("1840312345678", true, "1840312345678")]
    [InlineData(null, false, "(null)")]
    public void Show_RedactsUnlessEnabled(string? value, bool enabled, string expected) => Assert.Equal(expected, Sensitive.Show(value, enabled));

    [Fact]
    public void Mask_KeepsTheLastCharacters() => Assert.Equal("*********5678", Sensitive.Mask("1840312345678", false));

    [Fact]
    public void Secret_NeverShowsTheValue() => Assert.Equal("[secret]", Sensitive.Secret("1234"));

    [Fact]
    public void AccessToken_ToString_HidesTheToken() =>
        Assert.DoesNotContain("eyJsecret", new AccessToken("eyJsecret", DateTimeOffset.UnixEpoch).ToString(), StringComparison.Ordinal);
}
