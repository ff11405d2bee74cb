using System.Text;
using System.Xml;

namespace Segur.Security;

/// <summary>
/// Exclusive XML canonicalization without comments (<c>http://www.w3.org/2001/10/xml-exc-c14n#</c>) of a DOM
/// subtree, as used by XML-DSig, SAML and XAdES.
/// </summary>
/// <remarks>
/// <para>The input is the document subset made of an element, its attributes and its descendants, minus an optional
/// excluded subtree (the enveloped signature). Namespace declarations are rendered where they are visibly utilized
/// (by the element's or an attribute's prefix) or listed in the <c>InclusiveNamespaces PrefixList</c>, and only
/// when the nearest rendered ancestor did not already render the same value. Attributes are sorted by namespace URI
/// then local name; text and attribute values are escaped as the specification requires; whitespace is kept;
/// comments are dropped; processing instructions are kept.</para>
/// <para>Namespaces may come from explicit <c>xmlns</c> attributes or from the DOM's element and attribute
/// namespaces (a document built in memory): the element's own namespace URI is what is rendered.</para>
/// </remarks>
public static class ExclusiveCanonicalization
{
    /// <summary>The algorithm URI of exclusive canonicalization without comments.</summary>
    public const string AlgorithmUri = "http://www.w3.org/2001/10/xml-exc-c14n#";

    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    /// <summary>Canonicalizes an element's subtree.</summary>
    /// <param name="element">The apex of the subset.</param>
    /// <param name="inclusivePrefixes">Prefixes treated as in inclusive canonicalization (<c>#default</c> for the
    /// default namespace); <see langword="null"/> for none.</param>
    /// <param name="excluded">A node whose subtree is left out (for example the enveloped <c>ds:Signature</c>);
    /// <see langword="null"/> for none.</param>
    /// <returns>The canonical form, UTF-8 encoded.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="element"/> is null.</exception>
    /// <exception cref="ArgumentException">An attribute has a namespace but no prefix (possible only in a DOM built in memory).</exception>
    public static byte[] Canonicalize(XmlElement element, IEnumerable<string>? inclusivePrefixes = null, XmlNode? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        var inclusive = new HashSet<string>(StringComparer.Ordinal);
        if (inclusivePrefixes is not null)
        {
            foreach (var prefix in inclusivePrefixes)
            {
                if (!string.IsNullOrWhiteSpace(prefix))
                {
                    inclusive.Add(prefix == "#default" ? string.Empty : prefix.Trim());
                }
            }
        }

        var builder = new StringBuilder(4096);
        if (!ReferenceEquals(element, excluded))
        {
            WriteElement(builder, element, new Dictionary<string, string>(StringComparer.Ordinal), inclusive, excluded);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void WriteElement(StringBuilder output, XmlElement element, Dictionary<string, string> rendered,
        HashSet<string> inclusive, XmlNode? excluded)
    {
        // Namespaces this element must render: visibly utilized ones plus the inclusive list.
        var wanted = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [element.Prefix] = element.NamespaceURI,
        };
        var attributes = new List<XmlAttribute>();
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.NamespaceURI == XmlnsNamespace)
            {
                continue;
            }

            if (attribute.Prefix.Length == 0 && attribute.NamespaceURI.Length > 0)
            {
                throw new ArgumentException(
                    $"The attribute '{attribute.LocalName}' has a namespace but no prefix (created in memory without one); its serialized form is not defined, so it cannot be signed. Create it with a prefix.",
                    nameof(element));
            }

            attributes.Add(attribute);
            if (attribute.Prefix.Length > 0 && attribute.Prefix != "xml")
            {
                wanted[attribute.Prefix] = attribute.NamespaceURI;
            }
        }

        foreach (var prefix in inclusive)
        {
            if (!wanted.ContainsKey(prefix))
            {
                var uri = element.GetNamespaceOfPrefix(prefix);
                if (uri.Length > 0 || prefix.Length == 0)
                {
                    wanted[prefix] = uri;
                }
            }
        }

        Dictionary<string, string>? childRendered = null;
        output.Append('<').Append(element.Name);
        foreach (var (prefix, uri) in wanted)
        {
            if (prefix == "xml")
            {
                continue;
            }

            rendered.TryGetValue(prefix, out var previous);
            if (string.Equals(previous ?? string.Empty, uri, StringComparison.Ordinal))
            {
                continue; // same value already in effect (or default namespace empty and never rendered)
            }

            if (prefix.Length > 0 && uri.Length == 0)
            {
                continue; // prefix undeclaration is not expressible in XML 1.0; nothing to render
            }

            output.Append(prefix.Length == 0 ? " xmlns=\"" : " xmlns:" + prefix + "=\"");
            CanonicalXmlWriter.EscapeAttribute(output, uri);
            output.Append('"');
            childRendered ??= new Dictionary<string, string>(rendered, StringComparer.Ordinal);
            childRendered[prefix] = uri;
        }

        attributes.Sort(static (a, b) => CanonicalXmlWriter.CompareAttributes(a.NamespaceURI, a.LocalName, b.NamespaceURI, b.LocalName));
        foreach (var attribute in attributes)
        {
            CanonicalXmlWriter.WriteAttribute(output, attribute.Name, attribute.Value);
        }

        output.Append('>');
        WriteChildren(output, element, childRendered ?? rendered, inclusive, excluded);
        output.Append("</").Append(element.Name).Append('>');
    }

    private static void WriteChildren(StringBuilder output, XmlNode parent, Dictionary<string, string> rendered,
        HashSet<string> inclusive, XmlNode? excluded)
    {
        for (var child = parent.FirstChild; child is not null; child = child.NextSibling)
        {
            if (ReferenceEquals(child, excluded))
            {
                continue;
            }

            switch (child)
            {
                case XmlElement element:
                    WriteElement(output, element, rendered, inclusive, excluded);
                    break;
                case XmlCharacterData and (XmlText or XmlCDataSection or XmlWhitespace or XmlSignificantWhitespace):
                    CanonicalXmlWriter.EscapeText(output, child.Value ?? string.Empty);
                    break;
                case XmlProcessingInstruction pi:
                    CanonicalXmlWriter.WriteProcessingInstruction(output, pi);
                    break;
                case XmlEntityReference:
                    WriteChildren(output, child, rendered, inclusive, excluded);
                    break;
                default:
                    break; // comments are not part of the canonical form without comments
            }
        }
    }
}
