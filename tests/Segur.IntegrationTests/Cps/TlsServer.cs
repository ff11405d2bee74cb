using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Segur.Testing.Pki;

namespace Segur.IntegrationTests.Cps;

/// <summary>A one-request HTTPS server on 127.0.0.1 that requires a client certificate issued by the card's CA
/// and answers with its thumbprint.</summary>
internal sealed class TlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2 _clientCa;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private TlsServer(X509Certificate2 certificate, X509Certificate2 clientCa)
    {
        _certificate = certificate;
        _clientCa = clientCa;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<string> ClientThumbprints { get; } = [];

    /// <summary>The protocol of each completed handshake.</summary>
    public List<System.Security.Authentication.SslProtocols> Protocols { get; } = [];

    /// <summary>Why handshakes failed, for test messages.</summary>
    public List<string> Failures { get; } = [];

    public static TlsServer Start(X509Certificate2 clientCa, out TestPki pki)
    {
        pki = TestPki.Create();
        return new TlsServer(pki.IssueTlsServerCertificate(), clientCa);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        _certificate.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            await using var ssl = new SslStream(client.GetStream(), false, ValidateClient);
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                }, _stop.Token);
            }
            catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
            {
                Failures.Add(ex.Message);
                continue;
            }

            Protocols.Add(ssl.SslProtocol);

            var request = new byte[4096];
            var read = 0;
            while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await ssl.ReadAsync(request.AsMemory(read), _stop.Token);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var thumbprint = ssl.RemoteCertificate is X509Certificate remote ? remote.GetCertHashString() : "none";
            ClientThumbprints.Add(thumbprint);
            var body = Encoding.ASCII.GetBytes(thumbprint);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            try
            {
                await ssl.WriteAsync(head, _stop.Token);
                await ssl.WriteAsync(body, _stop.Token);
                await ssl.ShutdownAsync();
            }
            catch (IOException ex)
            {
                Failures.Add("client left before the answer was written: " + ex.Message);
            }
        }
    }

    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        using var policyChain = new X509Chain();
        policyChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policyChain.ChainPolicy.CustomTrustStore.Add(_clientCa);
        policyChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return policyChain.Build(leaf);
    }
}
