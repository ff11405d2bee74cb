using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Segur.Psc;
using Segur.Testing.Psc;

namespace Segur.IntegrationTests.Psc;

/// <summary>
/// Segur.Psc against panva's certified oidc-provider configured like Pro Santé Connect
/// (tests/env/node/psc-provider.mjs, started by tests/env/components/oidc-provider.sh). Its interactions complete on
/// GET, so <see cref="HttpBrowserLauncher"/> drives the browser part; the CIBA "device" answers by login hint.
/// </summary>
public sealed class OidcProviderTests
{
    private const string Variable = "SEGUR_TEST_OIDC_PROVIDER";
    private const string Secret = "segur-integration-secret-0123456789abcdef";

    private static PscClientOptions Options(string clientId = "segur-it", HttpMessageHandler? handler = null)
    {
        var options = new PscClientOptions
        {
            DiscoveryUrl = new Uri(TestEnv.Require(Variable)),
            ClientId = clientId,
            ClientSecret = Secret,
            AllowLoopbackHttp = true,
            CibaDefaultInterval = TimeSpan.FromMilliseconds(500), // oidc-provider sends no interval
            HttpMessageHandler = handler,
        };
        if (clientId == "segur-it-post")
        {
            options.ClientAuthentication = PscClientAuthentication.ClientSecretPost;
        }

        return options;
    }

