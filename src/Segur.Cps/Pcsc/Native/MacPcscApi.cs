using System.Runtime.InteropServices;
using System.Text;

namespace Segur.Cps.Pcsc.Native;

/// <summary>macOS <c>PCSC.framework</c>: LONG/DWORD and handles are 32-bit, structures packed to 1, UTF-8 strings,
/// and <c>SCardControl132</c> instead of <c>SCardControl</c>.</summary>
internal sealed unsafe class MacPcscApi : PcscApi
{
    private const string Lib = "/System/Library/Frameworks/PCSC.framework/PCSC";

    public override PcscPlatform Platform => PcscPlatform.MacOS;

    public override string LibraryName => Lib;

    public override uint EstablishContext(uint scope, out nint context)
    {
        int ctx;
        var rc = Native.SCardEstablishContext(scope, 0, 0, &ctx);
        context = ctx;
        return unchecked((uint)rc);
    }

    public override uint ReleaseContext(nint context) => unchecked((uint)Native.SCardReleaseContext((int)context));

    public override uint IsValidContext(nint context) => unchecked((uint)Native.SCardIsValidContext((int)context));

    public override uint ListReaders(nint context, out string[] readers)
    {
        readers = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            uint length = 0;
            var rc = unchecked((uint)Native.SCardListReaders((int)context, null, null, &length));
            if (rc != 0)
            {
                return rc;
            }

            var buffer = new byte[length];
            fixed (byte* p = buffer)
            {
                rc = unchecked((uint)Native.SCardListReaders((int)context, null, p, &length));
            }

            if (rc == PcscConstants.InsufficientBuffer)
            {
                continue;
            }

            if (rc == 0)
            {
                readers = SplitMultiString(buffer.AsSpan(0, (int)Math.Min(length, (uint)buffer.Length)));
            }

            return rc;
        }

        return PcscConstants.InsufficientBuffer;
    }

    public override uint Connect(nint context, string reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol)
    {
        var name = Encoding.UTF8.GetBytes(reader + "\0");
        int handle;
        uint protocol;
        int rc;
        fixed (byte* p = name)
        {
            rc = Native.SCardConnect((int)context, p, shareMode, preferredProtocols, &handle, &protocol);
        }

        card = handle;
        activeProtocol = protocol;
        return unchecked((uint)rc);
    }

    public override uint Reconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, out uint activeProtocol)
    {
        uint protocol;
        var rc = Native.SCardReconnect((int)card, shareMode, preferredProtocols, initialization, &protocol);
        activeProtocol = protocol;
        return unchecked((uint)rc);
    }

    public override uint Disconnect(nint card, uint disposition) => unchecked((uint)Native.SCardDisconnect((int)card, disposition));

    public override uint BeginTransaction(nint card) => unchecked((uint)Native.SCardBeginTransaction((int)card));

    public override uint EndTransaction(nint card, uint disposition) => unchecked((uint)Native.SCardEndTransaction((int)card, disposition));

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
            rc = Native.SCardTransmit((int)card, pci, s, (uint)send.Length, null, r, &length);
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
            rc = Native.SCardControl132((int)card, controlCode, i, (uint)input.Length, o, (uint)output.Length, &length);
        }

        returned = (int)length;
        return unchecked((uint)rc);
    }

    public override uint Status(nint card, out string reader, out uint state, out uint protocol, out byte[] atr)
    {
        var names = new byte[1024];
        var atrBuffer = new byte[33];
        uint namesLength = (uint)names.Length, st, proto, atrLength = (uint)atrBuffer.Length;
        int rc;
        fixed (byte* n = names)
        fixed (byte* a = atrBuffer)
        {
            rc = Native.SCardStatus((int)card, n, &namesLength, &st, &proto, a, &atrLength);
        }

        var code = unchecked((uint)rc);
        reader = code == 0 ? SplitMultiString(names.AsSpan(0, (int)Math.Min(namesLength, (uint)names.Length))).FirstOrDefault() ?? string.Empty : string.Empty;
        state = st;
        protocol = proto;
        atr = code == 0 ? atrBuffer.AsSpan(0, (int)Math.Min(atrLength, (uint)atrBuffer.Length)).ToArray() : [];
        return code;
    }

    public override uint GetStatusChange(nint context, uint timeoutMs, nint readerStates, int count) =>
        unchecked((uint)Native.SCardGetStatusChange((int)context, timeoutMs, readerStates, (uint)count));

    public override uint Cancel(nint context) => unchecked((uint)Native.SCardCancel((int)context));

    public override bool StatusMeansPresent(uint state) => (state & 0x0004) != 0;

    private static class Native
    {
        [DllImport(Lib)]
        public static extern int SCardEstablishContext(uint scope, nint reserved1, nint reserved2, int* context);

        [DllImport(Lib)]
        public static extern int SCardReleaseContext(int context);

        [DllImport(Lib)]
        public static extern int SCardIsValidContext(int context);

        [DllImport(Lib)]
        public static extern int SCardListReaders(int context, byte* groups, byte* readers, uint* length);

        [DllImport(Lib)]
        public static extern int SCardConnect(int context, byte* reader, uint shareMode, uint preferredProtocols, int* card, uint* activeProtocol);

        [DllImport(Lib)]
        public static extern int SCardReconnect(int card, uint shareMode, uint preferredProtocols, uint initialization, uint* activeProtocol);

        [DllImport(Lib)]
        public static extern int SCardDisconnect(int card, uint disposition);

        [DllImport(Lib)]
        public static extern int SCardBeginTransaction(int card);

        [DllImport(Lib)]
        public static extern int SCardEndTransaction(int card, uint disposition);

        [DllImport(Lib)]
        public static extern int SCardTransmit(int card, uint* sendPci, byte* send, uint sendLength, uint* receivePci, byte* receive, uint* receiveLength);

        [DllImport(Lib)]
        public static extern int SCardControl132(int card, uint controlCode, byte* input, uint inputLength, byte* output, uint outputLength, uint* returned);

        [DllImport(Lib)]
        public static extern int SCardStatus(int card, byte* readerNames, uint* readerLength, uint* state, uint* protocol, byte* atr, uint* atrLength);

        [DllImport(Lib)]
        public static extern int SCardGetStatusChange(int context, uint timeout, nint readerStates, uint count);

        [DllImport(Lib)]
        public static extern int SCardCancel(int context);
    }
}
