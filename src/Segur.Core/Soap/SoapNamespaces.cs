namespace Segur.Soap;

/// <summary>Namespace URIs and well-known values of SOAP 1.2, SOAP 1.1, WS-Addressing 1.0 and XOP.</summary>
public static class SoapNamespaces
{
    /// <summary>SOAP 1.2 envelope: <c>http://www.w3.org/2003/05/soap-envelope</c>.</summary>
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";

    /// <summary>SOAP 1.1 envelope: <c>http://schemas.xmlsoap.org/soap/envelope/</c> (read only, for faults).</summary>
    public const string Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";

    /// <summary>WS-Addressing 1.0: <c>http://www.w3.org/2005/08/addressing</c>.</summary>
    public const string Addressing = "http://www.w3.org/2005/08/addressing";

    /// <summary>The WS-Addressing anonymous address (reply on the HTTP response).</summary>
    public const string AddressingAnonymous = "http://www.w3.org/2005/08/addressing/anonymous";

    /// <summary>XOP: <c>http://www.w3.org/2004/08/xop/include</c>.</summary>
    public const string Xop = "http://www.w3.org/2004/08/xop/include";

    /// <summary>The <c>xml:</c> namespace (for <c>xml:lang</c>).</summary>
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
}

/// <summary>The SOAP version of an envelope.</summary>
public enum SoapVersion
{
    /// <summary>SOAP 1.2 (<see cref="SoapNamespaces.Soap12"/>), what the SDK writes.</summary>
    Soap12 = 0,

    /// <summary>SOAP 1.1 (<see cref="SoapNamespaces.Soap11"/>), read for faults from legacy stacks.</summary>
    Soap11 = 1,
}
