using Microsoft.Extensions.Logging;
using Segur.Psc;
using Segur.Testing;
using Segur.Testing.Psc;

namespace Segur.Psc.Tests;

public sealed class PscClientLoginTests : IAsyncLifetime
{
    private PscSimulator _sim = null!;

    public async Task InitializeAsync() => _sim = await PscSimulator.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task LoginAsync_SimulatorApproves_ReturnsSessionWithMappedUser()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        var browser = new HttpBrowserLauncher();

        using var session = await client.LoginAsync(browser);

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.Equal("Paul", session.User.GivenName);
        Assert.Equal("eidas1", session.User.Acr);
        Assert.Equal("10", session.User.Roles.Single().Code);
        Assert.Equal("1.2.250.1.213.1.1.5.5", session.User.Roles.Single().CodeSystem);
        Assert.Equal("PHARMACIE DE LA GARE", session.User.Activities.Single().RaisonSociale);
        Assert.Equal("DR", session.User.Exercises.Single().CiviliteExerciceCode);
        Assert.False(session.IsEnded);
        var sent = _sim.LastAuthorizationRequest;
        Assert.Equal("S256", sent["code_challenge_method"]);
        Assert.Equal("eidas1", sent["acr_values"]);
        Assert.Equal("openid scope_all", sent["scope"]);
        Assert.StartsWith("http://127.0.0.1:", sent["redirect_uri"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(sent["nonce"]));
        Assert.Equal("localhost", browser.Visited[0].Host); // the wallet host, not the issuer's
        Assert.Equal(System.Net.HttpStatusCode.OK, browser.LastStatus); // the loopback page was served
    }

