using System.Runtime.InteropServices;
using System.Text;

namespace Segur.Cps.Pcsc.Native;

/// <summary>pcsc-lite (<c>libpcsclite.so.1</c>): LONG, DWORD and handles are C <c>long</c>, i.e. <see cref="nint"/>.</summary>
internal sealed unsafe class PcscLiteApi : PcscApi
{
    private const string Lib = "libpcsclite.so.1";

    public override PcscPlatform Platform => PcscPlatform.PcscLite;

    public override string LibraryName => Lib;

    public override uint EstablishContext(uint scope, out nint context)
    {
        nint ctx;
        var rc = Native.SCardEstablishContext((nint)scope, 0, 0, &ctx);
        context = ctx;
        return PcscConstants.Normalize(rc);
    }

    public override uint ReleaseContext(nint context) => PcscConstants.Normalize(Native.SCardReleaseContext(context));

    public override uint IsValidContext(nint context) => PcscConstants.Normalize(Native.SCardIsValidContext(context));

    public override uint ListReaders(nint context, out string[] readers)
    {
        readers = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            nint length = 0;
            var rc = PcscConstants.Normalize(Native.SCardListReaders(context, null, null, &length));
            if (rc != 0)
            {
                return rc;
            }

            var buffer = new byte[(int)length];
            fixed (byte* p = buffer)
            {
                rc = PcscConstants.Normalize(Native.SCardListReaders(context, null, p, &length));
            }

            if (rc == PcscConstants.InsufficientBuffer)
            {
                continue; // a reader arrived between the two calls
            }

            if (rc == 0)
            {
                readers = SplitMultiString(buffer.AsSpan(0, (int)Math.Min(length, buffer.Length)));
            }

            return rc;
        }

        return PcscConstants.InsufficientBuffer;
    }

    public override uint Connect(nint context, string reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol)
    {
        var name = Encoding.UTF8.GetBytes(reader + "\0");
        nint handle, protocol;
        long rc;
        fixed (byte* p = name)
        {
            rc = Native.SCardConnect(context, p, (nint)shareMode, (nint)preferredProtocols, &handle, &protocol);
        }

        card = handle;
        activeProtocol = (uint)protocol;
        return PcscConstants.Normalize(rc);
    }

    public override uint Reconnect(nint card, uint shareMode, uint preferredProtocols, uint initialization, out uint activeProtocol)
    {
        nint protocol;
        var rc = Native.SCardReconnect(card, (nint)shareMode, (nint)preferredProtocols, (nint)initialization, &protocol);
        activeProtocol = (uint)protocol;
        return PcscConstants.Normalize(rc);
    }

    public override uint Disconnect(nint card, uint disposition) => PcscConstants.Normalize(Native.SCardDisconnect(card, (nint)disposition));

    public override uint BeginTransaction(nint card) => PcscConstants.Normalize(Native.SCardBeginTransaction(card));

    public override uint EndTransaction(nint card, uint disposition) => PcscConstants.Normalize(Native.SCardEndTransaction(card, (nint)disposition));

    public override uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> send, Span<byte> receive, out int received)
    {
        // SCARD_IO_REQUEST { unsigned long dwProtocol; unsigned long cbPciLength; } = 2 x nint.
        var pci = stackalloc nint[2];
        pci[0] = (nint)protocol;
        pci[1] = 2 * IntPtr.Size;
        nint length = receive.Length;
        long rc;
        fixed (byte* s = send)
        fixed (byte* r = receive)
        {
            rc = Native.SCardTransmit(card, pci, s, send.Length, null, r, &length);
        }

        received = (int)length;
        return PcscConstants.Normalize(rc);
    }

    public override uint Control(nint card, uint controlCode, ReadOnlySpan<byte> input, Span<byte> output, out int returned)
    {
        nint length = 0;
        long rc;
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            rc = Native.SCardControl(card, (nint)controlCode, i, input.Length, o, output.Length, &length);
        }

        returned = (int)length;
        return PcscConstants.Normalize(rc);
    }

    public override uint Status(nint card, out string reader, out uint state, out uint protocol, out byte[] atr)
    {
        var names = new byte[1024];
        var atrBuffer = new byte[33];
        nint namesLength = names.Length, st, proto, atrLength = atrBuffer.Length;
        long rc;
        fixed (byte* n = names)
        fixed (byte* a = atrBuffer)
        {
            rc = Native.SCardStatus(card, n, &namesLength, &st, &proto, a, &atrLength);
        }

        var code = PcscConstants.Normalize(rc);
        reader = code == 0 ? SplitMultiString(names.AsSpan(0, (int)Math.Min(namesLength, names.Length))).FirstOrDefault() ?? string.Empty : string.Empty;
        state = (uint)st;
        protocol = (uint)proto;
        atr = code == 0 ? atrBuffer.AsSpan(0, (int)Math.Min(atrLength, atrBuffer.Length)).ToArray() : [];
        return code;
    }

    public override uint GetStatusChange(nint context, uint timeoutMs, nint readerStates, int count) =>
        PcscConstants.Normalize(Native.SCardGetStatusChange(context, (nint)timeoutMs, readerStates, count));

    public override uint Cancel(nint context) => PcscConstants.Normalize(Native.SCardCancel(context));

    // pcsc-lite SCARD_PRESENT = 0x0004 (bit mask; SCARD_ABSENT = 0x0002).
    public override bool StatusMeansPresent(uint state) => (state & 0x0004) != 0;

    private static class Native
    {
        [DllImport(Lib)]
        public static extern nint SCardEstablishContext(nint scope, nint reserved1, nint reserved2, nint* context);

        [DllImport(Lib)]
        public static extern nint SCardReleaseContext(nint context);

        [DllImport(Lib)]
        public static extern nint SCardIsValidContext(nint context);

        [DllImport(Lib)]
        public static extern nint SCardListReaders(nint context, byte* groups, byte* readers, nint* length);

        [DllImport(Lib)]
        public static extern nint SCardConnect(nint context, byte* reader, nint shareMode, nint preferredProtocols, nint* card, nint* activeProtocol);

        [DllImport(Lib)]
        public static extern nint SCardReconnect(nint card, nint shareMode, nint preferredProtocols, nint initialization, nint* activeProtocol);

        [DllImport(Lib)]
        public static extern nint SCardDisconnect(nint card, nint disposition);

        [DllImport(Lib)]
        public static extern nint SCardBeginTransaction(nint card);

        [DllImport(Lib)]
        public static extern nint SCardEndTransaction(nint card, nint disposition);

        [DllImport(Lib)]
        public static extern nint SCardTransmit(nint card, nint* sendPci, byte* send, nint sendLength, nint* receivePci, byte* receive, nint* receiveLength);

        [DllImport(Lib)]
        public static extern nint SCardControl(nint card, nint controlCode, byte* input, nint inputLength, byte* output, nint outputLength, nint* returned);

        [DllImport(Lib)]
        public static extern nint SCardStatus(nint card, byte* readerNames, nint* readerLength, nint* state, nint* protocol, byte* atr, nint* atrLength);

        [DllImport(Lib)]
        public static extern nint SCardGetStatusChange(nint context, nint timeout, nint readerStates, nint count);

        [DllImport(Lib)]
        public static extern nint SCardCancel(nint context);
    }
}
