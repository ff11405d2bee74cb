namespace Segur;

/// <summary>SOAP 1.2, WS-Addressing, SOAP faults and MTOM/XOP codes (<c>SGR-1200</c> to <c>SGR-1299</c>).</summary>
public static partial class CoreErrorCodes
{
    /// <summary>The XML is not a SOAP envelope (wrong root, namespace, or no <c>Body</c>).</summary>
    public const string SoapEnvelopeInvalid = "SGR-1201";

    /// <summary>The service answered with a SOAP 1.2 <c>Sender</c> fault (SOAP 1.1 <c>Client</c>): the request was refused.</summary>
    public const string SoapSenderFault = "SGR-1202";

    /// <summary>The service answered with a SOAP 1.2 <c>Receiver</c> fault (SOAP 1.1 <c>Server</c>): it failed to process the request.</summary>
    public const string SoapReceiverFault = "SGR-1203";

    /// <summary>The service answered with a <c>VersionMismatch</c>, <c>MustUnderstand</c> or <c>DataEncodingUnknown</c>
    /// fault, or a fault the SDK cannot classify: the SDK and the service do not speak the same protocol.</summary>
    public const string SoapProtocolFault = "SGR-1204";

    /// <summary>A header block marked <c>mustUnderstand</c> was not understood by the receiver of the message.</summary>
    public const string SoapMustUnderstand = "SGR-1205";

    /// <summary>The response's WS-Addressing <c>RelatesTo</c> does not match the request's <c>MessageID</c>.</summary>
    public const string SoapRelatesToMismatch = "SGR-1206";

    /// <summary>The response has no WS-Addressing <c>RelatesTo</c> although the request required one.</summary>
    public const string SoapRelatesToMissing = "SGR-1207";

    /// <summary>The service answered with something that is not SOAP (an HTML page, plain text, an empty body).</summary>
    public const string SoapNotSoapResponse = "SGR-1208";

    /// <summary>A multipart (MTOM) message is malformed: the message names what is wrong.</summary>
    public const string MultipartMalformed = "SGR-1210";

    /// <summary>The multipart <c>Content-Type</c> has no <c>boundary</c> parameter, or an invalid one.</summary>
    public const string MultipartBoundaryInvalid = "SGR-1211";

    /// <summary>A multipart part, or the number of parts, is larger than the configured limit.</summary>
    public const string MultipartTooLarge = "SGR-1212";

    /// <summary>An <c>xop:Include</c> points to a Content-ID that is not among the attachments.</summary>
    public const string XopIncludeUnresolved = "SGR-1213";

    /// <summary>The multipart <c>start</c> parameter names a Content-ID that no part has.</summary>
    public const string MtomRootMissing = "SGR-1214";

    /// <summary>A multipart part uses a <c>Content-Transfer-Encoding</c> or content type the SDK does not support.</summary>
    public const string MultipartUnsupported = "SGR-1215";
}
