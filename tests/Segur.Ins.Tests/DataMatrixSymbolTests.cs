using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Segur.Ins.Datamatrix;

namespace Segur.Ins.Tests;

public class DataMatrixSymbolTests
{
    [Fact]
    public void Encode_IsoExample123456_MatchesTheStandardCodewords()
    {
        // ISO/IEC 16022 worked example: "123456" in a 10x10 symbol.
        var symbol = DataMatrixSymbol.Encode("123456", DataMatrixEncodation.Mixed);
        Assert.Equal(10, symbol.Size);
        Assert.Equal([142, 164, 186, 114, 25, 5, 88, 102], symbol.Codewords);
    }

    [Fact]
    public void ReedSolomon_IsoExample_Matches() =>
        Assert.Equal([114, 25, 5, 88, 102], ReedSolomon.Compute([142, 164, 186], 5));

    [Fact]
    public void Encode_C40Digits_FillSymbolExactly_WithoutUnlatch()
    {
        // 230, then (5,6,7) and (8,9,10): 5 codewords = 12x12 capacity.
        var symbol = DataMatrixSymbol.Encode("123456");
        Assert.Equal(12, symbol.Size);
        Assert.Equal(5, symbol.DataCodewordCount);
        var v1 = (1600 * 5) + (40 * 6) + 7 + 1;
        var v2 = (1600 * 8) + (40 * 9) + 10 + 1;
        Assert.Equal(new byte[] { 230, (byte)(v1 / 256), (byte)(v1 % 256), (byte)(v2 / 256), (byte)(v2 % 256) }, symbol.Codewords.Take(5));
    }

    [Fact]
    public void Encode_TwoValuesLeft_PadsWithShift1()
    {
        var symbol = DataMatrixSymbol.Encode("ABCDE");
        var v2 = (1600 * 17) + (40 * 18) + 0 + 1;
        Assert.Equal(new byte[] { (byte)(v2 / 256), (byte)(v2 % 256) }, symbol.Codewords.Skip(3).Take(2));
        Assert.Equal(5, symbol.DataCodewordCount);
    }

    [Fact]
    public void Encode_OneValueLeftAndOneCodewordLeft_EndsInAsciiWithoutUnlatch()
    {
        var symbol = DataMatrixSymbol.Encode("ABCDEFGHIJ"); // 230 + 3 triplets = 7, 'J' = 75 fills 14x14 (8)
        Assert.Equal(14, symbol.Size);
        Assert.Equal(75, symbol.Codewords[7]);
        Assert.DoesNotContain((byte)254, symbol.Codewords.Take(8));
    }

    [Fact]
    public void Encode_OneValueLeftWithRoom_UnlatchesThenAsciiThenPads()
    {
        var symbol = DataMatrixSymbol.Encode("ABCDEFG"); // 230 + 2 triplets, 254, 'G', pad: 8 = 14x14
        Assert.Equal(14, symbol.Size);
        Assert.Equal(new byte[] { 254, 72, 129 }, symbol.Codewords.Skip(5).Take(3));
    }

    [Fact]
    public void Encode_TrailingShiftedCharacter_GoesToAscii()
    {
        // "AB-": values 14,15,(1,12): the lone 12 belongs to '-', so '-' is written in ASCII (46).
        var symbol = DataMatrixSymbol.Encode("AB-");
        var v = (1600 * 14) + (40 * 15) + 0 + 1;
        Assert.Equal(new byte[] { 230, (byte)(v / 256), (byte)(v % 256), 254, 46 }, symbol.Codewords.Take(5));
    }

    [Fact]
    public void Encode_Padding_Uses253StateRandomisation()
    {
        var symbol = DataMatrixSymbol.Encode("A", DataMatrixEncodation.C40, minimumSize: 12);
        // 'A' alone is ASCII (66), then 129, then 129 + ((149 * p) mod 253) + 1 (minus 254 when above 254).
        Assert.Equal(new byte[] { 66, 129, 70, 220, 115 }, symbol.Codewords.Take(5));
    }

    [Fact]
    public void Encode_Mixed_UsesDigitPairsForLongRuns()
    {
        var c40 = DataMatrixSymbol.Encode("AB123456789012345678901234XY");
        var mixed = DataMatrixSymbol.Encode("AB123456789012345678901234XY", DataMatrixEncodation.Mixed);
        // C40 "AB1" (aligned on a triplet), unlatch, then the digit pairs 23, 45… in ASCII.
        Assert.Equal(new byte[] { 230, 254, 130 + 23, 130 + 45, 130 + 67 }, new[] { mixed.Codewords[0], mixed.Codewords[3], mixed.Codewords[4], mixed.Codewords[5], mixed.Codewords[6] });
        Assert.True(mixed.Size <= c40.Size);
    }

