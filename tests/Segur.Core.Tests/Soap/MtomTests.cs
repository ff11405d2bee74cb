using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Segur.Soap;

namespace Segur.Core.Tests.Soap;

public sealed class MtomTests : IDisposable
{
    private const string Cda = "urn:hl7-org:v3";
    private readonly string _temp = Directory.CreateTempSubdirectory("segur-mtom-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private MtomReaderOptions Options(long threshold = 1024) => new() { MemoryThreshold = threshold, TempDirectory = _temp };

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task WriteAsync_ThenReadAsync_MultiMegabyteAttachmentRoundTripsThroughDisk()
    {
        var document = RandomBytes(6 * 1024 * 1024 + 13);
        var small = Encoding.UTF8.GetBytes("%PDF-1.4 tiny");
        using var big = new MtomAttachment("doc1@segur", "application/octet-stream", new MemoryStream(document));
        using var tiny = new MtomAttachment(MtomAttachment.NewContentId(), "application/pdf", new MemoryStream(small));
        var boundary = MtomWriter.NewBoundary();
        var wire = new MemoryStream();

        await MtomWriter.WriteAsync(wire, boundary, w =>
        {
            w.WriteStartElement("Documents", Cda);
            w.WriteStartElement("Document", Cda);
            big.WriteXopInclude(w);
            w.WriteEndElement();
            w.WriteStartElement("Document", Cda);
            tiny.WriteXopInclude(w);
            w.WriteEndElement();
            w.WriteEndElement();
        }, [big, tiny]);
        wire.Position = 0;
        using var message = await MtomMessage.ReadAsync(new ChunkedStream(wire, 7919), MtomWriter.GetContentType(boundary, action: "urn:a"), Options(64 * 1024));

        Assert.Equal(2, message.Attachments.Count);
        using var rootStream = message.Root.OpenRead();
        var root = new XmlDocument();
        root.Load(rootStream);
        var includes = MtomMessage.FindXopIncludes(root);
        Assert.Equal(2, includes.Count);
        var first = message.GetAttachment((XmlElement)includes[0].ParentNode!)!;
        Assert.True(first.IsBufferedOnDisk);
        Assert.Equal(document.Length, first.Length);
        Assert.Equal(SHA256.HashData(document), await HashAsync(first));
        Assert.Equal(SHA256.HashData(document), await HashAsync(first)); // each OpenRead is independent
        var second = message.GetAttachment(includes[1])!;
        Assert.False(second.IsBufferedOnDisk);
        Assert.Equal("application/pdf", second.ContentType);
        Assert.Equal(small, await ReadAllAsync(second));
        Assert.Empty(Directory.GetFiles(_temp)); // spilled parts leave no named file behind (unlinked on Unix)
    }

    [Fact]
    public async Task ReadAsync_DisposedMessage_AttachmentCannotBeRead()
    {
        var body = Multipart("b", ("<root>", "<r/>"), ("<a1>", new string('x', 5000)));
        var message = await MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=b", Options(100));
        var attachment = message.Attachments["a1"];
        Assert.True(attachment.IsBufferedOnDisk);

        message.Dispose();

        Assert.Throws<ObjectDisposedException>(() => attachment.OpenRead());
    }

    [Fact]
    public async Task ReadAsync_MissingStartParameter_UsesFirstPartAsRoot()
    {
        var body = Multipart("simple", ("<first>", "<a/>"), ("<second>", "B"));

        using var message = await MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=simple; type=\"application/xop+xml\"", Options());

        Assert.Equal("first", message.Root.ContentId);
        Assert.Equal("<a/>", await ReadTextAsync(message.Root));
        Assert.Equal("B", await ReadTextAsync(message.Attachments["second"]));
    }

    [Fact]
    public async Task ReadAsync_StartParameter_SelectsRootAnywhere()
    {
        var body = Multipart("b", ("<att>", "BIN"), ("<root@x>", "<a/>"));

        using var message = await MtomMessage.ReadAsync(new MemoryStream(body), "Multipart/Related;boundary=\"b\";start=\"<root@x>\";start-info=\"application/soap+xml\"", Options());

        Assert.Equal("root@x", message.Root.ContentId);
        Assert.Equal("BIN", await ReadTextAsync(message.Attachments["att"]));
    }

