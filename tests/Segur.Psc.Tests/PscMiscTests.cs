using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Moq;
using Segur.Psc;
using Segur.Security;
using Segur.Testing.Psc;

namespace Segur.Psc.Tests;

public sealed class PscOptionsAndDiscoveryTests
{
    [Fact]
    public void Constructor_PlainHttpDiscoveryWithoutAllowance_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PscClient(new PscClientOptions { DiscoveryUrl = new Uri("http://127.0.0.1:1/x"), ClientId = "c", ClientSecret = "s" }));
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PlainHttpOnRemoteHostEvenWithAllowance_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new PscClient(new PscClientOptions { DiscoveryUrl = new Uri("http://psc.example/x"), ClientId = "c", ClientSecret = "s", AllowLoopbackHttp = true }));
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsThemAll()
    {
        var options = new PscClientOptions { Environment = PscEnvironment.Custom, MinimumAcr = "eidas9" };

        var ex = Assert.Throws<ArgumentException>(() => new PscClient(options));

        Assert.Contains("ClientId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DiscoveryUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumAcr", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClientSecret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PscEnvironment.Sandbox, "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration", "https://wallet.bas.psc.esante.gouv.fr/auth")]
    [InlineData(PscEnvironment.Production, "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration", "https://wallet.esw.esante.gouv.fr/auth")]
    public void Presets_Environment_ResolveDiscoveryAndWalletAuthorizeEndpoint(PscEnvironment environment, string discovery, string authorize)
    {
        var options = new PscClientOptions { Environment = environment, ClientId = "c", ClientSecret = "s" };

        Assert.Equal(discovery, options.ResolveDiscoveryUrl().AbsoluteUri);
        Assert.Equal(authorize, options.ResolveAuthorizationEndpoint()!.AbsoluteUri);
    }

    [Fact]
    public async Task GetConfigurationAsync_FromSimulator_ReadsPscPathAndForcedRefreshWorks()
    {
        await using var sim = await PscSimulator.StartAsync();
        using var client = new PscClient(TestSupport.Options(sim));

        var config = await client.GetConfigurationAsync();
        var again = await client.GetConfigurationAsync(forceRefresh: true);

        Assert.Equal(sim.Issuer, config.Issuer);
        Assert.EndsWith("/ext/ciba/auth", config.BackchannelAuthenticationEndpoint, StringComparison.Ordinal);
        Assert.Single(config.SigningKeys);
        Assert.Equal(config.Issuer, again.Issuer);
    }

    [Fact]
    public async Task GetConfigurationAsync_WrongPath_ThrowsDiscoveryFailed()
    {
        await using var sim = await PscSimulator.StartAsync();
        var options = TestSupport.Options(sim);
        options.DiscoveryUrl = new Uri(sim.Issuer + "/.well-known/openid-configuration");
        using var client = new PscClient(options);

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => client.GetConfigurationAsync());

        Assert.Equal(PscErrorCodes.DiscoveryFailed, ex.ErrorCode);
    }

    [Fact]
    public async Task CreateAuthorizationRequestAsync_PkceChallenge_IsS256OfVerifier()
    {
        await using var sim = await PscSimulator.StartAsync();
        using var client = new PscClient(TestSupport.Options(sim));

        var request = await client.CreateAuthorizationRequestAsync(new Uri("http://127.0.0.1:1234/callback"), loginHint: "899700218896");

        var query = request.AuthorizationUri.Query;
        var expected = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(request.CodeVerifier)));
        Assert.Contains("code_challenge=" + expected, query, StringComparison.Ordinal);
        Assert.Contains("state=" + request.State, query, StringComparison.Ordinal);
        Assert.Contains("login_hint=899700218896", query, StringComparison.Ordinal);
        Assert.True(request.CodeVerifier.Length >= 43);
        Assert.DoesNotContain(request.CodeVerifier, request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateHandlerAsync_WithCredential_PresentsItsCertificate()
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=ORG AUTH_CLI test, OU=R10100000123456", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var credential = new Mock<ICredentialSource>();
        credential.Setup(c => c.GetCertificateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(cert);

        using var handler = await PscHttp.CreateHandlerAsync(credential.Object, CancellationToken.None);

        Assert.Same(cert, handler.SslOptions.ClientCertificates!.Cast<X509Certificate2>().Single());
        Assert.False(handler.AllowAutoRedirect);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback); // server certificates stay validated
    }

    [Fact]
    public void Constructor_TlsClientCertificateWithoutCredential_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new PscClient(new PscClientOptions
        {
            Environment = PscEnvironment.Sandbox,
            ClientId = "c",
            ClientAuthentication = PscClientAuthentication.TlsClientCertificate,
        }));
    }
}

public sealed class PscUserTests
{
    [Fact]
    public void FromUserInfo_MissingAndMistypedClaims_MapsWhatIsThere()
    {
        using var doc = JsonDocument.Parse("""{"sub":"s1","given_name":42,"SubjectRole":"21^1.2.250.1.213.1.1.5.5","SubjectRefPro":{"exercices":[{"codeProfession":"21","activities":"oops"},"junk"]},"custom":true}""");

        var user = PscUser.FromUserInfo(doc.RootElement, "eidas1");

        Assert.Equal("s1", user.Subject);
        Assert.Null(user.NationalId);
        Assert.Equal("42", user.GivenName);
        Assert.Null(user.FamilyName);
        Assert.Equal(new PscCode("21", "1.2.250.1.213.1.1.5.5"), user.Roles.Single());
        Assert.Equal("21", user.Exercises.Single().ProfessionCode);
        Assert.Empty(user.Activities);
        Assert.True(user.Claims["custom"].GetBoolean());
    }

