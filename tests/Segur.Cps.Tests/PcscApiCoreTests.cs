using System.Runtime.InteropServices;
using System.Text;
using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Tests;

/// <summary>
/// The shared PC/SC core over the Windows, macOS and pcsc-lite native types, run on any OS: fake exports (managed
/// functions with the exact native signatures) record what the core passes and answer like the native library.
/// </summary>
public sealed unsafe class PcscApiCoreTests
{
    // State of the fakes (the tests of this class run one at a time).
    private static byte[] _transmitPci = [];
    private static int _listCalls;
    private static string _connectedName = string.Empty;
    private static uint _atrCapacityOffered;

    [Fact]
    public void ListReaders_WindowsUtf16_RetriesOnInsufficientBufferAndDecodes()
    {
        _listCalls = 0;
        var api = new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, "fake", new() { ListReaders = &WinListReaders });

        var rc = api.ListReaders(1, out var readers);

        Assert.Equal(PcscConstants.Success, rc);
        Assert.Equal(["Lecteur carte é 0", "Reader 1"], readers);
        Assert.Equal(4, _listCalls); // size, INSUFFICIENT_BUFFER (a reader arrived), size, read
    }

    [Fact]
    public void Transmit_Windows_PassesEightBytePciAndNormalizesNegativeLong()
    {
        var api = new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, "fake", new() { Transmit = &WinTransmit });
        var receive = new byte[258];

        var rc = api.Transmit(7, 1, [0x00, 0xB0, 0x00, 0x00, 0x0C], receive, out var received);

        Assert.Equal(PcscConstants.RemovedCard, rc); // -2146434967 as a Windows LONG
        Assert.Equal(2, received);
        Assert.Equal([1, 0, 0, 0, 8, 0, 0, 0], _transmitPci); // { DWORD dwProtocol = T0; DWORD cbPciLength = 8 }
    }

    [Fact]
    public void Transmit_PcscLite64_PassesSixteenBytePciAndNormalizesPositiveLong()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        var api = new PcscApiCore<nint, nint, nint, byte>(PcscPlatform.PcscLite, "fake", new() { Transmit = &LiteTransmit });

        var rc = api.Transmit(7, 2, [0x00, 0xA4], new byte[16], out _);

        Assert.Equal(PcscConstants.Timeout, rc); // 0x8010000A as a positive 64-bit long
        Assert.Equal([2, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0], _transmitPci);
    }

    [Fact]
    public void Connect_EncodesTheReaderNamePerFlavour()
    {
        var windows = new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, "fake", new() { Connect = &WinConnect });
        Assert.Equal(PcscConstants.Success, windows.Connect(1, "Lecteur é", 2, 3, out var card, out var protocol));
        Assert.Equal("Lecteur é", _connectedName);
        Assert.Equal((nint)0x1234_5678, card);
        Assert.Equal(1u, protocol);

        var mac = new PcscApiCore<int, uint, int, byte>(PcscPlatform.MacOS, "fake", new() { Connect = &MacConnect });
        Assert.Equal(PcscConstants.Success, mac.Connect(1, "Lecteur é", 2, 3, out card, out protocol));
        Assert.Equal("Lecteur é", _connectedName);
        Assert.Equal((nint)(-5), card); // 32-bit SCARDHANDLE, sign-extended and truncated back the same way
        Assert.Equal(2u, protocol);
    }

    [Fact]
    public void Status_MacOs_OffersThe33ByteAtrBufferAndReadsUtf8()
    {
        var api = new PcscApiCore<int, uint, int, byte>(PcscPlatform.MacOS, "fake", new() { Status = &MacStatus });

        var rc = api.Status(1, out var reader, out var state, out var protocol, out var atr);

        Assert.Equal(PcscConstants.Success, rc);
        Assert.Equal(33u, _atrCapacityOffered);
        Assert.Equal("Lecteur é", reader);
        Assert.True(api.StatusMeansPresent(state));
        Assert.Equal(1u, protocol);
        Assert.Equal(Convert.FromHexString("3BAC00402A001225006480000310009000"), atr);
    }

    [Fact]
    public void Status_Windows_OffersThe36ByteAtrBuffer()
    {
        var api = new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, "fake", new() { Status = &WinStatus });

        Assert.Equal(PcscConstants.Success, api.Status(1, out var reader, out var state, out _, out _));

        Assert.Equal(36u, _atrCapacityOffered);
        Assert.Equal("Reader 1", reader);
        Assert.True(api.StatusMeansPresent(state)); // SCARD_PRESENT = 2 in the Windows enumeration
        Assert.False(api.StatusMeansPresent(1)); // SCARD_ABSENT
    }

    [Theory]
    [InlineData((int)PcscPlatform.Windows, 3400u, 0x00313520u)] // SCARD_CTL_CODE(3400)
    [InlineData((int)PcscPlatform.PcscLite, 3400u, 0x42000D48u)]
    [InlineData((int)PcscPlatform.MacOS, 3400u, 0x42000D48u)]
    public void ControlCode_PerPlatform(int platform, uint function, uint expected)
    {
        var api = new PcscApiCore<int, uint, nint, byte>((PcscPlatform)platform, "fake", default);
        Assert.Equal(expected, api.ControlCode(function));
    }

    [Theory]
    [InlineData((int)PcscPlatform.PcscLite, 0x4u, true)] // SCARD_PRESENT bit
    [InlineData((int)PcscPlatform.PcscLite, 0x2u, false)] // SCARD_ABSENT
    [InlineData((int)PcscPlatform.PcscLite, 0x34u, true)] // PRESENT | POWERED | NEGOTIABLE
    [InlineData((int)PcscPlatform.Windows, 6u, true)] // SCARD_SPECIFIC
    [InlineData((int)PcscPlatform.Windows, 1u, false)]
    public void StatusMeansPresent_BitMaskOrEnumeration(int platform, uint state, bool present) =>
        Assert.Equal(present, new PcscApiCore<nint, nint, nint, byte>((PcscPlatform)platform, "fake", default).StatusMeansPresent(state));

    [Fact]
    public void AllocReaderName_Utf16ForWindowsUtf8Elsewhere()
    {
        var utf16 = new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, "fake", default).AllocReaderName("é");
        var utf8 = new PcscApiCore<nint, nint, nint, byte>(PcscPlatform.PcscLite, "fake", default).AllocReaderName("é");
        try
        {
            Assert.Equal("é", Marshal.PtrToStringUni(utf16));
            Assert.Equal("é", Marshal.PtrToStringUTF8(utf8));
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf16);
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    private static int WinListReaders(nint context, char* groups, char* readers, uint* length)
    {
        var names = "Lecteur carte é 0\0Reader 1\0\0";
        _listCalls++;
        if (readers is null)
        {
            *length = (uint)(_listCalls == 1 ? 5 : names.Length);
            return 0;
        }

        if (*length < names.Length)
        {
            return unchecked((int)PcscConstants.InsufficientBuffer);
        }

        names.AsSpan().CopyTo(new Span<char>(readers, (int)*length));
        *length = (uint)names.Length;
        return 0;
    }

    private static int WinTransmit(nint card, uint* sendPci, byte* send, uint sendLength, uint* receivePci, byte* receive, uint* receiveLength)
    {
        Assert.Equal((nint)7, card);
        Assert.True(receivePci is null);
        Assert.Equal(258u, *receiveLength);
        Assert.Equal(5u, sendLength);
        _transmitPci = new ReadOnlySpan<byte>(sendPci, 8).ToArray();
        receive[0] = 0x6A;
        receive[1] = 0x82;
        *receiveLength = 2;
        return -2146434967;
    }

    private static nint LiteTransmit(nint card, nint* sendPci, byte* send, nint sendLength, nint* receivePci, byte* receive, nint* receiveLength)
    {
        _transmitPci = new ReadOnlySpan<byte>(sendPci, 16).ToArray();
        *receiveLength = 0;
        return unchecked((nint)0x8010000AL);
    }

    private static int WinConnect(nint context, char* reader, uint share, uint protocols, nint* card, uint* active)
    {
        _connectedName = new string(reader);
        Assert.Equal(2u, share);
        Assert.Equal(3u, protocols);
        *card = 0x1234_5678;
        *active = 1;
        return 0;
    }

    private static int MacConnect(int context, byte* reader, uint share, uint protocols, int* card, uint* active)
    {
        _connectedName = Marshal.PtrToStringUTF8((nint)reader)!;
        *card = -5;
        *active = 2;
        return 0;
    }

    private static int MacStatus(int card, byte* names, uint* namesLength, uint* state, uint* protocol, byte* atr, uint* atrLength)
    {
        var name = Encoding.UTF8.GetBytes("Lecteur é\0\0");
        name.CopyTo(new Span<byte>(names, (int)*namesLength));
        *namesLength = (uint)name.Length;
        _atrCapacityOffered = *atrLength;
        var value = Convert.FromHexString("3BAC00402A001225006480000310009000");
        value.CopyTo(new Span<byte>(atr, (int)*atrLength));
        *atrLength = (uint)value.Length;
        *state = 0x34; // PRESENT | POWERED | NEGOTIABLE
        *protocol = 1;
        return 0;
    }

    private static int WinStatus(nint card, char* names, uint* namesLength, uint* state, uint* protocol, byte* atr, uint* atrLength)
    {
        "Reader 1\0\0".AsSpan().CopyTo(new Span<char>(names, (int)*namesLength));
        *namesLength = 10;
        _atrCapacityOffered = *atrLength;
        *atrLength = 0;
        *state = 2;
        *protocol = 2;
        return 0;
    }
}