    [Fact]
    public async Task ReadAsync_PreambleEpiloguePaddingAndBareLineFeeds_AreTolerated()
    {
        var text = "This is a preamble.\r\n--q b; x\"y \t \n"
                   + "Content-ID: <r>\nContent-Type: application/xop+xml;\n type=\"application/soap+xml\"\n\n<a/>\n"
                   + "--q b; x\"y\r\ncontent-id:<p>\r\ncontent-transfer-encoding: BINARY\r\n\r\nline1\r\nline2\r\n"
                   + "--q b; x\"y--  \r\nepilogue ignored --q b; x\"y";

        using var message = await MtomMessage.ReadAsync(new ChunkedStream(new MemoryStream(Encoding.ASCII.GetBytes(text)), 3),
            "multipart/related; boundary=\"q b; x\\\"y\"", Options());

        Assert.Equal("<a/>", await ReadTextAsync(message.Root));
        Assert.Equal("application/xop+xml; type=\"application/soap+xml\"", message.Root.ContentType);
        Assert.Equal("line1\r\nline2", await ReadTextAsync(message.Attachments["p"]));
    }

    [Fact]
    public async Task ReadAsync_ContentThatLooksLikeAPartialBoundary_IsKept()
    {
        var payload = "--b-not\r\n-\r\n--\r\n--bx";
        var body = Multipart("bb", ("<r>", "<a/>"), ("<p>", payload));

        using var message = await MtomMessage.ReadAsync(new ChunkedStream(new MemoryStream(body), 1), "multipart/related; boundary=bb", Options());

        Assert.Equal(payload, await ReadTextAsync(message.Attachments["p"]));
    }

    [Fact]
    public async Task ReadAsync_EmptyPart_IsAllowed()
    {
        var body = Multipart("b", ("<r>", "<a/>"), ("<empty>", string.Empty));

        using var message = await MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=b", Options());

        Assert.Equal(0, message.Attachments["empty"].Length);
    }

