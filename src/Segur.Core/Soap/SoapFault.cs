using System.Xml;

namespace Segur.Soap;

/// <summary>One <c>Reason/Text</c> of a SOAP fault, with its <c>xml:lang</c>.</summary>
/// <param name="Text">The human-readable reason. It may echo request data: keep it out of logs and messages.</param>
/// <param name="Language">The <c>xml:lang</c> value, or an empty string when absent.</param>
public sealed record SoapFaultReason(string Text, string Language);

/// <summary>
/// A SOAP fault read from a response: SOAP 1.2 <c>Code/Value</c> with its <c>Subcode</c> chain, <c>Reason/Text</c>,
/// <c>Node</c>, <c>Role</c> and <c>Detail</c>; SOAP 1.1 faults are read into the same shape (<c>Client</c> becomes
/// <c>Sender</c>, <c>Server</c> becomes <c>Receiver</c>).
/// </summary>
public sealed class SoapFault
{
    internal SoapFault(SoapVersion version, XmlQualifiedName code, IReadOnlyList<XmlQualifiedName> subcodes, IReadOnlyList<SoapFaultReason> reasons,
        string? node, string? role, XmlElement? detail, string rawXml)
    {
        Version = version;
        Code = code;
        Subcodes = subcodes;
        Reasons = reasons;
        Node = node;
        Role = role;
        Detail = detail;
        RawXml = rawXml;
    }

    /// <summary>The SOAP version of the envelope the fault came in.</summary>
    public SoapVersion Version { get; }

    /// <summary>The fault code, normalised to the SOAP 1.2 namespace for the standard codes: <c>Sender</c>,
    /// <c>Receiver</c>, <c>VersionMismatch</c>, <c>MustUnderstand</c>, <c>DataEncodingUnknown</c>.</summary>
    public XmlQualifiedName Code { get; }

    /// <summary>The <c>Subcode/Value</c> chain, outermost first (for INSi: <c>siram_40</c>); empty when none.</summary>
    public IReadOnlyList<XmlQualifiedName> Subcodes { get; }

    /// <summary>The reasons, one per language.</summary>
    public IReadOnlyList<SoapFaultReason> Reasons { get; }

    /// <summary>The first reason text, or an empty string. It may echo request data.</summary>
    public string Reason => Reasons.Count > 0 ? Reasons[0].Text : string.Empty;

    /// <summary>The <c>Node</c> URI (SOAP 1.2), if any.</summary>
    public string? Node { get; }

    /// <summary>The <c>Role</c> (SOAP 1.2) or <c>faultactor</c> (SOAP 1.1), if any.</summary>
    public string? Role { get; }

    /// <summary>The <c>Detail</c> (SOAP 1.1 <c>detail</c>) element, if any; its children are the service's own detail
    /// entries (for INSi, <c>siram:Erreur</c> with <c>code</c> and <c>severite</c>).</summary>
    public XmlElement? Detail { get; }

    /// <summary>The whole <c>Fault</c> element as XML, kept for <see cref="SegurException.RawFault"/>.</summary>
    public string RawXml { get; }

    /// <summary>Whether the code is <c>Sender</c> (SOAP 1.1 <c>Client</c>): the request itself was refused.</summary>
    public bool IsSenderFault => IsStandard("Sender");

    /// <summary>Whether the code is <c>Receiver</c> (SOAP 1.1 <c>Server</c>): the service failed to process the request.</summary>
    public bool IsReceiverFault => IsStandard("Receiver");

    /// <summary>The innermost subcode's local name (for INSi: <c>siram_40</c>), or <see langword="null"/>.</summary>
    public string? InnermostSubcode => Subcodes.Count > 0 ? Subcodes[^1].Name : null;