    [Fact]
    public async Task LoginAsync_UserRefuses_ThrowsLoginRefused()
    {
        _sim.LoginOutcome = PscSimulatorOutcome.Refuse;
        using var client = new PscClient(TestSupport.Options(_sim));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.LoginRefused, ex.ErrorCode);
        Assert.Equal(0, _sim.TokenRequestCount);
    }

    [Fact]
    public async Task LoginAsync_TamperedIdToken_ThrowsIdTokenInvalid()
    {
        _sim.TamperNextIdToken = true;
        using var client = new PscClient(TestSupport.Options(_sim));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.IdTokenInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task LoginAsync_WrongNonce_ThrowsNonceMismatch()
    {
        _sim.WrongNonceNextIdToken = true;
        using var client = new PscClient(TestSupport.Options(_sim));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.NonceMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task LoginAsync_Hs256IdTokenSignedWithSecret_IsAccepted()
    {
        _sim.Signing = PscSimulatorSigning.HS256;
        using var client = new PscClient(TestSupport.Options(_sim));

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.Equal("899700218896", session.User.NationalId);
    }

    [Theory]
    [InlineData("eidas1", "eidas1")]
    [InlineData("eidas3", "eidas1")]
    [InlineData("eidas2", "eidas2")]
    public async Task LoginAsync_AcrAtOrAboveMinimum_IsAccepted(string acr, string minimum)
    {
        _sim.Acr = acr;
        var options = TestSupport.Options(_sim);
        options.MinimumAcr = minimum;
        using var client = new PscClient(options);

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.Equal(acr, session.Tokens.Acr);
    }

    [Theory]
    [InlineData("eidas1", "eidas2", PscErrorCodes.AcrTooLow)]
    [InlineData("foo", "eidas1", PscErrorCodes.AcrTooLow)]
    [InlineData(null, "eidas1", PscErrorCodes.AcrMissing)]
    public async Task LoginAsync_AcrBelowMinimumUnknownOrMissing_IsRefused(string? acr, string minimum, string code)
    {
        _sim.Acr = acr;
        var options = TestSupport.Options(_sim);
        options.MinimumAcr = minimum;
        using var client = new PscClient(options);

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(code, ex.ErrorCode);
    }

    [Fact]
    public async Task LoginAsync_MissingAcrAllowed_IsAccepted()
    {
        _sim.Acr = null;
        var options = TestSupport.Options(_sim);
        options.AllowMissingAcr = true;
        using var client = new PscClient(options);

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.Null(session.Tokens.Acr);
    }

    [Fact]
    public async Task LoginAsync_UserInfoAsSignedJwt_IsVerifiedAndMapped()
    {
        _sim.UserInfoAsJwt = true;
        using var client = new PscClient(TestSupport.Options(_sim));

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.Equal("PHARMACIE DE LA GARE", session.User.Activities.Single().RaisonSociale);
    }

    [Fact]
    public async Task LoginAsync_UserInfoForAnotherSubject_ThrowsUserInfoInvalid()
    {
        _sim.UserInfoWrongSubject = true;
        using var client = new PscClient(TestSupport.Options(_sim));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.UserInfoInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task LoginAsync_ClientSecretPost_Authenticates()
    {
        var options = TestSupport.Options(_sim);
        options.ClientAuthentication = PscClientAuthentication.ClientSecretPost;
        using var client = new PscClient(options);

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.NotNull(session.Tokens.RefreshToken);
    }

    [Fact]
    public async Task LoginAsync_BrowserNeverComesBack_ThrowsLoginTimedOut()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = TestSupport.Options(_sim, time);
        options.LoginTimeout = TimeSpan.FromMinutes(2);
        using var client = new PscClient(options);
        var browser = new Moq.Mock<IBrowserLauncher>();
        browser.Setup(b => b.LaunchAsync(Moq.It.IsAny<Uri>(), Moq.It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        var login = client.LoginAsync(browser.Object);
        await TestSupport.EventuallyAsync(() => time.ActiveTimerCount > 0, "login timeout armed");
        time.Advance(TimeSpan.FromMinutes(3));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => login);
        Assert.Equal(PscErrorCodes.LoginTimedOut, ex.ErrorCode);
    }

    [Fact]
    public async Task LoginAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        using var cts = new CancellationTokenSource();
        var browser = new Moq.Mock<IBrowserLauncher>();
        browser.Setup(b => b.LaunchAsync(Moq.It.IsAny<Uri>(), Moq.It.IsAny<CancellationToken>())).Returns(() =>
        {
            cts.Cancel();
            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.LoginAsync(browser.Object, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task RedeemAuthorizationResponseAsync_StateMismatch_ThrowsStateMismatch()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        var request = await client.CreateAuthorizationRequestAsync(new Uri("http://127.0.0.1:5000/callback"));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() =>
            client.RedeemAuthorizationResponseAsync(request, new Uri("http://127.0.0.1:5000/callback?code=abc&state=forged")));

        Assert.Equal(PscErrorCodes.StateMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task RedeemAuthorizationResponseAsync_ForeignIssuer_ThrowsIssuerMismatch()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        var request = await client.CreateAuthorizationRequestAsync(new Uri("http://127.0.0.1:5000/callback"));
        var callback = $"http://127.0.0.1:5000/callback?code=abc&state={request.State}&iss={Uri.EscapeDataString("https://evil.example")}";

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.RedeemAuthorizationResponseAsync(request, new Uri(callback)));

        Assert.Equal(PscErrorCodes.IssuerMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task RedeemAuthorizationResponseAsync_WebFlowWithForeignVerifier_ThrowsCodeRejected()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        var redirect = new Uri("http://127.0.0.1:5000/callback");
        var request = await client.CreateAuthorizationRequestAsync(redirect);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(request.AuthorizationUri);
        var callback = response.Headers.Location!;

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() =>
            client.RedeemAuthorizationResponseAsync(request with { CodeVerifier = "an-attacker-does-not-know-the-verifier-0123456789" }, callback));

        Assert.Equal(PscErrorCodes.CodeRejected, ex.ErrorCode);
    }

    [Fact]
    public async Task RedeemAuthorizationResponseAsync_WebFlow_ReturnsSession()
    {
        using var client = new PscClient(TestSupport.Options(_sim));
        var request = await client.CreateAuthorizationRequestAsync(new Uri("http://127.0.0.1:5000/callback"));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(request.AuthorizationUri);

        using var session = await client.RedeemAuthorizationResponseAsync(request, response.Headers.Location!);

        Assert.Equal("899700218896", session.User.NationalId);
    }

    [Fact]
    public async Task LoginAsync_WithLogging_NeverLogsTokensOrCode()
    {
        using var provider = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        using var client = new PscClient(TestSupport.Options(_sim, logs: factory));

        using var session = await client.LoginAsync(new HttpBrowserLauncher());
        await session.GetAccessTokenAsync(null, forceRefresh: true);

        var all = string.Join("\n", provider.Lines);
        Assert.Contains("PSC login succeeded", all, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Tokens.AccessToken, all, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Tokens.RefreshToken!, all, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Tokens.IdToken!, all, StringComparison.Ordinal);
        Assert.DoesNotContain(_sim.ClientSecret, all, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Tokens.AccessToken, session.Tokens.ToString(), StringComparison.Ordinal);
    }
}

public sealed class PscKeyRotationTests
{
    [Fact]
    public async Task LoginAsync_SigningKeyRotatedAfterDiscovery_RefetchesJwksAndSucceeds()
    {
        await using var sim = await PscSimulator.StartAsync();
        using var client = new PscClient(TestSupport.Options(sim));
        var before = await client.GetConfigurationAsync();
        sim.RotateSigningKey();

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        var after = await client.GetConfigurationAsync();
        Assert.NotEqual(before.SigningKeys.Single().KeyId, after.SigningKeys.Single().KeyId);
        Assert.Equal("899700218896", session.User.NationalId);
    }
}
