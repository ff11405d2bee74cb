using System.Text;
using System.Xml;
using Segur.Xml;

namespace Segur.Security;

/// <summary>
/// Canonical XML 1.0 (inclusive, <c>http://www.w3.org/TR/2001/REC-xml-c14n-20010315</c>) with or without comments,
/// of a whole document or of an element subtree, as the DMP's XAdES lot signature (Segur.Dmp) uses it.
/// </summary>
/// <remarks>
/// <para>Why not the Core's exclusive canonicalization: every public DMP lot signature (CNAM TD2.1 example, ANS
/// DRIMbox, the CNAM editor kit) declares <c>REC-xml-c14n-20010315#WithComments</c> for <c>SignedInfo</c>, for the
/// manifest and signed-properties references and for the documents, and the DMP's verifier is not public; so the
/// lot is produced exactly that way.</para>
/// <para>Rules implemented (C14N 1.0 §2): for a subtree, the apex renders every namespace in scope (inherited from
/// ancestors included) and inherits the <c>xml:*</c> attributes of its ancestors; descendants render only the
/// namespaces whose value differs from the nearest rendered ancestor (<c>xmlns=""</c> when the default namespace
/// is undone). Namespace declarations are sorted by prefix, attributes by namespace URI then local name. Text and
/// attribute values are escaped as the recommendation says. For a whole document, the XML declaration and DTD are
/// dropped and comments/processing instructions outside the root element are separated by line feeds. Entity
/// references are expanded and CDATA sections become text (the DOM already did that when parsing).</para>
/// </remarks>
public static class InclusiveCanonicalization
{
    /// <summary>Canonical XML 1.0 without comments.</summary>
    public const string AlgorithmUri = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";

    /// <summary>Canonical XML 1.0 with comments.</summary>
    public const string WithCommentsAlgorithmUri = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";

    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    /// <summary>Canonicalizes an element and its descendants.</summary>
    /// <param name="element">The apex of the subset.</param>
    /// <param name="withComments">Whether comments are kept.</param>
    /// <returns>The canonical form, UTF-8 encoded.</returns>
    public static byte[] Canonicalize(XmlElement element, bool withComments)
    {
        ArgumentNullException.ThrowIfNull(element);
        var inScope = new Dictionary<string, string>(StringComparer.Ordinal);
        var inheritedXmlAttributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ancestors = new List<XmlElement>();
        for (var node = element.ParentNode; node is XmlElement ancestor; node = ancestor.ParentNode)
        {
            ancestors.Add(ancestor);
        }

        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            AddDeclarations(ancestors[i], inScope);
            foreach (XmlAttribute attribute in ancestors[i].Attributes)
            {
                if (attribute.NamespaceURI == XmlNamespace)
                {
                    inheritedXmlAttributes[attribute.LocalName] = attribute.Value;
                }
            }
        }

