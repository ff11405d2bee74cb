using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace Segur.Core.Tests.Security;

public sealed class ExclusiveCanonicalizationTests
{
    [Fact]
    public void Canonicalize_AttributesAndNamespaces_AreSortedAndEscaped()
    {
        var doc = SecurityFixture.Load("<a:root b:x=\"3\" z=\"1\" xmlns:b=\"urn:b\" a:y=\"2\" xmlns:a=\"urn:a\"><a:child>t&amp;&lt;&gt;\"'</a:child></a:root>");

        Assert.Equal("<a:root xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" z=\"1\" a:y=\"2\" b:x=\"3\"><a:child>t&amp;&lt;&gt;\"'</a:child></a:root>",
            SecurityFixture.C14n(doc.DocumentElement!));
    }

    [Fact]
    public void Canonicalize_Subtree_RendersOnlyVisiblyUtilizedAncestorNamespaces()
    {
        var doc = SecurityFixture.Load("<r xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:unused=\"urn:u\"><p:e attr=\"v\">x</p:e></r>");
        var element = (XmlElement)doc.DocumentElement!.FirstChild!;

        Assert.Equal("<p:e xmlns:p=\"urn:p\" attr=\"v\">x</p:e>", SecurityFixture.C14n(element));
    }

    [Fact]
    public void Canonicalize_DefaultNamespaceUndeclared_EmitsEmptyXmlnsOnlyWhenAncestorRenderedOne()
    {
        var doc = SecurityFixture.Load("<r xmlns=\"urn:d\"><c xmlns=\"\"><d/></c></r>");

        Assert.Equal("<r xmlns=\"urn:d\"><c xmlns=\"\"><d></d></c></r>", SecurityFixture.C14n(doc.DocumentElement!));
        Assert.Equal("<c><d></d></c>", SecurityFixture.C14n((XmlElement)doc.DocumentElement!.FirstChild!));
    }

    [Fact]
    public void Canonicalize_AttributeValues_EscapeQuotesLessThanAndWhitespaceCharacters()
    {
        var doc = SecurityFixture.Load("<e a=\"&lt;&amp;&quot;&gt;&#9;&#10;&#13;'\">&#13;</e>");

        Assert.Equal("<e a=\"&lt;&amp;&quot;>&#x9;&#xA;&#xD;'\">&#xD;</e>", SecurityFixture.C14n(doc.DocumentElement!));
    }

    [Fact]
    public void Canonicalize_CommentsDroppedWhitespaceKeptEmptyElementsExpanded()
    {
        var doc = SecurityFixture.Load("<e>\n  <!-- note --><f/>  <g>a<![CDATA[<b>]]></g>\n</e>");

        Assert.Equal("<e>\n  <f></f>  <g>a&lt;b&gt;</g>\n</e>", SecurityFixture.C14n(doc.DocumentElement!));
    }

    [Fact]
    public void Canonicalize_InclusivePrefixList_RendersListedPrefixUsedOnlyInContent()
    {
        var doc = SecurityFixture.Load("<r xmlns:xs=\"urn:xs\" xmlns:q=\"urn:q\"><v type=\"xs:string\">a</v></r>");
        var value = (XmlElement)doc.DocumentElement!.FirstChild!;

        Assert.Equal("<v type=\"xs:string\">a</v>", SecurityFixture.C14n(value));
        Assert.Equal("<v xmlns:xs=\"urn:xs\" type=\"xs:string\">a</v>", SecurityFixture.C14n(value, ["xs"]));
        Assert.Equal("<v xmlns:xs=\"urn:xs\" type=\"xs:string\">a</v>", SecurityFixture.C14n(value, ["xs", "absent"]));
    }

    [Fact]
    public void Canonicalize_RedundantRedeclaration_IsNotRepeated()
    {
        var doc = SecurityFixture.Load("<p:a xmlns:p=\"urn:p\"><p:b xmlns:p=\"urn:p\"/><p:c xmlns:p=\"urn:other\"/></p:a>");

        Assert.Equal("<p:a xmlns:p=\"urn:p\"><p:b></p:b><p:c xmlns:p=\"urn:other\"></p:c></p:a>", SecurityFixture.C14n(doc.DocumentElement!));
    }

