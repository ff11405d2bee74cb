using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Segur.Cps.Pcsc.Native;

/// <summary>
/// The PC/SC entry points of one flavour, as function pointers to its P/Invoke declarations (or to fakes in tests).
/// <typeparamref name="TLong"/> is the C <c>LONG</c> returned, <typeparamref name="TDword"/> the <c>DWORD</c>,
/// <typeparamref name="THandle"/> <c>SCARDCONTEXT</c>/<c>SCARDHANDLE</c>, <typeparamref name="TChar"/> the string unit
/// (<see cref="byte"/> for UTF-8, <see cref="char"/> for UTF-16 <c>W</c> exports).
/// </summary>
internal unsafe struct PcscExports<TLong, TDword, THandle, TChar>
    where TLong : unmanaged, IBinaryInteger<TLong>
    where TDword : unmanaged, IBinaryInteger<TDword>
    where THandle : unmanaged, IBinaryInteger<THandle>
    where TChar : unmanaged
{
    public delegate*<TDword, nint, nint, THandle*, TLong> EstablishContext;
    public delegate*<THandle, TLong> ReleaseContext;
    public delegate*<THandle, TLong> IsValidContext;
    public delegate*<THandle, TChar*, TChar*, TDword*, TLong> ListReaders;
    public delegate*<THandle, TChar*, TDword, TDword, THandle*, TDword*, TLong> Connect;
    public delegate*<THandle, TDword, TDword, TDword, TDword*, TLong> Reconnect;
    public delegate*<THandle, TDword, TLong> Disconnect;
    public delegate*<THandle, TLong> BeginTransaction;
    public delegate*<THandle, TDword, TLong> EndTransaction;
    public delegate*<THandle, TDword*, byte*, TDword, TDword*, byte*, TDword*, TLong> Transmit;
    public delegate*<THandle, TDword, byte*, TDword, byte*, TDword, TDword*, TLong> Control;
    public delegate*<THandle, TChar*, TDword*, TDword*, TDword*, byte*, TDword*, TLong> Status;
    public delegate*<THandle, TDword, nint, TDword, TLong> GetStatusChange;
    public delegate*<THandle, TLong> Cancel;
}

