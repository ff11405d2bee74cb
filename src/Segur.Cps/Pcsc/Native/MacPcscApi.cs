using System.Runtime.InteropServices;

namespace Segur.Cps.Pcsc.Native;

/// <summary>macOS <c>PCSC.framework</c>: LONG/DWORD and handles are 32-bit, UTF-8 strings, structures packed to 1
/// (<c>SCARD_READERSTATE</c> 61 bytes, ATR at 28), and <c>SCardControl132</c> instead of <c>SCardControl</c>.</summary>
internal static unsafe class MacPcscApi
{
    public const string Lib = "/System/Library/Frameworks/PCSC.framework/PCSC";

    public static PcscApi Create() => new PcscApiCore<int, uint, int, byte>(PcscPlatform.MacOS, Lib, new()
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
        Control = &Native.SCardControl132,
        Status = &Native.SCardStatus,
        GetStatusChange = &Native.SCardGetStatusChange,
        Cancel = &Native.SCardCancel,
    });

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
