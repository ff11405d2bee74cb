using System.Xml;
using Segur.Xml;

namespace Segur.Soap;

/// <summary>
/// A received SOAP envelope, parsed with <see cref="SafeXml"/>: header blocks, WS-Addressing headers, the body and
/// its fault, if any. SOAP 1.2 is the norm; SOAP 1.1 envelopes are read too (mainly for their faults).
/// </summary>
public sealed class SoapEnvelope
{
    private SoapEnvelope(XmlDocument document, SoapVersion version, IReadOnlyList<XmlElement> headers, XmlElement body, SoapFault? fault)
    {
        Document = document;
        Version = version;
        Headers = headers;
        Body = body;
        Fault = fault;
        Addressing = SoapAddressing.Read(headers);
    }

    /// <summary>The whole document (whitespace preserved, so signatures inside can be verified).</summary>
    public XmlDocument Document { get; }

    /// <summary>The envelope's SOAP version.</summary>
    public SoapVersion Version { get; }

    /// <summary>The header blocks (children of <c>Header</c>), in document order; empty when there is no header.</summary>
    public IReadOnlyList<XmlElement> Headers { get; }

    /// <summary>The WS-Addressing headers found among <see cref="Headers"/>.</summary>
    public SoapAddressing Addressing { get; }

    /// <summary>The <c>Body</c> element.</summary>
    public XmlElement Body { get; }

    /// <summary>The first element inside <c>Body</c> (the payload, or the fault), or <see langword="null"/> for an empty body.</summary>
    public XmlElement? BodyContent => FirstElement(Body);

    /// <summary>The fault carried by the body, or <see langword="null"/>.</summary>
    public SoapFault? Fault { get; }

    /// <summary>Whether <see cref="Fault"/> is set.</summary>
    public bool IsFault => Fault is not null;

    /// <summary>Finds the first header block with the given name.</summary>
    /// <param name="localName">The local name.</param>
    /// <param name="namespaceUri">The namespace URI.</param>
    /// <returns>The block, or <see langword="null"/>.</returns>
    public XmlElement? FindHeader(string localName, string namespaceUri) =>
        Headers.FirstOrDefault(h => h.LocalName == localName && h.NamespaceURI == namespaceUri);

    /// <summary>Whether a header block is marked <c>mustUnderstand</c> (<c>true</c> or <c>1</c>).</summary>
    /// <param name="header">One of <see cref="Headers"/>.</param>
    /// <returns><see langword="true"/> when the receiver must process it or fail.</returns>
    public bool IsMustUnderstand(XmlElement header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var value = header.GetAttribute("mustUnderstand", Version == SoapVersion.Soap12 ? SoapNamespaces.Soap12 : SoapNamespaces.Soap11).Trim();
        return value is "true" or "1";
    }

    /// <summary>Fails when a header block marked <c>mustUnderstand</c> is not one the caller processes.</summary>
    /// <param name="understood">Says whether the caller processes a header block. WS-Addressing headers count as understood.</param>
    /// <exception cref="SegurProtocolException"><c>SGR-1205</c>, naming the first header not understood.</exception>
    public void EnsureUnderstood(Func<XmlElement, bool> understood)
    {
        ArgumentNullException.ThrowIfNull(understood);
        foreach (var header in Headers)
        {
            if (IsMustUnderstand(header) && header.NamespaceURI != SoapNamespaces.Addressing && !understood(header))
            {
                throw new SegurProtocolException(CoreErrorCodes.SoapMustUnderstand,
                    $"The header {{{header.NamespaceURI}}}{header.LocalName} is marked mustUnderstand and is not understood.");
            }
        }
    }

    /// <summary>Reads an envelope from a stream with <see cref="SafeXml"/>.</summary>
    /// <param name="stream">The XML; not disposed.</param>
    /// <param name="maxCharacters">Maximum characters; 0 means <see cref="SafeXml.DefaultMaxCharacters"/>.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="SegurValidationException">The XML is malformed, holds a DTD, or is too large or deep (<c>SGR-110x</c>).</exception>
    /// <exception cref="SegurProtocolException">The XML is not a SOAP envelope (<c>SGR-1201</c>).</exception>
    public static SoapEnvelope Load(Stream stream, long maxCharacters = 0) => FromDocument(SafeXml.LoadDocument(stream, maxCharacters));

    /// <summary>Reads an envelope from a string with <see cref="SafeXml"/>.</summary>
    /// <param name="xml">The XML text.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="SegurValidationException">See <see cref="Load"/>.</exception>
    /// <exception cref="SegurProtocolException">See <see cref="Load"/>.</exception>
    public static SoapEnvelope Parse(string xml) => FromDocument(SafeXml.LoadDocument(xml));

    /// <summary>Interprets a document already loaded (with <see cref="SafeXml"/>) as a SOAP envelope.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="SegurProtocolException">The document is not a SOAP envelope (<c>SGR-1201</c>).</exception>
    public static SoapEnvelope FromDocument(XmlDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "Envelope")
        {
            throw new SegurProtocolException(CoreErrorCodes.SoapEnvelopeInvalid,
                $"The XML is not a SOAP envelope: its root element is '{root?.LocalName}', not 'Envelope'.");
        }

        var version = root.NamespaceURI switch
        {
            SoapNamespaces.Soap12 => SoapVersion.Soap12,
            SoapNamespaces.Soap11 => SoapVersion.Soap11,
            _ => throw new SegurProtocolException(CoreErrorCodes.SoapEnvelopeInvalid,
                $"The XML is not a SOAP 1.2 or 1.1 envelope: its namespace is '{root.NamespaceURI}'."),
        };
        var ns = root.NamespaceURI;
        XmlElement? header = null, body = null;
        foreach (XmlNode node in root.ChildNodes)
        {
            if (node is not XmlElement e)
            {
                continue;
            }

            if (e.NamespaceURI == ns && e.LocalName == "Header" && header is null && body is null)
            {
                header = e;
            }
            else if (e.NamespaceURI == ns && e.LocalName == "Body" && body is null)
            {
                body = e;
            }
            else if (version == SoapVersion.Soap12)
            {
                // SOAP 1.2 allows nothing after Body, and only one Header before it.
                throw new SegurProtocolException(CoreErrorCodes.SoapEnvelopeInvalid, $"The SOAP envelope holds an unexpected element '{e.LocalName}'.");
            }
        }

        if (body is null)
        {
            throw new SegurProtocolException(CoreErrorCodes.SoapEnvelopeInvalid, "The SOAP envelope has no Body.");
        }

        var headers = new List<XmlElement>();
        if (header is not null)
        {
            foreach (XmlNode node in header.ChildNodes)
            {
                if (node is XmlElement e)
                {
                    headers.Add(e);
                }
            }
        }

        var content = FirstElement(body);
        var fault = content is not null && content.LocalName == "Fault" && content.NamespaceURI == ns ? SoapFault.Read(content, version) : null;
        return new SoapEnvelope(document, version, headers, body, fault);
    }

    private static XmlElement? FirstElement(XmlElement parent)
    {
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e)
            {
                return e;
            }
        }

        return null;
    }
}
