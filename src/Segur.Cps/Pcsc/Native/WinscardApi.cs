using System.Runtime.InteropServices;

namespace Segur.Cps.Pcsc.Native;

/// <summary>Windows <c>winscard.dll</c>: LONG/DWORD 4 bytes, handles pointer-sized, UTF-16 (<c>W</c>) exports.</summary>
internal sealed unsafe class WinscardApi : PcscApi
{
    private const string Lib = "winscard.dll";

    public override PcscPlatform Platform => PcscPlatform.Windows;

    public override string LibraryName => Lib;

    public override uint EstablishContext(uint scope, out nint context)
    {
        nint ctx;
        var rc = Native.SCardEstablishContext(scope, 0, 0, &ctx);
        context = ctx;
        return unchecked((uint)rc);
    }

    public override uint ReleaseContext(nint context) => unchecked((uint)Native.SCardReleaseContext(context));

    public override uint IsValidContext(nint context) => unchecked((uint)Native.SCardIsValidContext(context));

    public override uint ListReaders(nint context, out string[] readers)
    {
        readers = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            uint length = 0;
            var rc = unchecked((uint)Native.SCardListReadersW(context, null, null, &length));
            if (rc != 0)
            {
                return rc;
            }

            var buffer = new char[length];
            fixed (char* p = buffer)
            {
                rc = unchecked((uint)Native.SCardListReadersW(context, null, p, &length));
            }

            if (rc == PcscConstants.InsufficientBuffer)
            {
                continue;
            }

            if (rc == 0)
            {
                readers = SplitMultiString(new string(buffer, 0, (int)Math.Min(length, (uint)buffer.Length)));
            }

            return rc;
        }

        return PcscConstants.InsufficientBuffer;
    }

    public override uint Connect(nint context, string reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol)
    {
        nint handle;
        uint protocol;
        int rc;
        fixed (char* p = reader)
        {
            rc = Native.SCardConnectW(context, p, shareMode, preferredProtocols, &handle, &protocol);
        }

        card = handle;
        activeProtocol = protocol;
        return unchecked((uint)rc);
    }

    public override uint Reconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, out uint activeProtocol)
    {
        uint protocol;
        var rc = Native.SCardReconnect(card, shareMode, preferredProtocols, initialization, &protocol);
        activeProtocol = protocol;
        return unchecked((uint)rc);
    }

    public override uint Disconnect(nint card, uint disposition) => unchecked((uint)Native.SCardDisconnect(card, disposition));

    public override uint BeginTransaction(nint card) => unchecked((uint)Native.SCardBeginTransaction(card));

    public override uint EndTransaction(nint card, uint disposition) => unchecked((uint)Native.SCardEndTransaction(card, disposition));

    public override uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> send, Span<byte> receive, out int received)
    {
        var pci = stackalloc uint[2];
        pci[0] = protocol;
        pci[1] = 8;
        var length = (uint)receive.Length;
        int rc;
        fixed (byte* s = send)
        fixed (byte* r = receive)
        {
            rc = Native.SCardTransmit(card, pci, s, (uint)send.Length, null, r, &length);
        }

        received = (int)length;
        return unchecked((uint)rc);
    }

    public override uint Control(nint card, uint controlCode, ReadOnlySpan<byte> input, Span<byte> output, out int returned)
    {
        uint length = 0;
        int rc;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            rc = Native.SCardControl(card, controlCode, i, (uint)input.Length, o, (uint)output.Length, &length);
        }

        returned = (int)length;
        return unchecked((uint)rc);
    }

    public override uint Status(nint card, out string reader, out uint state, out uint protocol, out byte[] atr)
    {
        var names = new char[512];
        var atrBuffer = new byte[36];
        uint namesLength = (uint)names.Length, st, proto, atrLength = (uint)atrBuffer.Length;
        int rc;
        fixed (char* n = names)
        fixed (byte* a = atrBuffer)
        {
            rc = Native.SCardStatusW(card, n, &namesLength, &st, &proto, a, &atrLength);
        }

        var code = unchecked((uint)rc);
        reader = code == 0 ? SplitMultiString(new string(names, 0, (int)Math.Min(namesLength, (uint)names.Length))).FirstOrDefault() ?? string.Empty : string.Empty;
        state = st;
        protocol = proto;
        atr = code == 0 ? atrBuffer.AsSpan(0, (int)Math.Min(atrLength, (uint)atrBuffer.Length)).ToArray() : [];
        return code;
    }

    public override uint GetStatusChange(nint context, uint timeoutMs, nint readerStates, int count) =>
        unchecked((uint)Native.SCardGetStatusChangeW(context, timeoutMs, readerStates, (uint)count));

    public override uint Cancel(nint context) => unchecked((uint)Native.SCardCancel(context));

    // Windows SCardStatus returns an enumeration: SCARD_ABSENT 1, SCARD_PRESENT 2 … SCARD_SPECIFIC 6.
    public override bool StatusMeansPresent(uint state) => state >= 2;

    public override nint AllocReaderName(string name) => Marshal.StringToCoTaskMemUni(name);

    // SCARD_CTL_CODE(code) = CTL_CODE(FILE_DEVICE_SMARTCARD, code, METHOD_BUFFERED, FILE_ANY_ACCESS).
    public override uint ControlCode(uint function) => 0x00310000 | (function << 2);

    private static class Native
    {
        [DllImport(Lib)]
        public static extern int SCardEstablishContext(uint scope, nint reserved1, nint reserved2, nint* context);

        [DllImport(Lib)]
        public static extern int SCardReleaseContext(nint context);

        [DllImport(Lib)]
        public static extern int SCardIsValidContext(nint context);

        [DllImport(Lib)]
        public static extern int SCardListReadersW(nint context, char* groups, char* readers, uint* length);

        [DllImport(Lib)]
        public static extern int SCardConnectW(nint context, char* reader, uint shareMode, uint preferredProtocols, nint* card, uint* activeProtocol);

        [DllImport(Lib)]
        public static extern int SCardReconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, uint* activeProtocol);

        [DllImport(Lib)]
        public static extern int SCardDisconnect(nint card, uint disposition);

        [DllImport(Lib)]
        public static extern int SCardBeginTransaction(nint card);

        [DllImport(Lib)]
        public static extern int SCardEndTransaction(nint card, uint disposition);

        [DllImport(Lib)]
        public static extern int SCardTransmit(nint card, uint* sendPci, byte* send, uint sendLength, uint* receivePci, byte* receive, uint* receiveLength);

        [DllImport(Lib)]
        public static extern int SCardControl(nint card, uint controlCode, byte* input, uint inputLength, byte* output, uint outputLength, uint* returned);

        [DllImport(Lib)]
        public static extern int SCardStatusW(nint card, char* readerNames, uint* readerLength, uint* state, uint* protocol, byte* atr, uint* atrLength);

        [DllImport(Lib)]
        public static extern int SCardGetStatusChangeW(nint context, uint timeout, nint readerStates, uint count);

        [DllImport(Lib)]
        public static extern int SCardCancel(nint context);
    }
}
