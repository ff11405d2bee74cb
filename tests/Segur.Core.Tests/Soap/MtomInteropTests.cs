using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.WebUtilities;
using Segur.Soap;

namespace Segur.Core.Tests.Soap;

/// <summary>Checks the MTOM writer and reader against independent MIME implementations (ASP.NET Core's
/// MultipartReader, System.Net.Http's MultipartContent).</summary>
public class MtomInteropTests
{
    [Fact]
    public async Task WriteAsync_OutputIsReadByAspNetCoreMultipartReader()
    {
        var document = new byte[300_000];
        new Random(5).NextBytes(document);
        using var attachment = new MtomAttachment("doc@segur", "application/pdf", new MemoryStream(document));
        var boundary = MtomWriter.NewBoundary();
        var wire = new MemoryStream();
        await MtomWriter.WriteAsync(wire, boundary, w => SoapEnvelopeWriter.WriteResponse(w, b =>
        {
            b.WriteStartElement("Document", "urn:ihe:iti:xds-b:2007");
            attachment.WriteXopInclude(b);
            b.WriteEndElement();
        }), [attachment]);
        wire.Position = 0;

        var reader = new MultipartReader(boundary, wire);
        var root = (await reader.ReadNextSectionAsync())!;
        var rootXml = new MemoryStream();
        await root.Body.CopyToAsync(rootXml);
        rootXml.Position = 0;
        var binary = (await reader.ReadNextSectionAsync())!;

        Assert.Equal("<root.message@segur>", root.Headers!["Content-ID"].ToString());
        Assert.StartsWith("application/xop+xml", root.ContentType, StringComparison.Ordinal);
        var envelope = SoapEnvelope.Load(rootXml);
        Assert.Equal("cid:doc@segur", MtomMessage.FindXopIncludes(envelope.Body).Single().GetAttribute("href"));
        Assert.Equal("<doc@segur>", binary.Headers!["Content-ID"].ToString());
        Assert.Equal("binary", binary.Headers["Content-Transfer-Encoding"].ToString());
        var copy = new MemoryStream();
        await binary.Body.CopyToAsync(copy);
        Assert.Equal(document, copy.ToArray());
        Assert.Null(await reader.ReadNextSectionAsync());
    }

    [Fact]
    public async Task ReadAsync_ParsesMultipartContentFromSystemNetHttp()
    {
        using var content = new MultipartContent("related", "independent-boundary");
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/xop+xml\""));
        content.Headers.ContentType.Parameters.Add(new NameValueHeaderValue("start", "\"<env@x>\""));
        var root = new StringContent($"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\"><e:Body><d xmlns:xop=\"{SoapNamespaces.Xop}\"><xop:Include href=\"cid:bin@x\"/></d></e:Body></e:Envelope>", Encoding.UTF8);
        root.Headers.ContentType = MediaTypeHeaderValue.Parse("application/xop+xml; charset=utf-8; type=\"application/soap+xml\"");
        root.Headers.Add("Content-ID", "<env@x>");
        var binary = new ByteArrayContent([0, 13, 10, 45, 45, 255]);
        binary.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        binary.Headers.Add("Content-ID", "<bin@x>");
        content.Add(binary);
        content.Add(root);
        var wire = new MemoryStream();
        await content.CopyToAsync(wire);
        wire.Position = 0;

        using var message = await MtomMessage.ReadAsync(wire, content.Headers.ContentType.ToString());

        var envelope = SoapEnvelope.Load(message.Root.OpenRead());
        var attachment = message.GetAttachment((XmlElement)envelope.BodyContent!)!;
        await using var stream = attachment.OpenRead();
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        Assert.Equal(new byte[] { 0, 13, 10, 45, 45, 255 }, bytes.ToArray());
    }
}
