using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Segur.Ins.Datamatrix;

/// <summary>Minimal PNG writer: 1-bit grayscale, one IDAT chunk (zlib), own CRC-32.</summary>
internal static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Write(DataMatrixSymbol symbol, int moduleSize, int quietZone)
    {
        var side = (symbol.Size + (2 * quietZone)) * moduleSize;
        var rowBytes = (side + 7) / 8;
        var raw = new byte[(rowBytes + 1) * side];
        for (var py = 0; py < side; py++)
        {
            var rowStart = py * (rowBytes + 1);
            raw[rowStart] = 0; // Filter: none.
            var my = (py / moduleSize) - quietZone;
            for (var px = 0; px < side; px++)
            {
                var mx = (px / moduleSize) - quietZone;
                var dark = mx >= 0 && my >= 0 && mx < symbol.Size && my < symbol.Size && symbol.IsDark(mx, my);
                if (!dark)
                {
                    // In 1-bit grayscale, 1 is white.
                    raw[rowStart + 1 + (px >> 3)] |= (byte)(0x80 >> (px & 7));
                }
            }
        }

        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)side);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)side);
        header[8] = 1; // Bit depth.
        header[9] = 0; // Colour type: grayscale.
        header[10] = 0; // Compression: deflate.
        header[11] = 0; // Filter method.
        header[12] = 0; // No interlace.
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(output, "IDAT", compressed.ToArray());
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    internal static uint Crc32(ReadOnlySpan<byte> data, uint crc = 0xFFFFFFFF)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32(data, Crc32(typeBytes)) ^ 0xFFFFFFFF;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
