using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Moq;
using Segur.Security;
using Segur.Testing;
using Segur.Testing.Pki;

namespace Segur.Core.Tests.Security;

public sealed class SegurHttpHandlerFactoryTests
{
    private static CertificateValidationOptions Validation => new() { Revocation = RevocationPolicy.NoCheck, TimeProvider = new ManualTimeProvider(SecurityFixture.Now) };

    [Fact]
    public async Task CreateAsync_MutualTlsAgainstTestPki_Succeeds()
    {
        var serverCertificate = SecurityFixture.Pki.IssueTlsServerCertificate();
        await using var server = TinyTlsServer.Start(serverCertificate, [SecurityFixture.Pki.OrganisationsCa]);
        using var credential = TestPki.CreateCredential(SecurityFixture.Organisation);

        var (body, _) = await GetAsync(credential, server.Port);

        Assert.Equal("hello " + SecurityFixture.Organisation.Subject, body);
        Assert.Contains(server.LastProtocol, new[] { SslProtocols.Tls12, SslProtocols.Tls13 });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateAsync_CredentialWithoutRsaPss_OffersTls12WithoutPss(bool signsRsaPss)
    {
        var serverCertificate = SecurityFixture.Pki.IssueTlsServerCertificate();
        await using var server = TinyTlsServer.Start(serverCertificate, [SecurityFixture.Pki.OrganisationsCa]);
        using var inner = TestPki.CreateCredential(SecurityFixture.Organisation);
        var (_, ssl) = await GetAsync(new TlsOnlyCredential(inner, signsRsaPss), server.Port);

        Assert.Equal(signsRsaPss ? SslProtocols.Tls12 | SslProtocols.Tls13 : SslProtocols.Tls12, ssl.EnabledSslProtocols);
        Assert.Equal(signsRsaPss, ssl.AllowRsaPssPadding);
        Assert.Equal(signsRsaPss ? SslProtocols.Tls13 : SslProtocols.Tls12, server.LastProtocol);
    }

    /// <summary>GET / on the local server through a factory handler presenting <paramref name="credential"/>.</summary>
    private static async Task<(string Body, SslClientAuthenticationOptions Ssl)> GetAsync(ICredentialSource credential, int port)
    {
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions
        {
            ClientCredential = credential,
            ServerTrust = SecurityFixture.Pki.Trust,
            Validation = Validation,
        });
        var ssl = handler.SslOptions;
        using var client = new HttpClient(handler);
        return (await client.GetStringAsync(new Uri($"https://127.0.0.1:{port}/")), ssl);
    }

    /// <summary>A credential whose TLS certificate comes from <see cref="ITlsClientCertificateSource"/>, as a card's.</summary>
    private sealed class TlsOnlyCredential(ICredentialSource inner, bool signsRsaPss) : ICredentialSource, ITlsClientCertificateSource
    {
        public bool SignsRsaPss => signsRsaPss;

        public ValueTask<X509Certificate2> GetCertificateAsync(CancellationToken cancellationToken = default) => inner.GetCertificateAsync(cancellationToken);

        public ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, System.Security.Cryptography.HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default) =>
            inner.SignDataAsync(data, hashAlgorithm, cancellationToken);