    [Fact]
    public void Encode_SizesAndMinimumSize()
    {
        Assert.Equal(24, DataMatrixSymbol.SupportedSizes.Count);
        Assert.Equal(144, DataMatrixSymbol.Encode("A", minimumSize: 144).Size);
        Assert.Equal(32, DataMatrixSymbol.Encode(new string('A', 66)).Size); // 230 + 44 codewords > 44 (26x26)
        Assert.Equal(144, DataMatrixSymbol.Encode(new string('A', 2335)).Size);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataMatrixSymbol.Encode("A", minimumSize: 145));
    }

    [Fact]
    public void Encode_TooMuchData_Throws() =>
        Assert.Equal(InsErrorCodes.SymbolCapacityExceeded, Assert.Throws<SegurValidationException>(() => DataMatrixSymbol.Encode(new string('A', 2400))).ErrorCode);

    [Fact]
    public void Encode_NonAscii_Throws() =>
        Assert.Equal(InsErrorCodes.SymbolCharacters, Assert.Throws<SegurValidationException>(() => DataMatrixSymbol.Encode("É")).ErrorCode);

    [Fact]
    public void Symbol_FinderAndTimingPatterns_AreInPlace()
    {
        var s = DataMatrixSymbol.Encode(new string('A', 100)); // 36x36: 2x2 regions of 16
        Assert.Equal(36, s.Size);
        for (var i = 0; i < s.Size; i++)
        {
            Assert.True(s.IsDark(0, i));          // left finder
            Assert.True(s.IsDark(i, s.Size - 1)); // bottom finder
            Assert.Equal(i % 2 == 0, s.IsDark(i, 0));          // top timing
            Assert.Equal(i % 2 == 1, s.IsDark(s.Size - 1, i)); // right timing
            Assert.True(s.IsDark(18, i));  // left finder of the second region column
            Assert.True(s.IsDark(i, 17));  // bottom finder of the first region row
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => s.IsDark(36, 0));
    }

    [Fact]
    public void ToPng_IsAValidPngWithQuietZone()
    {
        var s = DataMatrixSymbol.Encode("INS");
        var png = s.ToPng(moduleSize: 3, quietZone: 2);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8));
        var side = (s.Size + 4) * 3;
        Assert.Equal((uint)side, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)));
        Assert.Equal((uint)side, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(new byte[] { 0xAE, 0x42, 0x60, 0x82 }, png[^4..]); // CRC-32 of "IEND"
        Assert.Equal(0xCBF43926u, PngWriter.Crc32("123456789"u8) ^ 0xFFFFFFFF); // CRC-32 check value

        var idatLength = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(33));
        using var z = new ZLibStream(new MemoryStream(png, 41, idatLength), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var rowBytes = (side + 7) / 8;
        var pixels = raw.ToArray();
        Assert.Equal((rowBytes + 1) * side, pixels.Length);
        bool White(int x, int y) => (pixels[(y * (rowBytes + 1)) + 1 + (x / 8)] & (0x80 >> (x % 8))) != 0;
        Assert.True(White(0, 0));                 // quiet zone
        Assert.False(White(6, side - 7));         // bottom-left finder module
        Assert.True(White(side - 7, 6));          // top-right: light timing module
    }

    [Fact]
    public void ToSvg_PaintsExactlyTheDarkModules()
    {
        var s = DataMatrixSymbol.Encode("IS010000000000000000000000S1285032A00412371");
        const int quiet = 3;
        var svg = XDocument.Parse(s.ToSvg(moduleSize: 5, quietZone: quiet));
        var side = s.Size + (2 * quiet);
        Assert.Equal((side * 5).ToString(System.Globalization.CultureInfo.InvariantCulture), svg.Root!.Attribute("width")!.Value);
        Assert.Equal($"0 0 {side} {side}", svg.Root.Attribute("viewBox")!.Value);
        var painted = new bool[side, side];
        var d = svg.Root.Elements().Last().Attribute("d")!.Value;
        foreach (Match m in Regex.Matches(d, @"M(\d+) (\d+)h(\d+)v1h-(\d+)z"))
        {
            int x = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), y = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var w = int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(m.Groups[3].Value, m.Groups[4].Value);
            for (var i = 0; i < w; i++)
            {
                Assert.False(painted[x + i, y]);
                painted[x + i, y] = true;
            }
        }

        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var inside = x >= quiet && y >= quiet && x < quiet + s.Size && y < quiet + s.Size;
                Assert.Equal(inside && s.IsDark(x - quiet, y - quiet), painted[x, y]);
            }
        }
    }

    [Fact]
    public void Render_BadArguments_Throw()
    {
        var s = DataMatrixSymbol.Encode("A");
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ToPng(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ToPng(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ToSvg(101));
    }
}
