using System.Text;
using System.Xml;
using System.Xml.Schema;
using Segur.Soap;
using Segur.Xml;

namespace Segur.Core.Tests.Soap;

public class SoapEnvelopeTests
{
    [Fact]
    public void WriteEnvelope_ThenParse_RoundTripsHeadersAndBody()
    {
        var request = new SoapRequest(new Uri("https://example.test/svc"), "urn:test:op", w => w.WriteElementString("p", "Ping", "urn:test", "hello"));
        request.Headers.Add(SoapHeaderBlock.Create("h", "Trace", "urn:test:h", w => w.WriteString("t-1"), mustUnderstand: true, role: "urn:role:next"));
        var element = new XmlDocument().CreateElement("x", "Other", "urn:test:x");
        element.InnerText = "o";
        request.Headers.Add(SoapHeaderBlock.FromElement(element));

        var envelope = SoapEnvelope.Parse(Encoding.UTF8.GetString(request.ToBytes()));

        Assert.Equal(SoapVersion.Soap12, envelope.Version);
        Assert.False(envelope.IsFault);
        Assert.Equal("Ping", envelope.BodyContent!.LocalName);
        Assert.Equal("hello", envelope.BodyContent.InnerText);
        var trace = envelope.FindHeader("Trace", "urn:test:h")!;
        Assert.Equal("t-1", trace.InnerText);
        Assert.True(envelope.IsMustUnderstand(trace));
        Assert.Equal("urn:role:next", trace.GetAttribute("role", SoapNamespaces.Soap12));
        var other = envelope.FindHeader("Other", "urn:test:x")!;
        Assert.False(envelope.IsMustUnderstand(other));
        Assert.Equal("o", other.InnerText);
        Assert.Equal("urn:test:op", envelope.Addressing.Action);
        Assert.Equal(request.MessageId, envelope.Addressing.MessageId);
        Assert.StartsWith("urn:uuid:", request.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteEnvelope_ElementHeaderAlreadyMarked_DoesNotDuplicateAttributes()
    {
        var doc = new XmlDocument();
        doc.LoadXml($"<a:H xmlns:a=\"urn:a\" xmlns:s=\"{SoapNamespaces.Soap12}\" s:mustUnderstand=\"false\" s:role=\"urn:r1\">v</a:H>");
        var request = new SoapRequest(new Uri("https://example.test/"), "urn:op", _ => { });
        request.Headers.Add(SoapHeaderBlock.FromElement(doc.DocumentElement!, mustUnderstand: true, role: "urn:r2"));

        var envelope = SoapEnvelope.Parse(Encoding.UTF8.GetString(request.ToBytes()));

        var header = envelope.FindHeader("H", "urn:a")!;
        Assert.True(envelope.IsMustUnderstand(header));
        Assert.Equal("urn:r2", header.GetAttribute("role", SoapNamespaces.Soap12));
    }

    [Fact]
    public void EnsureUnderstood_UnknownMustUnderstandHeader_ThrowsNamingIt()
    {
        var envelope = SoapEnvelope.Parse($"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\"><e:Header><k:Key xmlns:k=\"urn:k\" e:mustUnderstand=\"1\"/><k:Opt xmlns:k=\"urn:k\"/></e:Header><e:Body/></e:Envelope>");

        var ex = Assert.Throws<SegurProtocolException>(() => envelope.EnsureUnderstood(_ => false));
        Assert.Equal(CoreErrorCodes.SoapMustUnderstand, ex.ErrorCode);
        Assert.Contains("{urn:k}Key", ex.Message, StringComparison.Ordinal);
        envelope.EnsureUnderstood(h => h.LocalName == "Key");
        Assert.Null(envelope.BodyContent);
    }

    [Fact]
    public void Parse_Dtd_IsRefused()
    {
        var hostile = $"<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\"><e:Body>&x;</e:Body></e:Envelope>";

        var ex = Assert.Throws<SegurValidationException>(() => SoapEnvelope.Parse(hostile));
        Assert.Equal(CoreErrorCodes.XmlDtdProhibited, ex.ErrorCode);
    }

    [Theory]
    [InlineData("<html><body>Service Unavailable</body></html>", "root element is 'html'")]
    [InlineData("<Envelope xmlns=\"urn:other\"><Body/></Envelope>", "namespace is 'urn:other'")]
    [InlineData("<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Header/></e:Envelope>", "no Body")]
    [InlineData("<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body/><e:Trailer/></e:Envelope>", "unexpected element 'Trailer'")]
    public void Parse_NotAnEnvelope_ThrowsEnvelopeInvalid(string xml, string expected)
    {
        var ex = Assert.Throws<SegurProtocolException>(() => SoapEnvelope.Parse(xml));
        Assert.Equal(CoreErrorCodes.SoapEnvelopeInvalid, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Soap11Envelope_IsRead()
    {
        var envelope = SoapEnvelope.Parse($"<s:Envelope xmlns:s=\"{SoapNamespaces.Soap11}\"><s:Header><h:A xmlns:h=\"urn:h\" s:mustUnderstand=\"1\"/></s:Header><s:Body><r:R xmlns:r=\"urn:r\"/></s:Body></s:Envelope>");

        Assert.Equal(SoapVersion.Soap11, envelope.Version);
        Assert.True(envelope.IsMustUnderstand(envelope.Headers[0]));
        Assert.Equal("R", envelope.BodyContent!.LocalName);
    }

    public static TheoryData<string> InsiExamples() =>
        new(Directory.GetFiles(SoapTestData.Reference("insi", "examples"), "*.xml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(InsiExamples))]
    public void Load_RealInsiResponses_ExposesResultat(string file)
    {
        using var stream = File.OpenRead(SoapTestData.Reference("insi", "examples", file));

        var envelope = SoapEnvelope.Load(stream);

        Assert.Equal(SoapVersion.Soap12, envelope.Version);
        Assert.False(envelope.IsFault);
        Assert.Empty(envelope.Headers);
        Assert.Null(envelope.Addressing.RelatesTo);
        Assert.Equal("RESULTAT", envelope.BodyContent!.LocalName);
        Assert.Equal("http://www.cnamts.fr/INSiResultat", envelope.BodyContent.NamespaceURI);
        var ns = new XmlNamespaceManager(envelope.Document.NameTable);
        ns.AddNamespace("r", "http://www.cnamts.fr/INSiResultat");
        Assert.Matches("^0[0-2]$", envelope.BodyContent.SelectSingleNode("r:CR/r:CodeCR", ns)!.InnerText);
        envelope.Addressing.EnsureRelatesTo("uuid:any"); // INSi sends no RelatesTo: accepted unless required
    }

    [Fact]
    public void WriteEnvelope_InsiTraitsSearch_ParsesBackAndValidatesAgainstTheInsiSchemas()
    {
        var request = SoapTestData.InsiTraitsRequest();

        var envelope = SoapEnvelope.Load(new MemoryStream(request.ToBytes()));

        Assert.Equal(SoapTestData.InsiTraitsAction, envelope.Addressing.Action);
        Assert.Equal("uuid:6f1c0f51-6b8e-4a86-9d41-6f1e4b3a0c11", envelope.Addressing.MessageId);
        Assert.Null(envelope.Addressing.To);
        var schemas = new XmlSchemaSet { XmlResolver = null };
        foreach (var xsd in new[] { "ServiceIdentiteCertifiee/INSi_RECSANS_INS.xsd", "CTX/ROOT_ctxlps_CTXLPS_V01_00.xsd", "CTX/ROOT_ctxbam_CTXBAM_V01_02.xsd" })
        {
            using var reader = XmlReader.Create(SoapTestData.Reference(["insi", "xsd", .. xsd.Split('/')]));
            schemas.Add(XmlSchema.Read(reader, null)!);
        }

        schemas.Compile();
        var errors = new List<string>();
        foreach (var element in new[] { envelope.BodyContent!, envelope.FindHeader("ContexteLPS", SoapTestData.CtxLps)!, envelope.FindHeader("ContexteBAM", SoapTestData.CtxBam)! })
        {
            var doc = SafeXml.LoadDocument(element.OuterXml);
            doc.Schemas = schemas;
            doc.Validate((_, e) => errors.Add($"{element.LocalName}: {e.Message}"));
        }

        Assert.Empty(errors);
    }

    [Fact]
    public void ToXmlDocument_ThenPrebuiltRequest_KeepsMessageIdAndBytes()
    {
        var original = SoapTestData.InsiTraitsRequest("uuid:11111111-2222-3333-4444-555555555555");
        var document = original.ToXmlDocument();

        var prebuilt = new SoapRequest(SoapTestData.Endpoint, SoapTestData.InsiTraitsAction, document) { MessageId = "ignored" };

        Assert.Equal("uuid:11111111-2222-3333-4444-555555555555", prebuilt.MessageId);
        Assert.Equal(Encoding.UTF8.GetString(original.ToBytes()), Encoding.UTF8.GetString(prebuilt.ToBytes()));
    }

    [Fact]
    public void Constructor_PrebuiltDocumentNotSoap12_ThrowsArgumentException()
    {
        var doc = new XmlDocument();
        doc.LoadXml($"<s:Envelope xmlns:s=\"{SoapNamespaces.Soap11}\"><s:Body/></s:Envelope>");

        Assert.Throws<ArgumentException>(() => new SoapRequest(SoapTestData.Endpoint, "urn:a", doc));
        Assert.Throws<ArgumentException>(() => new SoapRequest(new Uri("/relative", UriKind.Relative), "urn:a", _ => { }));
        Assert.Throws<ArgumentException>(() => SoapHeaderBlock.FromElement(new XmlDocument().CreateElement("NoNamespace")));
    }

    [Fact]
    public void WriteEnvelope_AddressingDisabledAndNoHeaders_WritesNoHeader()
    {
        var request = new SoapRequest(SoapTestData.Endpoint, "urn:a", w => w.WriteElementString("B", "urn:b", "x")) { WriteAddressing = false };

        var envelope = SoapEnvelope.Parse(Encoding.UTF8.GetString(request.ToBytes()));

        Assert.Empty(envelope.Headers);
        Assert.DoesNotContain("Header", Encoding.UTF8.GetString(request.ToBytes()), StringComparison.Ordinal);
    }
}
