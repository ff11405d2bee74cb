namespace Segur;

/// <summary>
/// Stable error codes of Segur.Core (<c>SGR-1000</c> to <c>SGR-1999</c>). A code is never reused.
/// </summary>
/// <remarks>
/// Sub-ranges: 1000–1099 identifiers and general input; 1100–1199 XML; 1200–1299 SOAP and MTOM;
/// 1300–1399 credentials, signatures, SAML and trust; 1400–1499 outbox; 1500–1599 transport and resilience;
/// 1600–1699 audit and configuration. Other packages: Ins 2xxx, Psc 3xxx, Dmp 4xxx, Mss 5xxx, Cps 6xxx.
/// </remarks>
public static partial class CoreErrorCodes
{
    /// <summary>An identifier is empty.</summary>
    public const string IdentifierEmpty = "SGR-1001";

    /// <summary>An identifier has the wrong length.</summary>
    public const string IdentifierLength = "SGR-1002";

    /// <summary>An identifier holds characters it may not hold.</summary>
    public const string IdentifierCharacters = "SGR-1003";

    /// <summary>An identifier's check digit (Luhn) is wrong.</summary>
    public const string IdentifierCheckDigit = "SGR-1004";

    /// <summary>An identifier's type prefix is unknown.</summary>
    public const string IdentifierType = "SGR-1005";

    /// <summary>An identifier's OID (assigning authority) is not the expected one.</summary>
    public const string IdentifierOid = "SGR-1006";

    /// <summary>XML is malformed.</summary>
    public const string XmlMalformed = "SGR-1101";

    /// <summary>XML holds a DTD or an entity declaration, which the SDK refuses.</summary>
    public const string XmlDtdProhibited = "SGR-1102";

    /// <summary>XML is larger than the configured limit.</summary>
    public const string XmlTooLarge = "SGR-1103";

    /// <summary>XML does not have the expected root element or structure.</summary>
    public const string XmlUnexpectedContent = "SGR-1104";

    /// <summary>XML is nested deeper than the configured limit.</summary>
    public const string XmlTooDeep = "SGR-1105";

    /// <summary>The network failed or the service did not answer.</summary>
    public const string TransportFailed = "SGR-1501";

    /// <summary>The operation timed out.</summary>
    public const string Timeout = "SGR-1502";

    /// <summary>The circuit breaker is open: the service failed repeatedly and calls are paused.</summary>
    public const string CircuitOpen = "SGR-1503";

    /// <summary>The service answered with an HTTP error status.</summary>
    public const string HttpStatus = "SGR-1504";

    /// <summary>The server's TLS certificate was not trusted.</summary>
    public const string ServerCertificateUntrusted = "SGR-1505";

    /// <summary>Options are invalid; the message lists every problem.</summary>
    public const string OptionsInvalid = "SGR-1601";

    /// <summary>The audit trail could not be written.</summary>
    public const string AuditWriteFailed = "SGR-1602";
}
