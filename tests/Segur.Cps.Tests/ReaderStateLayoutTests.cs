using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Tests;

public sealed class ReaderStateLayoutTests
{
    [Theory]
    [InlineData((int)PcscPlatform.PcscLite, 8, 80, 40, 33, 16, 24, 32)]
    [InlineData((int)PcscPlatform.PcscLite, 4, 56, 20, 33, 8, 12, 16)]
    [InlineData((int)PcscPlatform.Windows, 8, 64, 28, 36, 16, 20, 24)]
    [InlineData((int)PcscPlatform.Windows, 4, 56, 20, 36, 8, 12, 16)]
    [InlineData((int)PcscPlatform.MacOS, 8, 61, 28, 33, 16, 20, 24)]
    public void For_Platform_MatchesNativeLayout(int platformValue, int pointer, int size, int atrOffset, int atrCapacity, int current, int evt, int cbAtr)
    {
        var layout = ReaderStateLayout.For((PcscPlatform)platformValue, pointer);

        Assert.Equal(size, layout.Size);
        Assert.Equal(atrOffset, layout.AtrOffset);
        Assert.Equal(atrCapacity, layout.AtrCapacity);
        Assert.Equal(current, layout.CurrentStateOffset);
        Assert.Equal(evt, layout.EventStateOffset);
        Assert.Equal(cbAtr, layout.AtrLengthOffset);
    }

    [Fact]
    public void Write_PcscLite64_PutsPointerAndEightByteDwordAtOffsets()
    {
        var layout = ReaderStateLayout.For(PcscPlatform.PcscLite, 8);
        var entry = new byte[layout.Size];
        entry.AsSpan().Fill(0xEE);

        layout.Write(entry, unchecked((nint)0x1122334455667788), 0x00010022);

        Assert.Equal(Convert.FromHexString("8877665544332211"), entry[..8]);
        Assert.Equal(new byte[8], entry[8..16]);
        Assert.Equal(Convert.FromHexString("2200010000000000"), entry[16..24]);
        Assert.All(entry[24..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void ReadAtrAndEventState_MacPacked_ReadsUnalignedFields()
    {
        var layout = ReaderStateLayout.For(PcscPlatform.MacOS, 8);
        var entry = new byte[layout.Size];
        entry[20] = 0x22; // dwEventState @20
        entry[24] = 3;    // cbAtr @24
        entry[28] = 0x3B;
        entry[29] = 0xAC;
        entry[30] = 0x00;

        Assert.Equal(0x22u, layout.ReadEventState(entry));
        Assert.Equal(new byte[] { 0x3B, 0xAC, 0x00 }, layout.ReadAtr(entry));
    }

    [Fact]
    public void ReadEventState_PcscLite_MasksToLow32Bits()
    {
        var layout = ReaderStateLayout.For(PcscPlatform.PcscLite, 8);
        var entry = new byte[layout.Size];
        BitConverter.TryWriteBytes(entry.AsSpan(24), 0xFFFFFFFF00030022UL);

        Assert.Equal(0x00030022u, layout.ReadEventState(entry));
    }

    [Fact]
    public void ReadAtr_LengthLargerThanBuffer_IsClamped()
    {
        var layout = ReaderStateLayout.For(PcscPlatform.Windows, 8);
        var entry = new byte[layout.Size];
        entry[24] = 200;

        Assert.Equal(36, layout.ReadAtr(entry).Length);
    }

    [Fact]
    public void WriteAtr_TooLong_Throws()
    {
        var layout = ReaderStateLayout.For(PcscPlatform.PcscLite, 8);
        Assert.Throws<ArgumentException>(() => layout.WriteAtr(new byte[layout.Size], new byte[34]));
    }

    [Theory]
    [InlineData(0x000000008010001DL, 0x8010001Du)]
    [InlineData(-2146435043L, 0x8010001Du)] // Windows negative LONG
    [InlineData(0L, 0u)]
    public void Normalize_NativeLong_YieldsLow32Bits(long native, uint expected) => Assert.Equal(expected, PcscConstants.Normalize(native));

    [Fact]
    public void SplitMultiString_DoubleNulTerminated_ReturnsNames()
    {
        var bytes = "Virtual PCD 00 00\0Virtual PCD 00 01\0\0"u8;
        Assert.Equal(["Virtual PCD 00 00", "Virtual PCD 00 01"], PcscApi.SplitMultiString(bytes));
    }
}
