using System.Globalization;
using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Pcsc;

/// <summary>Turns PC/SC result codes into the SDK's exceptions, by what the caller does next.</summary>
internal static class PcscErrors
{
    /// <summary>Throws when <paramref name="code"/> is not success.</summary>
    public static void Check(uint code, string operation, string? reader = null)
    {
        if (code != PcscConstants.Success)
        {
            throw ToException(code, operation, reader);
        }
    }

    /// <summary>The symbolic name of a PC/SC code, for messages.</summary>
    public static string Name(uint code) => code switch
    {
        PcscConstants.Cancelled => "SCARD_E_CANCELLED",
        PcscConstants.InvalidHandle => "SCARD_E_INVALID_HANDLE",
        PcscConstants.InsufficientBuffer => "SCARD_E_INSUFFICIENT_BUFFER",
        PcscConstants.UnknownReader => "SCARD_E_UNKNOWN_READER",
        PcscConstants.Timeout => "SCARD_E_TIMEOUT",
        PcscConstants.SharingViolation => "SCARD_E_SHARING_VIOLATION",
        PcscConstants.NoSmartcard => "SCARD_E_NO_SMARTCARD",
        PcscConstants.ProtoMismatch => "SCARD_E_PROTO_MISMATCH",
        PcscConstants.NotTransacted => "SCARD_E_NOT_TRANSACTED",
        PcscConstants.ReaderUnavailable => "SCARD_E_READER_UNAVAILABLE",
        PcscConstants.NoService => "SCARD_E_NO_SERVICE",
        PcscConstants.ServiceStopped => "SCARD_E_SERVICE_STOPPED",
        PcscConstants.NoReadersAvailable => "SCARD_E_NO_READERS_AVAILABLE",
        PcscConstants.UnresponsiveCard => "SCARD_W_UNRESPONSIVE_CARD",
        PcscConstants.UnpoweredCard => "SCARD_W_UNPOWERED_CARD",
        PcscConstants.ResetCard => "SCARD_W_RESET_CARD",
        PcscConstants.RemovedCard => "SCARD_W_REMOVED_CARD",
        _ => "0x" + code.ToString("X8", CultureInfo.InvariantCulture),
    };

    /// <summary>Whether the code says the service went away (the context must be re-established).</summary>
    public static bool IsServiceLost(uint code) =>
        code is PcscConstants.NoService or PcscConstants.ServiceStopped or PcscConstants.InvalidHandle;

    /// <summary>Maps a failure code to an exception.</summary>
    public static SegurException ToException(uint code, string operation, string? reader = null)
    {
        var raw = $"{Name(code)} (0x{code.ToString("X8", CultureInfo.InvariantCulture)}) in {operation}";
        var at = reader is null ? string.Empty : $" (reader '{reader}')";
        return code switch
        {
            PcscConstants.NoService or PcscConstants.ServiceStopped => new SegurCardException(
                CpsErrorCodes.PcscServiceNotRunning,
                "The PC/SC service is not running (Linux/macOS: start pcscd; Windows: start the 'Smart Card' service, which stops when no reader is connected).",
                isTransient: true,
                rawFault: raw),
            PcscConstants.NoReadersAvailable => new SegurCardException(CpsErrorCodes.NoReaders, "No card reader is connected.", isTransient: true, rawFault: raw),
            PcscConstants.UnknownReader or PcscConstants.ReaderUnavailable => new SegurCardException(
                CpsErrorCodes.ReaderNotFound, $"The card reader is not available{at}; check that it is connected.", isTransient: true, rawFault: raw),
            PcscConstants.NoSmartcard => new CardNotPresentException(CpsErrorCodes.CardNotPresent, $"No card in the reader{at}; insert the card.", rawFault: raw),
            PcscConstants.RemovedCard => new CardRemovedException(CpsErrorCodes.CardRemoved, $"The card was removed{at}; insert it again and retry.", rawFault: raw),
            PcscConstants.SharingViolation => new SegurCardException(
                CpsErrorCodes.SharingViolation, $"Another application is using the card exclusively{at}; close it and retry.", isTransient: true, rawFault: raw),
            PcscConstants.Timeout => new SegurCardException(CpsErrorCodes.PcscTimeout, $"The PC/SC operation timed out{at}.", isTransient: true, rawFault: raw),
            PcscConstants.Cancelled => new SegurCardException(CpsErrorCodes.PcscCancelled, $"The PC/SC operation was cancelled{at}.", rawFault: raw),
            PcscConstants.ResetCard => new SegurCardException(CpsErrorCodes.CardReset, $"The card was reset by another application{at}; reconnect and verify the PIN again.", isTransient: true, rawFault: raw),
            PcscConstants.UnresponsiveCard or PcscConstants.UnpoweredCard => new SegurCardException(
                CpsErrorCodes.CardUnresponsive, $"The card does not answer{at}; check it is inserted the right way.", rawFault: raw),
            PcscConstants.NotTransacted => new SegurCardException(
                CpsErrorCodes.CardCommunicationFailed, $"The exchange with the card failed{at} (card moved, removed or reset during the command); retry.", isTransient: true, rawFault: raw),
            PcscConstants.ProtoMismatch => new SegurCardException(CpsErrorCodes.ProtocolMismatch, $"The card and the reader share no protocol{at}.", rawFault: raw),
            _ => new SegurCardException(CpsErrorCodes.PcscFailed, $"PC/SC error {Name(code)} in {operation}{at}.", rawFault: raw),
        };
    }
}
