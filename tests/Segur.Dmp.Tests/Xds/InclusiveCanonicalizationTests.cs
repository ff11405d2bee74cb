using Segur.Security;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Segur.Dmp.Xds;

namespace Segur.Dmp.Tests.Xds;

/// <summary>Canonical XML 1.0 checked against System.Security.Cryptography.Xml's transforms (an independent implementation).</summary>
public sealed class InclusiveCanonicalizationTests
{
    private const string Sample =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"CDA.xsl\"?>\n<!-- before -->\n" +
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xml:lang=\"fr-FR\" b=\"2\" a=\"1 &amp; &lt;\">\r\n" +
        "  <!-- inner comment -->\n  <id root=\"1.2.3\"/>\n  <p:x xmlns:p=\"urn:p\" p:z=\"z\" y=\"&#9;tab\"><![CDATA[a<b]]> &gt; text&#13;</p:x>\n" +
        "  <nested xmlns=\"\"><deep attr='q\"q'/></nested>\n  <value xsi:type=\"ST\">é€</value>\n</ClinicalDocument>\n<!-- after -->";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CanonicalizeDocument_MatchesDotNetTransform(bool withComments)
    {
        var ours = InclusiveCanonicalization.Canonicalize(InclusiveCanonicalization.Load(Encoding.UTF8.GetBytes(Sample)), withComments);

        Assert.Equal(Reference(LoadForReference(Sample), withComments), Encoding.UTF8.GetString(ours));
        Assert.Equal(withComments, Encoding.UTF8.GetString(ours).Contains("<!-- inner comment -->", StringComparison.Ordinal));
        Assert.StartsWith("<?xml-stylesheet type=\"text/xsl\" href=\"CDA.xsl\"?>\n", Encoding.UTF8.GetString(ours), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalizeSubtree_RendersInheritedNamespacesAndXmlAttributes()
    {
        var document = InclusiveCanonicalization.Load(Encoding.UTF8.GetBytes(Sample));
        var element = (XmlElement)document.GetElementsByTagName("x", "urn:p")[0]!;

        var ours = Encoding.UTF8.GetString(InclusiveCanonicalization.Canonicalize(element, withComments: true));

        Assert.Equal(
            "<p:x xmlns=\"urn:hl7-org:v3\" xmlns:p=\"urn:p\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" y=\"&#x9;tab\" xml:lang=\"fr-FR\" p:z=\"z\">a&lt;b &gt; text&#xD;</p:x>",
            ours);
    }

    [Fact]
    public void CanonicalizeSubtree_UndeclaredDefaultNamespace_RendersEmptyXmlns()
    {
        var document = InclusiveCanonicalization.Load(Encoding.UTF8.GetBytes(Sample));
        var element = (XmlElement)document.GetElementsByTagName("ClinicalDocument", "urn:hl7-org:v3")[0]!;

        var ours = Encoding.UTF8.GetString(InclusiveCanonicalization.Canonicalize(element, withComments: false));

        Assert.Contains("<nested xmlns=\"\"><deep attr=\"q&quot;q\"></deep></nested>", ours, StringComparison.Ordinal);
        Assert.Contains("y=\"&#x9;tab\"", ours, StringComparison.Ordinal);
        Assert.Contains("a&lt;b &gt; text&#xD;", ours, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Dtd_Refused()
    {
        var ex = Assert.Throws<SegurValidationException>(() =>
            InclusiveCanonicalization.Load(Encoding.UTF8.GetBytes("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>")));

        Assert.Equal(CoreErrorCodes.XmlDtdProhibited, ex.ErrorCode);
    }

    private static XmlDocument LoadForReference(string xml)
    {
        // XmlReader normalizes line ends as XML 1.0 requires (XmlDocument.LoadXml does not).
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        document.Load(reader);
        return document;
    }

    private static string Reference(XmlDocument document, bool withComments)
    {
        Transform transform = withComments ? new XmlDsigC14NWithCommentsTransform() : new XmlDsigC14NTransform();
        transform.LoadInput(document);
        using var reader = new StreamReader((Stream)transform.GetOutput(typeof(Stream)), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