    /// <summary>Finds the first detail entry with the given name.</summary>
    /// <param name="localName">The local name, e.g. <c>Erreur</c>.</param>
    /// <param name="namespaceUri">The namespace, e.g. <c>urn:siram</c>.</param>
    /// <returns>The element, or <see langword="null"/>.</returns>
    public XmlElement? FindDetailEntry(string localName, string namespaceUri)
    {
        if (Detail is null)
        {
            return null;
        }

        foreach (XmlNode child in Detail.ChildNodes)
        {
            if (child is XmlElement e && e.LocalName == localName && e.NamespaceURI == namespaceUri)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>
    /// The SDK's default mapping of a fault to an exception, used when no <see cref="ISoapFaultMapper"/> gives one.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>Sender</c> → <see cref="SegurServiceException"/> <c>SGR-1202</c>, not transient: the same request will be refused again.</item>
    /// <item><c>Receiver</c> without a subcode (a generic server error) → <see cref="SegurServiceException"/> <c>SGR-1203</c>,
    /// transient. <c>Receiver</c> with a subcode → <c>SGR-1203</c>, not transient: the service said precisely what
    /// failed, and only a service-specific mapper knows whether that code is temporary (INSi <c>siram_40</c> is, for example).</item>
    /// <item><c>VersionMismatch</c>, <c>MustUnderstand</c>, <c>DataEncodingUnknown</c> and unknown codes →
    /// <see cref="SegurProtocolException"/> <c>SGR-1204</c>, not transient.</item>
    /// </list>
    /// <see cref="SegurServiceException.ServiceCode"/> is the innermost subcode; <see cref="SegurException.RawFault"/>
    /// is <see cref="RawXml"/>. The message names the code and subcode only, never the reason text.
    /// </remarks>
    /// <returns>The exception to throw.</returns>
    public SegurException ToException()
    {
        var subcode = InnermostSubcode;
        var suffix = subcode is null ? string.Empty : $", subcode {subcode}";
        if (IsSenderFault)
        {
            return new SegurServiceException(CoreErrorCodes.SoapSenderFault, $"The service refused the request (SOAP Sender fault{suffix}).", false, RawXml)
            {
                ServiceCode = subcode,
            };
        }

        if (IsReceiverFault)
        {
            return new SegurServiceException(CoreErrorCodes.SoapReceiverFault, $"The service failed to process the request (SOAP Receiver fault{suffix}).",
                isTransient: subcode is null, RawXml)
            {
                ServiceCode = subcode,
            };
        }

        return new SegurProtocolException(CoreErrorCodes.SoapProtocolFault, $"The service answered with a SOAP {Code.Name} fault{suffix}.", false, RawXml);
    }

    private bool IsStandard(string name) => Code.Namespace == SoapNamespaces.Soap12 && Code.Name == name;

    internal static SoapFault Read(XmlElement fault, SoapVersion version) =>
        version == SoapVersion.Soap12 ? Read12(fault) : Read11(fault);

    private static SoapFault Read12(XmlElement fault)
    {
        var ns = SoapNamespaces.Soap12;
        var codeElement = Child(fault, "Code", ns) ?? throw Invalid("The SOAP 1.2 fault has no Code.");
        var code = ReadQName(Child(codeElement, "Value", ns) ?? throw Invalid("The SOAP 1.2 fault Code has no Value."));
        var subcodes = new List<XmlQualifiedName>();
        var current = Child(codeElement, "Subcode", ns);
        while (current is not null && subcodes.Count < 32)
        {
            var value = Child(current, "Value", ns) ?? throw Invalid("A SOAP 1.2 fault Subcode has no Value.");
            subcodes.Add(ReadQName(value));
            current = Child(current, "Subcode", ns);
        }

        var reasons = new List<SoapFaultReason>();
        if (Child(fault, "Reason", ns) is { } reason)
        {
            foreach (XmlNode node in reason.ChildNodes)
            {
                if (node is XmlElement text && text.LocalName == "Text" && text.NamespaceURI == ns)
                {
                    reasons.Add(new SoapFaultReason(text.InnerText.Trim(), text.GetAttribute("lang", SoapNamespaces.Xml)));
                }
            }
        }

        return new SoapFault(SoapVersion.Soap12, code, subcodes, reasons, Child(fault, "Node", ns)?.InnerText.Trim(),
            Child(fault, "Role", ns)?.InnerText.Trim(), Child(fault, "Detail", ns), fault.OuterXml);
    }

    private static SoapFault Read11(XmlElement fault)
    {
        // SOAP 1.1 fault children are unqualified.
        var codeElement = Child(fault, "faultcode", string.Empty) ?? throw Invalid("The SOAP 1.1 fault has no faultcode.");
        var raw = ReadQName(codeElement);
        var code = raw;
        var subcodes = new List<XmlQualifiedName>();
        if (raw.Namespace == SoapNamespaces.Soap11)
        {
            // Dotted notation: "Client.Authentication" → Sender with subcode "Authentication".
            var parts = raw.Name.Split('.');
            var standard = parts[0] switch
            {
                "Client" => "Sender",
                "Server" => "Receiver",
                _ => parts[0],
            };
            code = new XmlQualifiedName(standard, SoapNamespaces.Soap12);
            subcodes.AddRange(parts.Skip(1).Select(p => new XmlQualifiedName(p, SoapNamespaces.Soap11)));
        }

        var reasons = new List<SoapFaultReason>();
        if (Child(fault, "faultstring", string.Empty) is { } text)
        {
            reasons.Add(new SoapFaultReason(text.InnerText.Trim(), text.GetAttribute("lang", SoapNamespaces.Xml)));
        }

        return new SoapFault(SoapVersion.Soap11, code, subcodes, reasons, null, Child(fault, "faultactor", string.Empty)?.InnerText.Trim(),
            Child(fault, "detail", string.Empty), fault.OuterXml);
    }

    private static XmlQualifiedName ReadQName(XmlElement element)
    {
        var text = element.InnerText.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? text[..colon] : string.Empty;
        var local = colon > 0 ? text[(colon + 1)..] : text;
        if (local.Length == 0)
        {
            throw Invalid("A SOAP fault code is empty.");
        }

        // An undeclared prefix keeps the code readable rather than failing the whole fault.
        var ns = element.GetNamespaceOfPrefix(prefix);
        return new XmlQualifiedName(local, ns);
    }

    internal static XmlElement? Child(XmlElement parent, string localName, string namespaceUri)
    {
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == namespaceUri)
            {
                return e;
            }
        }

        return null;
    }

    private static SegurProtocolException Invalid(string message) => new(CoreErrorCodes.SoapEnvelopeInvalid, message);
}

/// <summary>
/// Maps a service's SOAP faults to typed exceptions (INSi <c>siram_*</c>/<c>desir_*</c>/<c>insi_*</c> codes, XDS error
/// codes for the DMP), with the right <see cref="SegurException.IsTransient"/>.
/// </summary>
public interface ISoapFaultMapper
{
    /// <summary>Maps a fault, or declines.</summary>
    /// <param name="fault">The fault the service returned.</param>
    /// <param name="request">The request that caused it.</param>
    /// <returns>The exception to throw, or <see langword="null"/> to use <see cref="SoapFault.ToException"/>.
    /// Keep <see cref="SoapFault.RawXml"/> in <see cref="SegurException.RawFault"/> and out of the message.</returns>
    SegurException? Map(SoapFault fault, SoapRequest request);
}
