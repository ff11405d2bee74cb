using System.Text;
using Segur.Xml;

namespace Segur.Core.Tests;

public class SafeXmlTests
{
    [Fact]
    public void LoadDocument_WellFormed_KeepsWhitespace()
    {
        var doc = SafeXml.LoadDocument("<a>\n  <b>x</b>\n</a>");
        Assert.Equal("a", doc.DocumentElement!.Name);
        Assert.Equal(3, doc.DocumentElement.ChildNodes.Count);
    }

    [Fact]
    public void LoadDocument_Dtd_IsRefused()
    {
        const string bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
        var ex = Assert.Throws<SegurValidationException>(() => SafeXml.LoadDocument(bomb));
        Assert.Equal(CoreErrorCodes.XmlDtdProhibited, ex.ErrorCode);
    }

    [Fact]
    public void LoadDocument_ExternalEntity_IsRefused()
    {
        const string xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        var ex = Assert.Throws<SegurValidationException>(() => SafeXml.LoadDocument(new MemoryStream(Encoding.UTF8.GetBytes(xxe))));
        Assert.Equal(CoreErrorCodes.XmlDtdProhibited, ex.ErrorCode);
    }

    [Fact]
    public void LoadDocument_Malformed_ReportsLine()
    {
        var ex = Assert.Throws<SegurValidationException>(() => SafeXml.LoadDocument("<a>\n<b></a>"));
        Assert.Equal(CoreErrorCodes.XmlMalformed, ex.ErrorCode);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDocument_TooLarge_IsRefused()
    {
        var xml = "<a>" + new string('x', 5000) + "</a>";
        var ex = Assert.Throws<SegurValidationException>(() => SafeXml.LoadDocument(new MemoryStream(Encoding.UTF8.GetBytes(xml)), maxCharacters: 1000));
        Assert.Equal(CoreErrorCodes.XmlTooLarge, ex.ErrorCode);
    }

    [Fact]
    public void LoadDocument_TooDeep_IsRefused()
    {
        var xml = string.Concat(Enumerable.Repeat("<a>", 50)) + string.Concat(Enumerable.Repeat("</a>", 50));
        var ex = Assert.Throws<SegurValidationException>(() => SafeXml.LoadDocument(new MemoryStream(Encoding.UTF8.GetBytes(xml)), maxDepth: 10));
        Assert.Equal(CoreErrorCodes.XmlTooDeep, ex.ErrorCode);
    }
}