/// <summary>
/// The one implementation of the PC/SC call sequences (two-call reader list with retry, PCI building, status buffers,
/// result normalisation) over the native integer and string types of a flavour. Each OS file only declares its
/// P/Invokes and hands them over as <see cref="PcscExports{TLong, TDword, THandle, TChar}"/>; structure layouts come
/// from <see cref="ReaderStateLayout"/>.
/// </summary>
internal sealed unsafe class PcscApiCore<TLong, TDword, THandle, TChar> : PcscApi
    where TLong : unmanaged, IBinaryInteger<TLong>
    where TDword : unmanaged, IBinaryInteger<TDword>
    where THandle : unmanaged, IBinaryInteger<THandle>
    where TChar : unmanaged
{
    private const int ReaderNamesCapacity = 1024;
    private readonly PcscExports<TLong, TDword, THandle, TChar> _native;

    public PcscApiCore(PcscPlatform platform, string libraryName, PcscExports<TLong, TDword, THandle, TChar> exports)
    {
        if (sizeof(TChar) is not (1 or 2))
        {
            throw new ArgumentException("TChar must be byte (UTF-8) or char (UTF-16).", nameof(exports));
        }

        Platform = platform;
        LibraryName = libraryName;
        _native = exports;
    }

    public override PcscPlatform Platform { get; }

    public override string LibraryName { get; }

    public override uint EstablishContext(uint scope, out nint context)
    {
        THandle handle;
        var rc = _native.EstablishContext(Dword(scope), 0, 0, &handle);
        context = nint.CreateTruncating(handle);
        return Result(rc);
    }

    public override uint ReleaseContext(nint context) => Result(_native.ReleaseContext(Handle(context)));

    public override uint IsValidContext(nint context) => Result(_native.IsValidContext(Handle(context)));

    public override uint ListReaders(nint context, out string[] readers)
    {
        readers = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            TDword length = TDword.Zero;
            var rc = Result(_native.ListReaders(Handle(context), null, null, &length));
            if (rc != PcscConstants.Success)
            {
                return rc;
            }

            var buffer = new TChar[int.CreateSaturating(length)];
            fixed (TChar* p = buffer)
            {
                rc = Result(_native.ListReaders(Handle(context), null, p, &length));
            }

            if (rc == PcscConstants.InsufficientBuffer)
            {
                continue; // a reader arrived between the two calls
            }

            if (rc == PcscConstants.Success)
            {
                readers = SplitMultiString(Decode(buffer, length));
            }

            return rc;
        }

        return PcscConstants.InsufficientBuffer;
    }

    public override uint Connect(nint context, string reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol)
    {
        var name = Encode(reader);
        THandle handle;
        TDword protocol;
        TLong rc;
        fixed (TChar* p = name)
        {
            rc = _native.Connect(Handle(context), p, Dword(shareMode), Dword(preferredProtocols), &handle, &protocol);
        }

        card = nint.CreateTruncating(handle);
        activeProtocol = uint.CreateTruncating(protocol);
        return Result(rc);
    }

    public override uint Reconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, out uint activeProtocol)
    {
        TDword protocol;
        var rc = _native.Reconnect(Handle(card), Dword(shareMode), Dword(preferredProtocols), Dword(initialization), &protocol);
        activeProtocol = uint.CreateTruncating(protocol);
        return Result(rc);
    }

    public override uint Disconnect(nint card, uint disposition) => Result(_native.Disconnect(Handle(card), Dword(disposition)));

    public override uint BeginTransaction(nint card) => Result(_native.BeginTransaction(Handle(card)));

    public override uint EndTransaction(nint card, uint disposition) => Result(_native.EndTransaction(Handle(card), Dword(disposition)));

    public override uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> send, Span<byte> receive, out int received)
    {
        // SCARD_IO_REQUEST { DWORD dwProtocol; DWORD cbPciLength; }: 8 bytes, 16 on 64-bit pcsc-lite. No receive PCI.
        var pci = stackalloc TDword[2];
        pci[0] = Dword(protocol);
        pci[1] = Dword((uint)(2 * sizeof(TDword)));
        var length = Dword((uint)receive.Length);
        TLong rc;
        fixed (byte* s = send)
        fixed (byte* r = receive)
        {
            rc = _native.Transmit(Handle(card), pci, s, Dword((uint)send.Length), null, r, &length);
        }

        received = int.CreateSaturating(length);
        return Result(rc);
    }

    public override uint Control(nint card, uint controlCode, ReadOnlySpan<byte> input, Span<byte> output, out int returned)
    {
        TDword length = TDword.Zero;
        TLong rc;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            rc = _native.Control(Handle(card), Dword(controlCode), i, Dword((uint)input.Length), o, Dword((uint)output.Length), &length);
        }

        returned = int.CreateSaturating(length);
        return Result(rc);
    }

    public override uint Status(nint card, out string reader, out uint state, out uint protocol, out byte[] atr)
    {
        var names = new TChar[ReaderNamesCapacity];
        var atrBuffer = new byte[ReaderStateLayout.AtrCapacity];
        TDword namesLength = Dword((uint)names.Length), st = TDword.Zero, proto = TDword.Zero, atrLength = Dword((uint)atrBuffer.Length);
        TLong rc;
        fixed (TChar* n = names)
        fixed (byte* a = atrBuffer)
        {
            rc = _native.Status(Handle(card), n, &namesLength, &st, &proto, a, &atrLength);
        }

        var code = Result(rc);
        var ok = code == PcscConstants.Success;
        reader = ok ? SplitMultiString(Decode(names, namesLength)).FirstOrDefault() ?? string.Empty : string.Empty;
        state = uint.CreateTruncating(st);
        protocol = uint.CreateTruncating(proto);
        atr = ok ? atrBuffer.AsSpan(0, Math.Min(int.CreateSaturating(atrLength), atrBuffer.Length)).ToArray() : [];
        return code;
    }

    public override uint GetStatusChange(nint context, uint timeoutMs, nint readerStates, int count) =>
        Result(_native.GetStatusChange(Handle(context), Dword(timeoutMs), readerStates, Dword((uint)count)));

    public override uint Cancel(nint context) => Result(_native.Cancel(Handle(context)));

    // SCardStatus: Windows returns an enumeration (SCARD_ABSENT 1, SCARD_PRESENT 2 … SCARD_SPECIFIC 6);
    // pcsc-lite and macOS a bit mask (SCARD_ABSENT 0x2, SCARD_PRESENT 0x4).
    public override bool StatusMeansPresent(uint state) => Platform == PcscPlatform.Windows ? state >= 2 : (state & 0x0004) != 0;

    public override nint AllocReaderName(string name) =>
        sizeof(TChar) == 2 ? Marshal.StringToCoTaskMemUni(name) : Marshal.StringToCoTaskMemUTF8(name);

    // Windows: SCARD_CTL_CODE(code) = CTL_CODE(FILE_DEVICE_SMARTCARD, code, METHOD_BUFFERED, FILE_ANY_ACCESS);
    // pcsc-lite and macOS: 0x42000000 + code.
    public override uint ControlCode(uint function) => Platform == PcscPlatform.Windows ? 0x00310000 | (function << 2) : base.ControlCode(function);

    /// <summary>A NUL-terminated string in the flavour's encoding.</summary>
    internal static TChar[] Encode(string value)
    {
        if (sizeof(TChar) == 2)
        {
            return MemoryMarshal.Cast<char, TChar>((value + "\0").AsSpan()).ToArray();
        }

        return MemoryMarshal.Cast<byte, TChar>(Encoding.UTF8.GetBytes(value + "\0")).ToArray();
    }

    /// <summary>Decodes the first <paramref name="length"/> units of a buffer (clamped to it).</summary>
    internal static string Decode(TChar[] buffer, TDword length)
    {
        var span = buffer.AsSpan(0, Math.Min(int.CreateSaturating(length), buffer.Length));
        return sizeof(TChar) == 2
            ? new string(MemoryMarshal.Cast<TChar, char>(span))
            : Encoding.UTF8.GetString(MemoryMarshal.Cast<TChar, byte>(span));
    }

    private static TDword Dword(uint value) => TDword.CreateTruncating(value);

    private static THandle Handle(nint value) => THandle.CreateTruncating(value);

    /// <summary>The LONG result's low 32 bits: 64-bit pcsc-lite returns <c>0x8010000A</c> as a positive long, Windows
    /// and macOS as a negative int.</summary>
    private static uint Result(TLong value) => uint.CreateTruncating(value);
}