        public ValueTask<X509Certificate2> GetTlsClientCertificateAsync(CancellationToken cancellationToken = default) => inner.GetCertificateAsync(cancellationToken);
    }

    [Fact]
    public async Task CreateAsync_Pkcs12WithIssuingCa_SendsTheIntermediateToTheServer()
    {
        await using var server = TinyTlsServer.Start(SecurityFixture.Pki.IssueTlsServerCertificate(), [SecurityFixture.Pki.OrganisationsCa]);
        using var intermediate = X509CertificateLoader.LoadCertificate(SecurityFixture.Pki.OrganisationsCa.RawData);
        var pfx = new X509Certificate2Collection { SecurityFixture.Organisation, intermediate }.Export(X509ContentType.Pkcs12, "pw")!;
        using var credential = new Pkcs12CredentialSource(pfx, "pw");

        await GetAsync(credential, server.Port);

        Assert.Equal(SecurityFixture.Pki.OrganisationsCa.Thumbprint, Assert.Single(credential.ExtraCertificates).Thumbprint);
        Assert.Contains(SecurityFixture.Pki.OrganisationsCa.Thumbprint, server.LastClientExtraCertificates);
    }

    [Fact]
    public async Task CreateAsync_ServerFromOtherPki_FailsWithChainUntrusted()
    {
        using var other = TestPki.Create(new ManualTimeProvider(SecurityFixture.Now), "ROGUE");
        await using var server = TinyTlsServer.Start(other.IssueTlsServerCertificate(), [other.OrganisationsCa]);
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions { ServerTrust = SecurityFixture.Pki.Trust, Validation = Validation });
        using var client = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/")));

        Assert.Equal(CoreErrorCodes.CertificateChainUntrusted, FindSegur(ex).ErrorCode);
    }

    [Fact]
    public async Task CreateAsync_HostNameMismatch_FailsWithNameMismatch()
    {
        await using var server = TinyTlsServer.Start(SecurityFixture.Pki.IssueTlsServerCertificate("insi.example.test"), [SecurityFixture.Pki.OrganisationsCa]);
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions { ServerTrust = SecurityFixture.Pki.Trust, Validation = Validation });
        using var client = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/")));

        Assert.Equal(CoreErrorCodes.ServerCertificateNameMismatch, FindSegur(ex).ErrorCode);
    }

    [Fact]
    public async Task CreateAsync_SystemTrustForTestPkiServer_FailsUntrusted()
    {
        await using var server = TinyTlsServer.Start(SecurityFixture.Pki.IssueTlsServerCertificate(), [SecurityFixture.Pki.OrganisationsCa]);
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions { Validation = Validation });
        using var client = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://127.0.0.1:{server.Port}/")));

        Assert.Equal(CoreErrorCodes.ServerCertificateUntrusted, FindSegur(ex).ErrorCode);
    }

    [Fact]
    public async Task CreateAsync_ClientCertificateWithoutKey_ThrowsPrivateKeyMissing()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(SecurityFixture.Organisation.RawData);
        var credential = new Mock<ICredentialSource>();
        credential.Setup(c => c.GetCertificateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(publicOnly);

        var ex = await Assert.ThrowsAsync<SegurValidationException>(async () =>
            await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions { ClientCredential = credential.Object }));

        Assert.Equal(CoreErrorCodes.CredentialPrivateKeyMissing, ex.ErrorCode);
    }

    private static SegurException FindSegur(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is SegurException segur)
            {
                return segur;
            }
        }

        throw new Xunit.Sdk.XunitException("No SegurException in the chain: " + ex);
    }

    /// <summary>A one-request-per-connection HTTPS server on 127.0.0.1 that asks for a client certificate.</summary>
    private sealed class TinyTlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly X509Certificate2 _certificate;
        private readonly SslStreamCertificateContext _context;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private TinyTlsServer(X509Certificate2 certificate, X509Certificate2[] intermediates)
        {
            _certificate = certificate;
            _context = SslStreamCertificateContext.Create(certificate, new X509Certificate2Collection(intermediates), offline: true);
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public SslProtocols LastProtocol { get; private set; }

        public IReadOnlyList<string> LastClientExtraCertificates { get; private set; } = [];

        public static TinyTlsServer Start(X509Certificate2 certificate, X509Certificate2[] intermediates) => new(certificate, intermediates);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient tcp;
                try
                {
                    tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(tcp));
            }
        }

        private async Task ServeAsync(TcpClient tcp)
        {
            using (tcp)
            {
                try
                {
                    await using var ssl = new SslStream(tcp.GetStream());
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = _context,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                        {
                            // The client side is what is under test; the server records what it received.
                            LastClientExtraCertificates = chain?.ChainPolicy.ExtraStore.Select(c => c.Thumbprint).ToList() ?? [];
                            return certificate is not null;
                        },
                    }, _stop.Token);
                    LastProtocol = ssl.SslProtocol;
                    var buffer = new byte[4096];
                    var request = new StringBuilder();
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await ssl.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    var body = Encoding.UTF8.GetBytes("hello " + (ssl.RemoteCertificate?.Subject ?? "anonymous"));
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await ssl.WriteAsync(head, _stop.Token);
                    await ssl.WriteAsync(body, _stop.Token);
                    await ssl.FlushAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException)
                {
                    // The client refused our certificate: expected in the negative tests.
                }
            }
        }
    }
}
