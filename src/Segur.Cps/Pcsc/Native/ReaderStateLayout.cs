using System.Buffers.Binary;

namespace Segur.Cps.Pcsc.Native;

/// <summary>The PC/SC platform flavour, which decides type widths and structure layouts.</summary>
internal enum PcscPlatform
{
    /// <summary>winscard.dll: DWORD 4 bytes, handles pointer-sized, ATR buffer 36 bytes.</summary>
    Windows,

    /// <summary>pcsc-lite: DWORD = <c>unsigned long</c> (8 bytes on 64-bit), ATR buffer 33 bytes.</summary>
    PcscLite,

    /// <summary>macOS PCSC.framework: DWORD 4 bytes, handles 4 bytes, structures packed to 1, ATR buffer 33 bytes.</summary>
    MacOS,
}

/// <summary>
/// The byte layout of <c>SCARD_READERSTATE</c> on one platform. The SDK marshals the structure by hand into an unmanaged
/// buffer so that one code path serves the three layouts (see cards.md §2.10).
/// </summary>
internal sealed record ReaderStateLayout(
    int Size,
    int PointerSize,
    int DwordSize,
    int ReaderOffset,
    int UserDataOffset,
    int CurrentStateOffset,
    int EventStateOffset,
    int AtrLengthOffset,
    int AtrOffset,
    int AtrCapacity)
{
    /// <summary>Computes the layout for a platform and pointer size.</summary>
    public static ReaderStateLayout For(PcscPlatform platform, int pointerSize)
    {
        if (pointerSize is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(pointerSize));
        }

        return platform switch
        {
            // szReader, pvUserData, dwCurrentState, dwEventState, cbAtr: natural alignment; rgbAtr[36].
            PcscPlatform.Windows => Natural(pointerSize, dwordSize: 4, atrCapacity: 36),

            // pcsc-lite DWORD is unsigned long: pointer-sized on LP64 and ILP32; rgbAtr[33] (MAX_ATR_SIZE).
            PcscPlatform.PcscLite => Natural(pointerSize, dwordSize: pointerSize, atrCapacity: 33),

            // #pragma pack(1): no padding anywhere; DWORD is uint32_t.
            PcscPlatform.MacOS => new ReaderStateLayout(
                Size: (2 * pointerSize) + (3 * 4) + 33,
                PointerSize: pointerSize,
                DwordSize: 4,
                ReaderOffset: 0,
                UserDataOffset: pointerSize,
                CurrentStateOffset: 2 * pointerSize,
                EventStateOffset: (2 * pointerSize) + 4,
                AtrLengthOffset: (2 * pointerSize) + 8,
                AtrOffset: (2 * pointerSize) + 12,
                AtrCapacity: 33),
            _ => throw new ArgumentOutOfRangeException(nameof(platform)),
        };
    }

    private static ReaderStateLayout Natural(int pointerSize, int dwordSize, int atrCapacity)
    {
        var current = 2 * pointerSize;
        var atr = current + (3 * dwordSize);
        var align = Math.Max(pointerSize, dwordSize);
        var size = (atr + atrCapacity + align - 1) / align * align;
        return new ReaderStateLayout(size, pointerSize, dwordSize, 0, pointerSize, current, current + dwordSize, current + (2 * dwordSize), atr, atrCapacity);
    }

    /// <summary>Writes one entry: reader name pointer, current state; clears the rest.</summary>
    public void Write(Span<byte> entry, nint readerName, uint currentState)
    {
        entry[..Size].Clear();
        WritePointer(entry[ReaderOffset..], readerName);
        WriteDword(entry[CurrentStateOffset..], currentState);
    }

    /// <summary>Reads <c>dwEventState</c> (low 32 bits).</summary>
    public uint ReadEventState(ReadOnlySpan<byte> entry) => ReadDword(entry[EventStateOffset..]);

    /// <summary>Reads <c>dwCurrentState</c> (low 32 bits).</summary>
    public uint ReadCurrentState(ReadOnlySpan<byte> entry) => ReadDword(entry[CurrentStateOffset..]);

    /// <summary>Writes <c>dwCurrentState</c>.</summary>
    public void WriteCurrentState(Span<byte> entry, uint state) => WriteDword(entry[CurrentStateOffset..], state);

    /// <summary>Reads the ATR (<c>rgbAtr[..cbAtr]</c>), clamped to the buffer capacity.</summary>
    public byte[] ReadAtr(ReadOnlySpan<byte> entry)
    {
        var length = (int)Math.Min(ReadDword(entry[AtrLengthOffset..]), (uint)AtrCapacity);
        return entry.Slice(AtrOffset, length).ToArray();
    }

    /// <summary>Writes the ATR fields (used by tests and by <c>SCardLocateCards</c>-style callers).</summary>
    public void WriteAtr(Span<byte> entry, ReadOnlySpan<byte> atr)
    {
        if (atr.Length > AtrCapacity)
        {
            throw new ArgumentException("ATR longer than the platform buffer.", nameof(atr));
        }

        WriteDword(entry[AtrLengthOffset..], (uint)atr.Length);
        atr.CopyTo(entry[AtrOffset..]);
    }

    private void WritePointer(Span<byte> at, nint value)
    {
        if (PointerSize == 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(at, value);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(at, (int)value);
        }
    }

    private void WriteDword(Span<byte> at, uint value)
    {
        if (DwordSize == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(at, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, value);
        }
    }

    private uint ReadDword(ReadOnlySpan<byte> at) =>
        DwordSize == 8 ? (uint)(BinaryPrimitives.ReadUInt64LittleEndian(at) & 0xFFFFFFFF) : BinaryPrimitives.ReadUInt32LittleEndian(at);
}
