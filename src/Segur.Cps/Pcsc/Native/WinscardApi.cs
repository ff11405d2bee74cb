using System.Runtime.InteropServices;

namespace Segur.Cps.Pcsc.Native;

/// <summary>Windows <c>winscard.dll</c>: LONG/DWORD 4 bytes, handles pointer-sized, UTF-16 (<c>W</c>) exports;
/// <c>SCARD_READERSTATE</c> with <c>rgbAtr[36]</c> (64 bytes on x64).</summary>
internal static unsafe class WinscardApi
{
    public const string Lib = "winscard.dll";

    public static PcscApi Create() => new PcscApiCore<int, uint, nint, char>(PcscPlatform.Windows, Lib, new()
    {
        EstablishContext = &Native.SCardEstablishContext,
        ReleaseContext = &Native.SCardReleaseContext,
        IsValidContext = &Native.SCardIsValidContext,
        ListReaders = &Native.SCardListReadersW,
        Connect = &Native.SCardConnectW,
        Reconnect = &Native.SCardReconnect,
        Disconnect = &Native.SCardDisconnect,
        BeginTransaction = &Native.SCardBeginTransaction,
        EndTransaction = &Native.SCardEndTransaction,
        Transmit = &Native.SCardTransmit,
        Control = &Native.SCardControl,
        Status = &Native.SCardStatusW,
        GetStatusChange = &Native.SCardGetStatusChangeW,
        Cancel = &Native.SCardCancel,
    });

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