    [Fact]
    public void FromUserInfo_SubjectRefProAsString_IsParsed()
    {
        using var doc = JsonDocument.Parse("""{"sub":"s","preferred_username":"899700218896","SubjectRefPro":"{\"codeCivilite\":\"MME\",\"exercices\":[{\"activities\":[{\"numeroFinessSite\":\"750000000\"}]}]}"}""");

        var user = PscUser.FromUserInfo(doc.RootElement);

        Assert.Equal("899700218896", user.NationalId);
        Assert.Equal("MME", user.CivilityCode);
        Assert.Equal("750000000", user.Activities.Single().FinessSite);
    }

    [Theory]
    [InlineData("10", "10", null)]
    [InlineData("10^1.2.3", "10", "1.2.3")]
    [InlineData("10^", "10", null)]
    public void PscCodeParse_Values_SplitsCodeAndSystem(string value, string code, string? system)
    {
        Assert.Equal(new PscCode(code, system), PscCode.Parse(value));
    }

    [Fact]
    public void FromUserInfo_NotAnObject_ThrowsArgumentException()
    {
        using var doc = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => PscUser.FromUserInfo(doc.RootElement));
    }
}

public sealed class PscAccountLinkerTests
{
    private sealed class Directory : IPscAccountDirectory
    {
        public Dictionary<string, string> ByNationalId { get; } = new();

        public ValueTask<string?> FindByNationalIdAsync(string nationalId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ByNationalId.TryGetValue(nationalId, out var a) ? a : null);

        public ValueTask<string?> GetLinkedNationalIdAsync(string localAccountId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<string?>(ByNationalId.FirstOrDefault(p => p.Value == localAccountId).Key);

        public ValueTask LinkAsync(string localAccountId, string nationalId, CancellationToken cancellationToken = default)
        {
            ByNationalId[nationalId] = localAccountId;
            return ValueTask.CompletedTask;
        }
    }

    private static PscUser User(string? nationalId) => new() { Subject = "s", NationalId = nationalId };

    [Fact]
    public async Task ResolveAsync_FirstLoginWithCandidate_LinksThenFindsIt()
    {
        var dir = new Directory();
        var linker = new PscAccountLinker(dir);

        var first = await linker.ResolveAsync(User("899700218896"), "local-42");
        var next = await linker.ResolveAsync(User("899700218896"));

        Assert.Equal(new PscAccountLink("local-42", true), first);
        Assert.Equal(new PscAccountLink("local-42", false), next);
    }

    [Fact]
    public async Task ResolveAsync_UnknownWithoutCandidate_ReturnsNoAccount()
    {
        var result = await new PscAccountLinker(new Directory()).ResolveAsync(User("899700218896"));
        Assert.Null(result.LocalAccountId);
    }

    [Fact]
    public async Task ResolveAsync_CandidateLinkedToAnotherIdentity_ThrowsConflict()
    {
        var dir = new Directory();
        dir.ByNationalId["810000000001"] = "local-42";

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => new PscAccountLinker(dir).ResolveAsync(User("899700218896"), "local-42"));

        Assert.Equal(PscErrorCodes.AccountLinkConflict, ex.ErrorCode);
    }

    [Fact]
    public async Task ResolveAsync_NoNationalId_ThrowsNationalIdMissing()
    {
        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => new PscAccountLinker(new Directory()).ResolveAsync(User(null), "x"));
        Assert.Equal(PscErrorCodes.NationalIdMissing, ex.ErrorCode);
    }
}

public sealed class PscServiceCollectionTests
{
    [Fact]
    public void AddSegurPsc_Resolve_ReturnsSingletonWithRegisteredClock()
    {
        var clock = new Segur.Testing.ManualTimeProvider();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(services, clock);
        Microsoft.Extensions.DependencyInjection.PscServiceCollectionExtensions.AddSegurPsc(services, o =>
        {
            o.Environment = PscEnvironment.Sandbox;
            o.ClientId = "c";
            o.ClientSecret = "s";
        });
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var client = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PscClient>(provider);

        Assert.Same(client, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PscClient>(provider));
        Assert.Same(clock, client.Options.TimeProvider);
    }
}

public sealed class LoopbackRedirectListenerTests
{
    [Fact]
    public async Task WaitAsync_IdleSpeculativeConnectionAndFavicon_StillGetsTheCallback()
    {
        using var listener = new LoopbackRedirectListener();
        var wait = listener.WaitAsync(CancellationToken.None);
        using var idle = new System.Net.Sockets.TcpClient();
        await idle.ConnectAsync(System.Net.IPAddress.Loopback, listener.RedirectUri.Port); // sends nothing, like a browser preconnect
        using var http = new HttpClient();

        using var favicon = await http.GetAsync(new Uri(listener.RedirectUri, "/favicon.ico"));
        using var callback = await http.GetAsync(new Uri(listener.RedirectUri + "?code=abc&state=x%20y"));
        var parameters = await wait;

        Assert.Equal(System.Net.HttpStatusCode.NotFound, favicon.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("réussie", await callback.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("abc", parameters["code"]);
        Assert.Equal("x y", parameters["state"]);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var listener = new LoopbackRedirectListener();
        using var cts = new CancellationTokenSource();
        var wait = listener.WaitAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
