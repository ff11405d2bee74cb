using System.Net;
using System.Text;
using Polly;
using Segur.Dmp.Access;
using Segur.Dmp.Client;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Pki;

namespace Segur.Dmp.Tests.Xds;

/// <summary>One request as the DMP would receive it: the SOAP envelope and the MTOM parts, read back from the bytes the
/// client wrote.</summary>
internal sealed record XdsWireRequest(SoapEnvelope Envelope, IReadOnlyDictionary<string, byte[]> Parts, string Action);

/// <summary>A reply: the body XML and optional MTOM parts (Content-ID → bytes).</summary>
internal sealed record XdsWireReply(string Body, IReadOnlyDictionary<string, byte[]>? Parts = null);

/// <summary>An <see cref="ISoapTransport"/> that writes each request as MTOM bytes, parses them back with the Core MTOM
/// reader, and answers with a SOAP 1.2 envelope (MTOM when the reply has parts) carrying <c>RelatesTo</c>.</summary>
internal sealed class XdsWire : ISoapTransport
{
    private readonly Func<XdsWireRequest, XdsWireReply> _respond;
    private readonly List<XdsWireRequest> _requests = [];

    public XdsWire(Func<XdsWireRequest, XdsWireReply> respond) => _respond = respond;

    public IReadOnlyList<XdsWireRequest> Requests => _requests;

    public async Task<SoapResponse> SendAsync(SoapRequest request, CancellationToken cancellationToken = default)
    {
        var boundary = MtomWriter.NewBoundary();
        using var wire = new MemoryStream();
        await MtomWriter.WriteAsync(wire, boundary, request.WriteEnvelope, request.Attachments, cancellationToken: cancellationToken);
        wire.Position = 0;
        using var mtom = await MtomMessage.ReadAsync(wire, MtomWriter.GetContentType(boundary), cancellationToken: cancellationToken);
        SoapEnvelope envelope;
        using (var root = mtom.Root.OpenRead())
        {
            envelope = SoapEnvelope.Load(root);
        }

        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, attachment) in mtom.Attachments)
        {
            using var part = attachment.OpenRead();
            using var copy = new MemoryStream();
            await part.CopyToAsync(copy, cancellationToken);
            parts[id] = copy.ToArray();
        }

        var sent = new XdsWireRequest(envelope, parts, request.Action);
        _requests.Add(sent);
        var reply = _respond(sent);
        var xml = $"""<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><s:Header><wsa:Action>{request.Action}Response</wsa:Action><wsa:RelatesTo>{envelope.Addressing.MessageId}</wsa:RelatesTo></s:Header><s:Body>{reply.Body}</s:Body></s:Envelope>""";
        if (reply.Parts is not { Count: > 0 })
        {
            return new SoapResponse(SoapEnvelope.Parse(xml), HttpStatusCode.OK);
        }

        var replyBoundary = MtomWriter.NewBoundary();
        var replyWire = new MemoryStream();
        var attachments = reply.Parts.Select(p => new MtomAttachment(p.Key, "text/xml", new MemoryStream(p.Value))).ToList();
        await MtomWriter.WriteAsync(replyWire, replyBoundary, w =>
        {
            using var reader = System.Xml.XmlReader.Create(new StringReader(xml));
            w.WriteNode(reader, true);
        }, attachments, cancellationToken: cancellationToken);
        replyWire.Position = 0;
        var replyMtom = await MtomMessage.ReadAsync(replyWire, MtomWriter.GetContentType(replyBoundary), cancellationToken: cancellationToken);
        using var replyRoot = replyMtom.Root.OpenRead();
        return new SoapResponse(SoapEnvelope.Load(replyRoot), HttpStatusCode.OK, replyMtom);
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>A DMP client over <see cref="XdsWire"/> with a test ORG SIGN credential.</summary>
internal sealed class XdsClientFixture : IDisposable
{
    // One PKI and ORG SIGN certificate for every test of the class run (RSA key generation is the slow part).
    private static readonly Lazy<(TestPki Pki, System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate)> Shared = new(() =>
    {
        var pki = TestPki.Create();
        return (pki, pki.IssueOrganisationCertificate("10B0127189"));
    });

    public XdsClientFixture(Func<XdsWireRequest, XdsWireReply> respond, Action<DmpClientOptions>? configure = null)
    {
        Certificate = Shared.Value.Certificate;
        Wire = new XdsWire(respond);
        Options = new DmpClientOptions
        {
            BaseAddress = new Uri("https://dmp.test/si-dmp-server/v2/services/"),
            LpsName = "Segur Tests",
            LpsVersion = "1.0",
            HomologationNumber = "TEST-001",
            VihfSigner = TestPki.CreateCredential(Certificate),
            Pipeline = ResiliencePipeline.Empty,
            TimeProvider = new ManualTimeProvider(XdsTestData.Now),
            Access = new DmpAccessOptions { Enforce = false },
        };
        configure?.Invoke(Options);
        Client = new DmpClient(Options, Wire);
    }

    public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; }

    public XdsWire Wire { get; }

    public DmpClientOptions Options { get; }

    public DmpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
    }
}
