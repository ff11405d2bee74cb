using System.Xml;

namespace Segur.Soap;

/// <summary>
/// One header block of an outgoing SOAP 1.2 envelope: an element written inside <c>soap:Header</c>, optionally marked
/// <c>mustUnderstand</c> or targeted at a <c>role</c>.
/// </summary>
/// <remarks>Create one from an <see cref="XmlElement"/> (<see cref="FromElement"/>) or from a writer callback
/// (<see cref="Create"/>), which streams without building a DOM.</remarks>
public sealed class SoapHeaderBlock
{
    private readonly XmlElement? _element;
    private readonly Action<XmlWriter>? _writeContent;

    private SoapHeaderBlock(string? prefix, string localName, string namespaceUri, bool mustUnderstand, string? role, XmlElement? element, Action<XmlWriter>? writeContent)
    {
        Prefix = prefix;
        LocalName = localName;
        NamespaceUri = namespaceUri;
        MustUnderstand = mustUnderstand;
        Role = role;
        _element = element;
        _writeContent = writeContent;
    }

    /// <summary>The element's local name.</summary>
    public string LocalName { get; }

    /// <summary>The element's namespace URI (SOAP 1.2 requires header blocks to be namespace-qualified).</summary>
    public string NamespaceUri { get; }

    /// <summary>The preferred prefix, if any.</summary>
    public string? Prefix { get; }

    /// <summary>Whether the block is written with <c>soap:mustUnderstand="true"</c>.</summary>
    public bool MustUnderstand { get; }

    /// <summary>The <c>soap:role</c> URI, if any.</summary>
    public string? Role { get; }

    /// <summary>Creates a header block from an element; the element is copied as-is at write time, with
    /// <c>mustUnderstand</c> and <c>role</c> added when asked.</summary>
    /// <param name="element">The header element; must be namespace-qualified.</param>
    /// <param name="mustUnderstand">Whether to add <c>soap:mustUnderstand="true"</c>. Default: <see langword="false"/>.</param>
    /// <param name="role">A <c>soap:role</c> URI, or <see langword="null"/>.</param>
    /// <returns>The block.</returns>
    /// <exception cref="ArgumentException">The element has no namespace.</exception>
    public static SoapHeaderBlock FromElement(XmlElement element, bool mustUnderstand = false, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (string.IsNullOrEmpty(element.NamespaceURI))
        {
            throw new ArgumentException("A SOAP 1.2 header block must be namespace-qualified.", nameof(element));
        }

        return new SoapHeaderBlock(element.Prefix, element.LocalName, element.NamespaceURI, mustUnderstand, role, element, null);
    }

    /// <summary>Creates a header block whose content (attributes and children) a callback writes.</summary>
    /// <param name="prefix">The preferred prefix, or <see langword="null"/> to let the writer choose.</param>
    /// <param name="localName">The element's local name.</param>
    /// <param name="namespaceUri">The element's namespace URI.</param>
    /// <param name="writeContent">Writes the attributes and children, after the start tag; it must not close the element.</param>
    /// <param name="mustUnderstand">Whether to add <c>soap:mustUnderstand="true"</c>. Default: <see langword="false"/>.</param>
    /// <param name="role">A <c>soap:role</c> URI, or <see langword="null"/>.</param>
    /// <returns>The block.</returns>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    public static SoapHeaderBlock Create(string? prefix, string localName, string namespaceUri, Action<XmlWriter> writeContent, bool mustUnderstand = false, string? role = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(localName);
        ArgumentException.ThrowIfNullOrEmpty(namespaceUri);
        ArgumentNullException.ThrowIfNull(writeContent);
        return new SoapHeaderBlock(prefix, localName, namespaceUri, mustUnderstand, role, null, writeContent);
    }

    internal void WriteTo(XmlWriter writer, string soapPrefix)
    {
        writer.WriteStartElement(Prefix, LocalName, NamespaceUri);
        if (_element is not null)
        {
            foreach (XmlAttribute attribute in _element.Attributes)
            {
                if (attribute.NamespaceURI == SoapNamespaces.Soap12
                    && ((MustUnderstand && attribute.LocalName == "mustUnderstand") || (Role is not null && attribute.LocalName == "role")))
                {
                    continue;
                }

                attribute.WriteTo(writer);
            }
        }

        if (MustUnderstand)
        {
            writer.WriteAttributeString(soapPrefix, "mustUnderstand", SoapNamespaces.Soap12, "true");
        }

        if (Role is not null)
        {
            writer.WriteAttributeString(soapPrefix, "role", SoapNamespaces.Soap12, Role);
        }

        if (_element is not null)
        {
            foreach (XmlNode child in _element.ChildNodes)
            {
                child.WriteTo(writer);
            }
        }
        else
        {
            _writeContent!(writer);
        }

        writer.WriteEndElement();
    }
}
