namespace Segur.Cps;

/// <summary>Stable error codes of Segur.Cps (<c>SGR-6000</c> to <c>SGR-6999</c>). A code is never reused.</summary>
/// <remarks>Sub-ranges: 6000–6099 PC/SC; 6100–6199 APDU; 6200–6299 CPS card, PIN and signature; 6300–6399 serial
/// ports and scanners; 6400–6499 Vitale and ApCV.</remarks>
public static partial class CpsErrorCodes
{
    /// <summary>The PC/SC library (winscard.dll, libpcsclite.so.1, PCSC.framework) could not be loaded.</summary>
    public const string PcscLibraryNotFound = "SGR-6001";

    /// <summary>The PC/SC service (pcscd, SCardSvr) is not running or stopped.</summary>
    public const string PcscServiceNotRunning = "SGR-6002";

    /// <summary>No card reader is connected.</summary>
    public const string NoReaders = "SGR-6003";

    /// <summary>The named reader does not exist or is no longer available.</summary>
    public const string ReaderNotFound = "SGR-6004";

    /// <summary>No card is in the reader.</summary>
    public const string CardNotPresent = "SGR-6005";

    /// <summary>The card was removed during the operation.</summary>
    public const string CardRemoved = "SGR-6006";

    /// <summary>Another application holds the card exclusively.</summary>
    public const string SharingViolation = "SGR-6007";

    /// <summary>A PC/SC wait timed out.</summary>
    public const string PcscTimeout = "SGR-6008";

    /// <summary>A PC/SC wait was cancelled.</summary>
    public const string PcscCancelled = "SGR-6009";

    /// <summary>The card was reset by another application; reconnect.</summary>
    public const string CardReset = "SGR-6010";

    /// <summary>The card does not answer (mute, unpowered or inserted the wrong way).</summary>
    public const string CardUnresponsive = "SGR-6011";

    /// <summary>The card and the reader have no transmission protocol in common.</summary>
    public const string ProtocolMismatch = "SGR-6012";

    /// <summary>The exchange with the card failed (SCARD_E_NOT_TRANSACTED): the card moved, was removed or reset during the command. Transient.</summary>
    public const string CardCommunicationFailed = "SGR-6013";

    /// <summary>Another PC/SC error; <see cref="SegurException.RawFault"/> holds its hexadecimal code.</summary>
    public const string PcscFailed = "SGR-6099";

    /// <summary>A response APDU is malformed (shorter than its status word, or an endless GET RESPONSE loop).</summary>
    public const string ApduMalformedResponse = "SGR-6101";

    /// <summary>The card answered a command with an unexpected status word (in <see cref="SegurException.RawFault"/>).</summary>
    public const string ApduUnexpectedStatus = "SGR-6102";

    /// <summary>The card is not a recognised CPS card (ATR or issuer number).</summary>
    public const string NotACpsCard = "SGR-6201";

    /// <summary>The PIN is wrong; the exception says how many tries are left.</summary>
    public const string PinIncorrect = "SGR-6202";

    /// <summary>The PIN is blocked (no try left); the card must be unblocked with its unblock code.</summary>
    public const string PinBlocked = "SGR-6203";

    /// <summary>The operation needs the PIN to be verified first.</summary>
    public const string PinRequired = "SGR-6204";

    /// <summary>The PIN has a wrong format (length or non-digit characters); nothing was sent to the card.</summary>
    public const string PinFormat = "SGR-6205";

    /// <summary>A file or data object expected on the card was not found.</summary>
    public const string CardFileNotFound = "SGR-6206";

    /// <summary>A certificate read from the card could not be parsed.</summary>
    public const string CertificateInvalid = "SGR-6207";

    /// <summary>The card is used contactless: no PIN and no signature are possible.</summary>
    public const string ContactlessNotSupported = "SGR-6208";

    /// <summary>The card refused or failed the signature.</summary>
    public const string SignatureFailed = "SGR-6209";

    /// <summary>The card's key cannot be reached by the TLS stack: no PKCS#11 engine or module, key not found, or
    /// (Windows/macOS) the certificate is not in the store with its key.</summary>
    public const string TlsKeyUnavailable = "SGR-6220";

    /// <summary>The key found for TLS does not belong to the card's authentication certificate.</summary>
    public const string TlsKeyMismatch = "SGR-6221";

    /// <summary>The serial port could not be opened (missing device, permission).</summary>
    public const string SerialPortOpenFailed = "SGR-6301";

    /// <summary>The serial port settings (baud rate, parity, stop bits) could not be applied.</summary>
    public const string SerialPortConfigurationFailed = "SGR-6302";

    /// <summary>Reading from the serial port failed (device unplugged).</summary>
    public const string SerialPortReadFailed = "SGR-6303";

    /// <summary>A scanned frame is longer than the configured limit.</summary>
    public const string ScanFrameTooLong = "SGR-6304";

    /// <summary>The Vitale card or ApCV reading component reported an error.</summary>
    public const string VitaleReadFailed = "SGR-6401";

    /// <summary>No Vitale card, or no ApCV session for the scanned code.</summary>
    public const string VitaleNotPresent = "SGR-6402";
}