    [Theory]
    [InlineData("multipart/related", CoreErrorCodes.MultipartBoundaryInvalid, "no boundary")]
    [InlineData("multipart/related; boundary=\"\"", CoreErrorCodes.MultipartBoundaryInvalid, "no boundary")]
    [InlineData("application/soap+xml; boundary=b", CoreErrorCodes.MultipartUnsupported, "not multipart")]
    [InlineData("multipart/related; boundary=other", CoreErrorCodes.MultipartMalformed, "does not match")]
    [InlineData("multipart/related; boundary=b; start=\"<nope>\"", CoreErrorCodes.MtomRootMissing, "<nope>")]
    public async Task ReadAsync_BadContentType_ThrowsClearError(string contentType, string code, string expected)
    {
        var body = Multipart("b", ("<r>", "<a/>"));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => MtomMessage.ReadAsync(new MemoryStream(body), contentType, Options()));

        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--b\r\nContent-ID: <r>\r\n\r\n<a/>", "closing boundary is missing")]
    [InlineData("--b\r\nContent-ID: <r>\r\n", "inside part headers")]
    [InlineData("--b\r\nBad header line\r\n\r\nx\r\n--b--", "no name")]
    [InlineData("--bogus\r\n\r\nx\r\n--b--", "unexpected characters")]
    [InlineData("--b--\r\n", "no part")]
    [InlineData("--b\r\nContent-ID: <r>\r\n\r\n1\r\n--b\r\nContent-ID: <x>\r\n\r\n2\r\n--b\r\nContent-ID: <x>\r\n\r\n3\r\n--b--", "Two parts")]
    public async Task ReadAsync_MalformedBody_ThrowsMalformedNamingTheProblem(string body, string expected)
    {
        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() =>
            MtomMessage.ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes(body)), "multipart/related; boundary=b", Options()));

        Assert.Equal(CoreErrorCodes.MultipartMalformed, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_OptionsOutOfRange_ThrowsArgumentOutOfRange()
    {
        var options = Options();
        options.MemoryThreshold = 4L * 1024 * 1024 * 1024;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            MtomMessage.ReadAsync(new MemoryStream(Multipart("b", ("<r>", "<a/>"))), "multipart/related; boundary=b", options));
    }

    [Fact]
    public async Task ReadAsync_Base64Part_IsUnsupported()
    {
        var body = "--b\r\nContent-ID: <r>\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEvPg==\r\n--b--";

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() =>
            MtomMessage.ReadAsync(new MemoryStream(Encoding.ASCII.GetBytes(body)), "multipart/related; boundary=b", Options()));

        Assert.Equal(CoreErrorCodes.MultipartUnsupported, ex.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_PartOverLimit_ThrowsTooLargeAndLeavesNoFile()
    {
        var body = Multipart("b", ("<r>", "<a/>"), ("<p>", new string('x', 10_000)));
        var options = Options(100);
        options.MaxPartSize = 5000;

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=b", options));

        Assert.Equal(CoreErrorCodes.MultipartTooLarge, ex.ErrorCode);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task ReadAsync_TooManyParts_ThrowsTooLarge()
    {
        var body = Multipart("b", ("<r>", "<a/>"), ("<p1>", "1"), ("<p2>", "2"));
        var options = Options();
        options.MaxParts = 2;

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=b", options));

        Assert.Equal(CoreErrorCodes.MultipartTooLarge, ex.ErrorCode);
    }

    [Fact]
    public async Task GetAttachment_UnknownCid_ThrowsUnresolved_AndInlineElementGivesNull()
    {
        var body = Multipart("b", ("<r>", "<a/>"), ("<doc%201@x>", "D"));
        using var message = await MtomMessage.ReadAsync(new MemoryStream(body), "multipart/related; boundary=b", Options());
        var doc = new XmlDocument();
        doc.LoadXml($"<d xmlns:xop=\"{SoapNamespaces.Xop}\"><a><xop:Include href=\"cid:missing@x\"/></a><b>QUJD</b><c><xop:Include href=\"cid:doc%25201%40x\"/></c></d>");

        var root = doc.DocumentElement!;
        var ex = Assert.Throws<SegurProtocolException>(() => message.GetAttachment((XmlElement)root.ChildNodes[0]!));
        Assert.Equal(CoreErrorCodes.XopIncludeUnresolved, ex.ErrorCode);
        Assert.Contains("cid:missing@x", ex.Message, StringComparison.Ordinal);
        Assert.Null(message.GetAttachment((XmlElement)root.ChildNodes[1]!));
        Assert.Equal("D", await ReadTextAsync(message.GetAttachment((XmlElement)root.ChildNodes[2]!)!));
    }

    [Fact]
    public void GetContentType_HasMtomParameters()
    {
        var type = MtomWriter.GetContentType("bnd", action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");

        Assert.Equal("multipart/related; type=\"application/xop+xml\"; boundary=\"bnd\"; start=\"<root.message@segur>\"; start-info=\"application/soap+xml\"; action=\"urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b\"", type);
        Assert.Throws<ArgumentException>(() => MtomWriter.GetContentType("has\"quote"));
        Assert.Throws<ArgumentException>(() => MtomWriter.GetContentType(new string('b', 71)));
    }

    [Fact]
    public async Task WriteAsync_DuplicateContentIdOrBadId_ThrowsArgumentException()
    {
        using var a = new MtomAttachment("same@x", "application/pdf", new MemoryStream([1]));
        using var b = new MtomAttachment("same@x", "application/pdf", new MemoryStream([2]));

        await Assert.ThrowsAsync<ArgumentException>(() => MtomWriter.WriteAsync(new MemoryStream(), "b", w => w.WriteElementString("r", "x"), [a, b]));
        Assert.Throws<ArgumentException>(() => new MtomAttachment("bad id", "application/pdf", new MemoryStream()));
        Assert.Throws<ArgumentException>(() => new MtomAttachment("a<b>", "application/pdf", new MemoryStream()));
        Assert.Throws<ArgumentException>(() => new MtomAttachment("ok", "text/plain\r\nX-Injected: 1", new MemoryStream()));
    }

    [Fact]
    public async Task WriteAsync_Twice_ResendsTheWholeSeekableAttachment()
    {
        var content = new MemoryStream(Encoding.ASCII.GetBytes("HEADERdata"));
        content.Position = 6;
        using var attachment = new MtomAttachment("p@x", "application/octet-stream", content, leaveOpen: true);
        var first = new MemoryStream();
        var second = new MemoryStream();

        await MtomWriter.WriteAsync(first, "b", w => w.WriteElementString("r", "x"), [attachment]);
        await MtomWriter.WriteAsync(second, "b", w => w.WriteElementString("r", "x"), [attachment]);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(4, attachment.Length);
        second.Position = 0;
        using var message = await MtomMessage.ReadAsync(second, "multipart/related; boundary=b", Options());
        Assert.Equal("data", await ReadTextAsync(message.Attachments["p@x"]));
        Assert.True(content.CanRead); // left open
    }

    internal static byte[] Multipart(string boundary, params (string Id, string Content)[] parts)
    {
        var builder = new StringBuilder();
        foreach (var (id, content) in parts)
        {
            builder.Append($"--{boundary}\r\nContent-ID: {id}\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n");
        }

        builder.Append($"--{boundary}--\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static async Task<byte[]> HashAsync(MtomAttachment attachment)
    {
        await using var stream = attachment.OpenRead();
        return await SHA256.HashDataAsync(stream);
    }

    private static async Task<byte[]> ReadAllAsync(MtomAttachment attachment)
    {
        await using var stream = attachment.OpenRead();
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<string> ReadTextAsync(MtomAttachment attachment) => Encoding.UTF8.GetString(await ReadAllAsync(attachment));
}

/// <summary>Returns at most <c>chunk</c> bytes per read, so delimiters are split across reads.</summary>
internal sealed class ChunkedStream(Stream inner, int chunk) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, chunk));
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
