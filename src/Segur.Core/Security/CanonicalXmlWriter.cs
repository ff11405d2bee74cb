using System.Text;
using System.Xml;

namespace Segur.Security;

/// <summary>What the two canonicalizations (<see cref="ExclusiveCanonicalization"/>, <see cref="InclusiveCanonicalization"/>)
/// write the same way: escaping of text and attribute values, processing instructions, attribute order
/// (Canonical XML 1.0 §2.3, Exclusive XML Canonicalization §3).</summary>
internal static class CanonicalXmlWriter
{
    /// <summary>Orders attributes by namespace URI, then local name.</summary>
    public static int CompareAttributes(string namespaceA, string localNameA, string namespaceB, string localNameB)
    {
        var byNamespace = string.CompareOrdinal(namespaceA, namespaceB);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(localNameA, localNameB);
    }

    /// <summary>Writes <c> name="value"</c> with the value escaped.</summary>
    public static void WriteAttribute(StringBuilder output, string name, string value)
    {
        output.Append(' ').Append(name).Append("=\"");
        EscapeAttribute(output, value);
        output.Append('"');
    }

    /// <summary>Writes a processing instruction.</summary>
    public static void WriteProcessingInstruction(StringBuilder output, XmlProcessingInstruction pi)
    {
        output.Append("<?").Append(pi.Target);
        if (!string.IsNullOrEmpty(pi.Data))
        {
            output.Append(' ').Append(pi.Data);
        }

        output.Append("?>");
    }

    /// <summary>Escapes a text node.</summary>
    public static void EscapeText(StringBuilder output, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '>': output.Append("&gt;"); break;
                case '\r': output.Append("&#xD;"); break;
                default: output.Append(c); break;
            }
        }
    }

    /// <summary>Escapes an attribute value.</summary>
    public static void EscapeAttribute(StringBuilder output, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '"': output.Append("&quot;"); break;
                case '\t': output.Append("&#x9;"); break;
                case '\n': output.Append("&#xA;"); break;
                case '\r': output.Append("&#xD;"); break;
                default: output.Append(c); break;
            }
        }
    }
}
