using Segur.Cps.Serial;
using Segur.Testing;

namespace Segur.Cps.Tests;

public sealed class ScanFrameDecoderTests
{
    [Fact]
    public void Feed_AimPrefixAndCrLf_StripsPrefixKeepsGs()
    {
        var decoder = new ScanFrameDecoder();
        var codes = decoder.Feed("]d1IS0112345\u001DS4ABC\r\n"u8);

        var code = Assert.Single(codes);
        Assert.Equal("]d1", code.SymbologyIdentifier);
        Assert.Equal("IS0112345\u001DS4ABC", code.Text);
        Assert.True(code.IsDataMatrix);
        Assert.False(decoder.HasPendingData);
    }

    [Fact]
    public void Feed_SplitAcrossReadsAndMixedTerminators_YieldsEachFrameOnce()
    {
        var decoder = new ScanFrameDecoder();
        Assert.Empty(decoder.Feed("]Q1APCV-"u8));
        var first = decoder.Feed("TEST:1\r"u8);
        var second = decoder.Feed("\nplain\n]d2010123\r\n"u8);

        Assert.Equal("APCV-TEST:1", Assert.Single(first).Text);
        Assert.True(first[0].IsQrCode);
        Assert.Equal(["plain", "010123"], second.Select(c => c.Text));
        Assert.Null(second[0].SymbologyIdentifier);
        Assert.Equal("]d2", second[1].SymbologyIdentifier);
    }

    [Fact]
    public void DiscardPending_DeviceGoneMidFrame_NextFrameIsNotGluedToTheOldOne()
    {
        var decoder = new ScanFrameDecoder();
        Assert.Empty(decoder.Feed("]d1HALF-A-FR"u8));

        Assert.True(decoder.DiscardPending());
        Assert.False(decoder.HasPendingData);
        Assert.False(decoder.DiscardPending());
        var code = Assert.Single(decoder.Feed("]d1TWO\r\n"u8));
        Assert.Equal(("]d1", "TWO"), (code.SymbologyIdentifier, code.Text));
    }

    [Fact]
    public void Flush_NoTerminator_CompletesPendingFrame()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var decoder = new ScanFrameDecoder(timeProvider: time);
        decoder.Feed("]d1ABC"u8);

        var code = decoder.Flush();

        Assert.Equal("ABC", code!.Text);
        Assert.Equal(time.GetUtcNow(), code.Timestamp);
        Assert.Null(decoder.Flush());
    }

    [Fact]
    public void Feed_FrameTooLong_ThrowsAndRecovers()
    {
        var decoder = new ScanFrameDecoder(maxFrameLength: 4);

        var ex = Assert.Throws<SegurValidationException>(() => decoder.Feed("12345"u8));
        Assert.Equal(CpsErrorCodes.ScanFrameTooLong, ex.ErrorCode);
        Assert.Equal("ok", Assert.Single(decoder.Feed("ok\r"u8)).Text);
    }

    [Fact]
    public void Feed_Latin1Default_MapsEveryByte()
    {
        var code = Assert.Single(new ScanFrameDecoder().Feed(new byte[] { 0xC9, 0x1D, 0x41, 0x0D }));
        Assert.Equal("É\u001DA", code.Text);
    }
}