/// <summary>
/// <see cref="ReaderStateLayout"/> against C-shaped mirrors of <c>SCARD_READERSTATE</c> and <c>SCARD_IO_REQUEST</c>
/// laid out by the runtime (sequential, natural alignment; <c>Pack = 1</c> for macOS): an independent check of the
/// hand-computed sizes and offsets for Windows and macOS, on any OS.
/// </summary>
public sealed unsafe class NativeLayoutMirrorTests
{
    [Fact]
    public void WindowsX64_MatchesSequentialStruct()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        AssertLayout(ReaderStateLayout.For(PcscPlatform.Windows, 8), sizeof(WinReaderState), nameof(WinReaderState.cbAtr), typeof(WinReaderState));
        Assert.Equal(64, sizeof(WinReaderState));
        Assert.Equal(4, sizeof(uint)); // DWORD
    }

    [Fact]
    public void WindowsX86_MatchesSequentialStructWithFourBytePointers()
    {
        AssertLayout(ReaderStateLayout.For(PcscPlatform.Windows, 4), sizeof(WinReaderState32), nameof(WinReaderState32.cbAtr), typeof(WinReaderState32));
        Assert.Equal(56, sizeof(WinReaderState32));
    }

    [Fact]
    public void MacOs_MatchesPackedStruct()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        AssertLayout(ReaderStateLayout.For(PcscPlatform.MacOS, 8), sizeof(MacReaderState), nameof(MacReaderState.cbAtr), typeof(MacReaderState));
        Assert.Equal(61, sizeof(MacReaderState));
    }

    [Fact]
    public void PcscLite64_MatchesSequentialStructWithLongDwords()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        AssertLayout(ReaderStateLayout.For(PcscPlatform.PcscLite, 8), sizeof(LiteReaderState), nameof(LiteReaderState.cbAtr), typeof(LiteReaderState));
        Assert.Equal(80, sizeof(LiteReaderState));
    }

    [Fact]
    public void IoRequest_EightBytesOnWindowsAndMac_SixteenOnPcscLite64()
    {
        Assert.Equal(8, sizeof(IoRequest<uint>));
        Assert.Equal(2 * IntPtr.Size, sizeof(IoRequest<nint>));
    }

    [Fact]
    public void Write_WindowsX64_IsReadBackByTheMirror()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        var layout = ReaderStateLayout.For(PcscPlatform.Windows, 8);
        var buffer = new byte[layout.Size];
        layout.Write(buffer, unchecked((nint)0x1122334455667788), 0x00030020);
        layout.WriteAtr(buffer, Convert.FromHexString("3BAC00402A001225006480000310009000"));

        var mirror = MemoryMarshal.Read<WinReaderState>(buffer);

        Assert.Equal(unchecked((nint)0x1122334455667788), mirror.szReader);
        Assert.Equal(0x00030020u, mirror.dwCurrentState);
        Assert.Equal(17u, mirror.cbAtr);
        Assert.Equal(0x3B, mirror.rgbAtr[0]);
        Assert.Equal(0x00, mirror.rgbAtr[16]);
        Assert.Equal(0x90, mirror.rgbAtr[15]);
    }

    [Fact]
    public void ReadEventState_MacPacked_ReadsWhatTheMirrorWrote()
    {
        if (IntPtr.Size != 8)
        {
            return;
        }

        var mirror = new MacReaderState { dwEventState = 0x22, cbAtr = 2 };
        mirror.rgbAtr[0] = 0x3B;
        mirror.rgbAtr[1] = 0x8F;
        var buffer = new byte[sizeof(MacReaderState)];
        MemoryMarshal.Write(buffer, in mirror);
        var layout = ReaderStateLayout.For(PcscPlatform.MacOS, 8);

        Assert.Equal(0x22u, layout.ReadEventState(buffer));
        Assert.Equal([0x3B, 0x8F], layout.ReadAtr(buffer));
    }

    private static void AssertLayout(ReaderStateLayout layout, int size, string cbAtrField, Type mirror)
    {
        Assert.Equal(size, layout.Size);
        Assert.Equal((int)Marshal.OffsetOf(mirror, "szReader"), layout.ReaderOffset);
        Assert.Equal((int)Marshal.OffsetOf(mirror, "pvUserData"), layout.UserDataOffset);
        Assert.Equal((int)Marshal.OffsetOf(mirror, "dwCurrentState"), layout.CurrentStateOffset);
        Assert.Equal((int)Marshal.OffsetOf(mirror, "dwEventState"), layout.EventStateOffset);
        Assert.Equal((int)Marshal.OffsetOf(mirror, cbAtrField), layout.AtrLengthOffset);
        Assert.Equal((int)Marshal.OffsetOf(mirror, "rgbAtr"), layout.AtrOffset);
        Assert.Equal(Marshal.SizeOf(mirror), size);
    }

#pragma warning disable SA1307, CA1051, IDE1006 // C field names, to mirror the headers
    [StructLayout(LayoutKind.Sequential)]
    private struct WinReaderState
    {
        public nint szReader;
        public nint pvUserData;
        public uint dwCurrentState;
        public uint dwEventState;
        public uint cbAtr;
        public fixed byte rgbAtr[36];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinReaderState32
    {
        public int szReader;
        public int pvUserData;
        public uint dwCurrentState;
        public uint dwEventState;
        public uint cbAtr;
        public fixed byte rgbAtr[36];
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct MacReaderState
    {
        public nint szReader;
        public nint pvUserData;
        public uint dwCurrentState;
        public uint dwEventState;
        public uint cbAtr;
        public fixed byte rgbAtr[33];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct LiteReaderState
    {
        public nint szReader;
        public nint pvUserData;
        public nuint dwCurrentState;
        public nuint dwEventState;
        public nuint cbAtr;
        public fixed byte rgbAtr[33];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoRequest<T>
        where T : unmanaged
    {
        public T dwProtocol;
        public T cbPciLength;
    }
#pragma warning restore SA1307, CA1051, IDE1006
}