    [IntegrationFact(Variable)]
    public async Task CodeFlow_Rs256_LogsInMapsClaimsAndRefreshes()
    {
        using var client = new PscClient(Options());

        using var session = await client.LoginAsync(new HttpBrowserLauncher());

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.Equal("Docteur-Test", session.User.FamilyName);
        Assert.Equal("eidas1", session.User.Acr);
        Assert.Equal("10", session.User.Exercises.Single().ProfessionCode);
        Assert.Equal("CABINET DE TEST", session.User.Activities.Single().RaisonSociale);
        Assert.NotNull(session.Tokens.RefreshToken);
        var first = session.Tokens;

        var refreshed = await session.GetAccessTokenAsync(null, forceRefresh: true);

        Assert.NotEqual(first.AccessToken, refreshed.Token);
        Assert.NotEqual(first.RefreshToken, session.Tokens.RefreshToken); // rotated
        Assert.Equal(first.Subject, session.Tokens.Subject);
        var user = await client.GetUserInfoAsync(session.Tokens);
        Assert.Equal("899700218896", user.NationalId);
        var reused = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.RefreshAsync(first.RefreshToken!));
        Assert.Equal(PscErrorCodes.RefreshRejected, reused.ErrorCode);
    }

    [IntegrationFact(Variable)]
    public async Task CodeFlow_Hs256ClientSecretPost_LogsIn()
    {
        using var hs = new PscClient(Options("segur-it-hs256"));
        using var post = new PscClient(Options("segur-it-post"));

        using var a = await hs.LoginAsync(new HttpBrowserLauncher(), loginHint: "899700366240");
        using var b = await post.LoginAsync(new HttpBrowserLauncher());

        Assert.Equal("899700366240", a.User.NationalId);
        Assert.Equal("HS256", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(a.Tokens.IdToken!).Alg);
        Assert.Equal("899700218896", b.User.NationalId);
    }

    [IntegrationFact(Variable)]
    public async Task CodeFlow_RefusedLogin_ThrowsLoginRefused()
    {
        using var client = new PscClient(Options());

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher(), loginHint: "899700000002"));

        Assert.Equal(PscErrorCodes.LoginRefused, ex.ErrorCode);
    }

    [IntegrationFact(Variable)]
    public async Task CodeFlow_TamperedIdToken_IsRejected()
    {
        using var handler = new TamperingHandler();
        using var client = new PscClient(Options(handler: handler));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.IdTokenInvalid, ex.ErrorCode);
        Assert.True(handler.Tampered);
    }

    [IntegrationFact(Variable)]
    public async Task CodeFlow_IdTokenWithAnotherNonce_IsRejected()
    {
        using var client = new PscClient(Options());
        var redirect = new Uri("http://127.0.0.1:49999/callback");
        var request = await client.CreateAuthorizationRequestAsync(redirect);
        var other = await client.CreateAuthorizationRequestAsync(redirect);
        var callback = await FollowToCallbackAsync(request.AuthorizationUri);

        // The code is genuine, but the application expects another login's nonce (replay / mix-up).
        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.RedeemAuthorizationResponseAsync(request with { Nonce = other.Nonce }, callback));

        Assert.Equal(PscErrorCodes.NonceMismatch, ex.ErrorCode);
    }

    [IntegrationFact(Variable)]
    public async Task Ciba_ApprovedOnDevice_ReturnsSessionWithoutNonce()
    {
        using var client = new PscClient(Options());

        var request = await client.StartCibaAsync("899700218896/CPAT00045", PscCibaChannel.Mobile);
        using var session = await client.PollCibaAsync(request);

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.Equal("eidas1", session.Tokens.Acr);
        Assert.DoesNotContain(session.Tokens.IdTokenClaims, c => c.Type == "nonce");
        Assert.NotNull(session.Tokens.RefreshToken);
    }

    [IntegrationFact(Variable)]
    public async Task Ciba_RefusedOnDevice_ThrowsCibaRefused()
    {
        using var client = new PscClient(Options());
        var request = await client.StartCibaAsync("899700000002", PscCibaChannel.Card, "07");

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.PollCibaAsync(request));

        Assert.Equal(PscErrorCodes.CibaRefused, ex.ErrorCode);
    }

    [IntegrationFact(Variable)]
    public async Task Ciba_NeverApproved_ThrowsCibaExpired()
    {
        using var client = new PscClient(Options());
        var request = await client.StartCibaAsync("899700000003", PscCibaChannel.Mobile);

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.PollCibaAsync(request));

        Assert.Equal(PscErrorCodes.CibaExpired, ex.ErrorCode);
    }

    [IntegrationFact(Variable)]
    public async Task Ciba_UnknownProfessional_ThrowsCibaRequestRejected()
    {
        using var client = new PscClient(Options());

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => client.StartCibaAsync("810000000000"));

        Assert.Equal(PscErrorCodes.CibaRequestRejected, ex.ErrorCode);
        Assert.Equal("unknown_user_id", ex.ServiceCode);
    }

    [IntegrationFact(Variable)]
    public async Task Discovery_PlainHttpWithoutAllowance_IsRefused()
    {
        var options = Options();
        options.AllowLoopbackHttp = false;

        Assert.Throws<ArgumentException>(() => new PscClient(options));
        using var client = new PscClient(Options());
        var config = await client.GetConfigurationAsync(forceRefresh: true);
        Assert.EndsWith("/protocol/openid-connect/ext/ciba/auth", config.BackchannelAuthenticationEndpoint, StringComparison.Ordinal);
    }

    private static async Task<Uri> FollowToCallbackAsync(Uri url)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
        using var http = new HttpClient(handler);
        var current = url;
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.GetAsync(current);
            var location = response.Headers.Location ?? throw new InvalidOperationException($"No redirect from {current}: {(int)response.StatusCode}");
            current = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (current.AbsolutePath == "/callback")
            {
                return current;
            }
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>Alters the ID token's payload in the token answer (a man in the middle raising the acr).</summary>
    private sealed class TamperingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool Tampered { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Post || !request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            if (json["id_token"]?.GetValue<string>() is { } idToken)
            {
                var parts = idToken.Split('.');
                var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
                payload["acr"] = "eidas3";
                parts[1] = Base64UrlEncoder.Encode(payload.ToJsonString());
                json["id_token"] = string.Join('.', parts);
                Tampered = true;
            }

            response.Content = new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            return response;
        }
    }
}