        var output = new StringBuilder(4096);
        WriteElement(output, element, inScope, new Dictionary<string, string>(StringComparer.Ordinal), withComments, inheritedXmlAttributes);
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>Canonicalizes a whole document.</summary>
    /// <param name="document">The document.</param>
    /// <param name="withComments">Whether comments are kept.</param>
    /// <returns>The canonical form, UTF-8 encoded.</returns>
    public static byte[] Canonicalize(XmlDocument document, bool withComments)
    {
        ArgumentNullException.ThrowIfNull(document);
        var output = new StringBuilder(4096);
        var seenRoot = false;
        for (var child = document.FirstChild; child is not null; child = child.NextSibling)
        {
            switch (child)
            {
                case XmlElement root:
                    WriteElement(output, root, new Dictionary<string, string>(StringComparer.Ordinal),
                        new Dictionary<string, string>(StringComparer.Ordinal), withComments, null);
                    seenRoot = true;
                    break;
                case XmlComment comment when withComments:
                    WriteTopLevel(output, seenRoot, () => WriteComment(output, comment));
                    break;
                case XmlProcessingInstruction pi:
                    WriteTopLevel(output, seenRoot, () => CanonicalXmlWriter.WriteProcessingInstruction(output, pi));
                    break;
                default:
                    break; // declaration, DTD, whitespace outside the root element
            }
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }

    /// <summary>Parses XML bytes (hardened: no DTD, no resolver, size and depth limits) keeping whitespace,
    /// comments and processing instructions, all of which the canonical form depends on.</summary>
    /// <param name="content">The XML bytes.</param>
    /// <returns>The document.</returns>
    /// <exception cref="SegurValidationException">The bytes are not acceptable XML (SafeXml codes).</exception>
    public static XmlDocument Load(ReadOnlyMemory<byte> content)
    {
        var settings = SafeXml.CreateReaderSettings();
        settings.IgnoreComments = false;
        settings.IgnoreProcessingInstructions = false;
        var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true };
        SafeXml.Guard(() =>
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            document.Load(reader);
        });
        EnsureDepth(document);
        return document;
    }

    private static void EnsureDepth(XmlDocument document)
    {
        var stack = new Stack<(XmlNode Node, int Depth)>();
        stack.Push((document, 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > SafeXml.DefaultMaxDepth)
            {
                throw new SegurValidationException(CoreErrorCodes.XmlTooDeep, $"The XML is nested deeper than {SafeXml.DefaultMaxDepth} levels.");
            }

            for (var child = node.FirstChild; child is not null; child = child.NextSibling)
            {
                if (child is XmlElement)
                {
                    stack.Push((child, depth + 1));
                }
            }
        }
    }

    private static void WriteTopLevel(StringBuilder output, bool afterRoot, Action write)
    {
        if (afterRoot)
        {
            output.Append('\n');
            write();
        }
        else
        {
            write();
            output.Append('\n');
        }
    }

    private static void AddDeclarations(XmlElement element, Dictionary<string, string> inScope)
    {
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.NamespaceURI == XmlnsNamespace)
            {
                inScope[attribute.Prefix.Length == 0 ? string.Empty : attribute.LocalName] = attribute.Value;
            }
        }

        // A DOM built in memory may carry namespaces on names without xmlns attributes.
        if (element.Prefix != "xml")
        {
            inScope[element.Prefix] = element.NamespaceURI;
        }

        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.Prefix.Length > 0 && attribute.Prefix is not ("xml" or "xmlns"))
            {
                inScope[attribute.Prefix] = attribute.NamespaceURI;
            }
        }
    }

    private static void WriteElement(StringBuilder output, XmlElement element, Dictionary<string, string> parentScope,
        Dictionary<string, string> rendered, bool withComments, SortedDictionary<string, string>? inheritedXmlAttributes)
    {
        var inScope = new Dictionary<string, string>(parentScope, StringComparer.Ordinal);
        AddDeclarations(element, inScope);

        output.Append('<').Append(element.Name);
        Dictionary<string, string>? childRendered = null;
        foreach (var prefix in inScope.Keys.Order(StringComparer.Ordinal))
        {
            var uri = inScope[prefix];
            rendered.TryGetValue(prefix, out var previous);
            if (string.Equals(previous ?? string.Empty, uri, StringComparison.Ordinal) || (prefix.Length > 0 && uri.Length == 0))
            {
                continue;
            }

            output.Append(prefix.Length == 0 ? " xmlns=\"" : " xmlns:" + prefix + "=\"");
            CanonicalXmlWriter.EscapeAttribute(output, uri);
            output.Append('"');
            childRendered ??= new Dictionary<string, string>(rendered, StringComparer.Ordinal);
            childRendered[prefix] = uri;
        }

        var attributes = new List<(string Namespace, string LocalName, string Name, string Value)>();
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.NamespaceURI == XmlnsNamespace)
            {
                continue;
            }

            if (attribute.Prefix.Length == 0 && attribute.NamespaceURI.Length > 0)
            {
                throw new ArgumentException($"The attribute '{attribute.LocalName}' has a namespace but no prefix; it cannot be canonicalized.", nameof(element));
            }

            attributes.Add((attribute.NamespaceURI, attribute.LocalName, attribute.Name, attribute.Value));
        }

        if (inheritedXmlAttributes is not null)
        {
            foreach (var (localName, value) in inheritedXmlAttributes)
            {
                if (element.GetAttributeNode(localName, XmlNamespace) is null)
                {
                    attributes.Add((XmlNamespace, localName, "xml:" + localName, value));
                }
            }
        }

        attributes.Sort(static (a, b) => CanonicalXmlWriter.CompareAttributes(a.Namespace, a.LocalName, b.Namespace, b.LocalName));
        foreach (var attribute in attributes)
        {
            CanonicalXmlWriter.WriteAttribute(output, attribute.Name, attribute.Value);
        }

        output.Append('>');
        WriteChildren(output, element, inScope, childRendered ?? rendered, withComments);
        output.Append("</").Append(element.Name).Append('>');
    }

    private static void WriteChildren(StringBuilder output, XmlNode parent, Dictionary<string, string> inScope,
        Dictionary<string, string> rendered, bool withComments)
    {
        for (var child = parent.FirstChild; child is not null; child = child.NextSibling)
        {
            switch (child)
            {
                case XmlElement element:
                    WriteElement(output, element, inScope, rendered, withComments, null);
                    break;
                case XmlText or XmlCDataSection or XmlWhitespace or XmlSignificantWhitespace:
                    CanonicalXmlWriter.EscapeText(output, child.Value ?? string.Empty);
                    break;
                case XmlComment comment when withComments:
                    WriteComment(output, comment);
                    break;
                case XmlProcessingInstruction pi:
                    CanonicalXmlWriter.WriteProcessingInstruction(output, pi);
                    break;
                case XmlEntityReference:
                    WriteChildren(output, child, inScope, rendered, withComments);
                    break;
                default:
                    break;
            }
        }
    }

    private static void WriteComment(StringBuilder output, XmlComment comment) =>
        output.Append("<!--").Append(comment.Value).Append("-->");
}
