using System.Runtime.InteropServices;

namespace Segur.Cps.Pcsc.Native;

/// <summary>pcsc-lite (<c>libpcsclite.so.1</c>): LONG, DWORD and handles are C <c>long</c>, i.e. <see cref="nint"/>;
/// UTF-8 strings without suffix; <c>SCARD_READERSTATE</c> with <c>rgbAtr[33]</c> (80 bytes on 64-bit).</summary>
internal static unsafe class PcscLiteApi
{
    public const string Lib = "libpcsclite.so.1";

    public static PcscApi Create() => new PcscApiCore<nint, nint, nint, byte>(PcscPlatform.PcscLite, Lib, new()
    {
        EstablishContext = &Native.SCardEstablishContext,
        ReleaseContext = &Native.SCardReleaseContext,
        IsValidContext = &Native.SCardIsValidContext,
        ListReaders = &Native.SCardListReaders,
        Connect = &Native.SCardConnect,
        Reconnect = &Native.SCardReconnect,
        Disconnect = &Native.SCardDisconnect,
        BeginTransaction = &Native.SCardBeginTransaction,
        EndTransaction = &Native.SCardEndTransaction,
        Transmit = &Native.SCardTransmit,
        Control = &Native.SCardControl,
        Status = &Native.SCardStatus,
        GetStatusChange = &Native.SCardGetStatusChange,
        Cancel = &Native.SCardCancel,
    });

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
