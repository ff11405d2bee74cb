using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segur.Soap;

namespace Segur.Core.Tests.Soap;

/// <summary>The transport against a real HTTP server (Kestrel on 127.0.0.1), streaming MTOM both ways.</summary>
public sealed class HttpSoapTransportKestrelTests : IAsyncLifetime
{
    private const string Xds = "urn:ihe:iti:xds-b:2007";
    private WebApplication? _app;
    private Uri? _base;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();

        // Echoes the XOP-referenced document back as an MTOM response, streamed (chunked: the stream cannot seek).
        _app.MapPost("/repository", async (HttpContext context) =>
        {
            using var request = await MtomMessage.ReadAsync(context.Request.Body, context.Request.ContentType!, cancellationToken: context.RequestAborted);
            var envelope = SoapEnvelope.Load(request.Root.OpenRead());
            var document = request.GetAttachment(envelope.BodyContent!)!;
            var boundary = MtomWriter.NewBoundary();
            context.Response.ContentType = MtomWriter.GetContentType(boundary);
            await using var content = new NonSeekable(document.OpenRead());
            using var back = new MtomAttachment("back@server", "application/pdf", content, leaveOpen: true);
            await MtomWriter.WriteAsync(context.Response.Body, boundary, w => SoapEnvelopeWriter.WriteResponse(w, b =>
            {
                b.WriteStartElement("Document", Xds);
                back.WriteXopInclude(b);
                b.WriteEndElement();
            }, relatesTo: envelope.Addressing.MessageId), [back], cancellationToken: context.RequestAborted);
        });
        _app.MapPost("/busy", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "7";
            context.Response.StatusCode = 503;
            return context.Response.WriteAsync("<html>busy</html>");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendAsync_MtomSixteenMegabytesBothWays_RoundTripsOverHttp()
    {
        var document = new byte[16 * 1024 * 1024];
        new Random(3).NextBytes(document);
        using var attachment = new MtomAttachment(MtomAttachment.NewContentId(), "application/pdf", new NonSeekable(new MemoryStream(document)));
        var request = new SoapRequest(new Uri(_base!, "/repository"), "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b", w =>
        {
            w.WriteStartElement("Document", Xds);
            attachment.WriteXopInclude(w);
            w.WriteEndElement();
        }) { RequireRelatesTo = true };
        request.Attachments.Add(attachment);
        using var http = new HttpClient();
        var transport = new HttpSoapTransport(http, new HttpSoapTransportOptions { Mtom = new MtomReaderOptions { MemoryThreshold = 256 * 1024 } });

        using var response = await transport.SendAsync(request);

        var returned = response.GetAttachment(response.Envelope.BodyContent!)!;
        Assert.True(returned.IsBufferedOnDisk);
        await using var stream = returned.OpenRead();
        Assert.Equal(SHA256.HashData(document), await SHA256.HashDataAsync(stream));
    }

    [Fact]
    public async Task SendAsync_Real503WithRetryAfter_IsTransient()
    {
        using var http = new HttpClient();
        var transport = new HttpSoapTransport(http);

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(new SoapRequest(new Uri(_base!, "/busy"), "urn:a", _ => { })));

        Assert.True(ex.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_NothingListening_ThrowsTransientTransportFailed()
    {
        var port = _base!.Port;
        await _app!.StopAsync();
        using var http = new HttpClient();

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() =>
            new HttpSoapTransport(http).SendAsync(new SoapRequest(new Uri($"http://127.0.0.1:{port}/repository"), "urn:a", _ => { })));

        Assert.Equal(CoreErrorCodes.TransportFailed, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