    [Fact]
    public void Canonicalize_ExcludedSubtree_IsLeftOut()
    {
        var doc = SecurityFixture.Load("<a><b>1</b><sig><x/></sig><c>2</c></a>");
        var excluded = doc.DocumentElement!.ChildNodes[1];

        Assert.Equal("<a><b>1</b><c>2</c></a>", SecurityFixture.C14n(doc.DocumentElement!, excluded: excluded));
    }

    [Fact]
    public void Canonicalize_InMemoryDomWithoutXmlnsAttributes_DeclaresNamespacesFromNodes()
    {
        var doc = new XmlDocument();
        var root = doc.CreateElement("p", "a", "urn:p");
        doc.AppendChild(root);
        var child = doc.CreateElement("b", "urn:default");
        var attribute = doc.CreateAttribute("q", "at", "urn:q");
        attribute.Value = "v";
        child.Attributes.Append(attribute);
        root.AppendChild(child);

        Assert.Equal("<p:a xmlns:p=\"urn:p\"><b xmlns=\"urn:default\" xmlns:q=\"urn:q\" q:at=\"v\"></b></p:a>", SecurityFixture.C14n(root));
    }

    [Fact]
    public void Canonicalize_NamespacedAttributeWithoutPrefix_ThrowsArgumentException()
    {
        var doc = new XmlDocument();
        var root = doc.CreateElement("a");
        doc.AppendChild(root);
        root.SetAttribute("at", "urn:q", "v");

        Assert.Throws<ArgumentException>(() => SecurityFixture.C14n(root));
    }

    [Fact]
    public void Canonicalize_XmlAttributes_AreKeptOnlyWhereWritten()
    {
        var doc = SecurityFixture.Load("<a xml:lang=\"fr\"><b>t</b></a>");

        Assert.Equal("<a xml:lang=\"fr\"><b>t</b></a>", SecurityFixture.C14n(doc.DocumentElement!));
        Assert.Equal("<b>t</b>", SecurityFixture.C14n((XmlElement)doc.DocumentElement!.FirstChild!));
    }

    public static TheoryData<string, string?> CrossCheckDocuments => new()
    {
        { "<a:root b:x=\"3\" z=\"1\" xmlns:b=\"urn:b\" a:y=\"2\" xmlns:a=\"urn:a\"><a:child>t&amp;&lt;&gt;</a:child></a:root>", null },
        { "<r xmlns=\"urn:d\" xmlns:p=\"urn:p\"><c xmlns=\"\"><d p:k=\"1\"/></c>\r\n<!-- c --><p:e>x</p:e></r>", null },
        { "<e a=\"&lt;&amp;&quot;&gt;&#9;&#10;&#13;\" xml:space=\"preserve\">  &#13; <?pi data?> </e>", null },
        { "<r xmlns:xs=\"urn:xs\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><v xsi:type=\"xs:string\">a</v></r>", "xs" },
        { "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsu=\"urn:wsu\"><s:Header/><s:Body wsu:Id=\"b\"><m xmlns=\"urn:m\">é€😀</m></s:Body></s:Envelope>", null },
        { "<x:a xmlns:x=\"urn:x\" xmlns=\"urn:def\"><b><x:c xmlns=\"\"><d/></x:c></b></x:a>", "#default" },
    };

    [Theory]
    [MemberData(nameof(CrossCheckDocuments))]
    public void Canonicalize_Documents_MatchesSystemSecurityCryptographyXml(string xml, string? prefixes)
    {
        var doc = SecurityFixture.Load(xml);
        var transform = prefixes is null ? new XmlDsigExcC14NTransform() : new XmlDsigExcC14NTransform(prefixes);
        transform.LoadInput(doc);
        using var stream = (Stream)transform.GetOutput(typeof(Stream));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var expected = reader.ReadToEnd();

        var actual = SecurityFixture.C14n(doc.DocumentElement!, prefixes?.Split(' '));

        Assert.Equal(expected, actual);
    }
}
