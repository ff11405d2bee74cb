using System.Text;
using System.Xml;
using Segur.Xml;

namespace Segur.Soap;

/// <summary>
/// An outgoing SOAP 1.2 request: endpoint, action, WS-Addressing headers, extra header blocks, the body (written by a
/// callback, or a whole pre-built envelope such as a signed one) and optional MTOM attachments.
/// </summary>
/// <remarks>A request can be sent again (a retry): the body callback runs at each send, and seekable attachment
/// streams are rewound. The transport does not dispose attachments.</remarks>
/// <example>
/// <code>
/// var request = new SoapRequest(endpoint, "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite",
///     body => { body.WriteStartElement("RECSANSVITALE", "http://www.cnamts.fr/INSiRecSans"); /* … */ body.WriteEndElement(); })
/// {
///     MessageId = "uuid:" + Guid.NewGuid(),
/// };
/// request.Headers.Add(SoapHeaderBlock.FromElement(contexteLps));
/// using var response = await transport.SendAsync(request, cancellationToken);
/// </code>
/// </example>
public sealed class SoapRequest
{
    internal static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        OmitXmlDeclaration = false,
        CloseOutput = false,
    };

    private readonly Action<XmlWriter>? _writeBody;
    private readonly XmlDocument? _envelope;
    private readonly string? _messageId;

    /// <summary>Creates a request whose body content a callback writes.</summary>
    /// <param name="endpoint">The service URL.</param>
    /// <param name="action">The SOAP action (written as <c>wsa:Action</c> and the <c>action</c> content-type parameter).</param>
    /// <param name="writeBody">Writes the elements inside <c>soap:Body</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not absolute or <paramref name="action"/> is empty.</exception>
    public SoapRequest(Uri endpoint, string action, Action<XmlWriter> writeBody)
        : this(endpoint, action)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        _writeBody = writeBody;
        _messageId = SoapAddressing.NewMessageId();
    }

    /// <summary>Creates a request from a complete envelope, sent byte-for-byte as serialised (signatures stay valid).
    /// <see cref="Headers"/>, <see cref="To"/> and <see cref="ReplyTo"/> are ignored: the envelope already has its
    /// headers; <see cref="MessageId"/> is read from its <c>wsa:MessageID</c>.</summary>
    /// <param name="endpoint">The service URL.</param>
    /// <param name="action">The SOAP action (for the <c>action</c> content-type parameter).</param>
    /// <param name="envelope">The envelope, e.g. from <see cref="ToXmlDocument"/> then signed.</param>
    /// <exception cref="ArgumentException">The document is not a SOAP 1.2 envelope.</exception>
    public SoapRequest(Uri endpoint, string action, XmlDocument envelope)
        : this(endpoint, action)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.DocumentElement is not { LocalName: "Envelope", NamespaceURI: SoapNamespaces.Soap12 } root)
        {
            throw new ArgumentException("The document is not a SOAP 1.2 envelope.", nameof(envelope));
        }

        _envelope = envelope;
        var header = SoapFault.Child(root, "Header", SoapNamespaces.Soap12);
        _messageId = header is null ? null : SoapFault.Child(header, "MessageID", SoapNamespaces.Addressing)?.InnerText.Trim();
    }

    private SoapRequest(Uri endpoint, string action)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The endpoint must be an absolute URL.", nameof(endpoint));
        }

        Endpoint = endpoint;
        Action = action;
    }

    /// <summary>The service URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>The SOAP action.</summary>
    public string Action { get; }

    /// <summary>The <c>wsa:MessageID</c>. <value>Default: a new <c>urn:uuid:</c> id (<see cref="SoapAddressing.NewMessageId"/>);
    /// INSi expects <c>uuid:</c> ids, set it then.</value> <see langword="null"/> writes none.</summary>
    public string? MessageId
    {
        get => _messageId;
        init => _messageId = _envelope is null ? value : _messageId;
    }

    /// <summary>The <c>wsa:To</c> value. <value>Default: <see langword="null"/>, not written (INSi wants none).</value></summary>
    public Uri? To { get; init; }

    /// <summary>The <c>wsa:ReplyTo/wsa:Address</c> value, e.g. <see cref="SoapNamespaces.AddressingAnonymous"/>.
    /// <value>Default: <see langword="null"/>, not written (anonymous is the WS-Addressing default).</value></summary>
    public string? ReplyTo { get; init; }

    /// <summary>Whether WS-Addressing headers (<c>Action</c>, <c>MessageID</c>, …) are written.
    /// <value>Default: <see langword="true"/>.</value></summary>
    public bool WriteAddressing { get; init; } = true;

    /// <summary>Whether a response without <c>wsa:RelatesTo</c> is refused. A <c>RelatesTo</c> that differs from
    /// <see cref="MessageId"/> is always refused. <value>Default: <see langword="false"/>.</value></summary>
    public bool RequireRelatesTo { get; init; }

    /// <summary>Maps the service's faults for this request (the INSi or DMP client sets its own), so any
    /// <see cref="ISoapTransport"/> applies it. <value>Default: <see langword="null"/>: the transport's
    /// <see cref="HttpSoapTransportOptions.FaultMapper"/>, then <see cref="SoapFault.ToException"/>.</value></summary>
    public ISoapFaultMapper? FaultMapper { get; init; }

    /// <summary>Whether the request is sent as MTOM. <value>Default: <see langword="null"/>, meaning MTOM exactly when
    /// <see cref="Attachments"/> is not empty.</value></summary>
    public bool? UseMtom { get; init; }

    /// <summary>Extra header blocks (ContexteLPS, wsse:Security, …), written after the WS-Addressing headers.</summary>
    public IList<SoapHeaderBlock> Headers { get; } = new List<SoapHeaderBlock>();

    /// <summary>Binary parts sent with MTOM and referenced from the body with <see cref="MtomAttachment.WriteXopInclude"/>.</summary>
    public IList<MtomAttachment> Attachments { get; } = new List<MtomAttachment>();

    internal bool IsMtom => UseMtom ?? Attachments.Count > 0;

    /// <summary>The <c>wsa:MessageID</c> actually sent, which a response's <c>RelatesTo</c> must match.</summary>
    internal string? SentMessageId => _envelope is not null || WriteAddressing ? MessageId : null;

    /// <summary>Writes the whole envelope.</summary>
    /// <param name="writer">The destination writer, at document start.</param>
    public void WriteEnvelope(XmlWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_envelope is not null)
        {
            _envelope.DocumentElement!.WriteTo(writer);
            return;
        }

        var addressing = new List<KeyValuePair<string, string>>();
        if (WriteAddressing)
        {
            addressing.Add(new("Action", Action));
            if (MessageId is not null)
            {
                addressing.Add(new("MessageID", MessageId));
            }

            if (To is not null)
            {
                addressing.Add(new("To", To.AbsoluteUri));
            }
        }

        SoapEnvelopeWriter.Write(writer, addressing, WriteAddressing ? ReplyTo : null, Headers, _writeBody!);
    }

    /// <summary>Serialises the envelope to UTF-8 bytes (with an XML declaration).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Builds the envelope as a DOM, for example to sign it, then send it with
    /// <see cref="SoapRequest(Uri, string, XmlDocument)"/>.</summary>
    /// <returns>The document, whitespace preserved.</returns>
    public XmlDocument ToXmlDocument()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        buffer.Position = 0;
        return SafeXml.LoadDocument(buffer);
    }

    internal void WriteTo(Stream stream)
    {
        using var writer = XmlWriter.Create(stream, WriterSettings);
        WriteEnvelope(writer);
    }
}
