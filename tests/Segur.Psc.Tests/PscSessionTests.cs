using System.Collections.Concurrent;
using Segur.Psc;
using Segur.Testing;
using Segur.Testing.Psc;

namespace Segur.Psc.Tests;

public sealed class PscSessionTests
{
    private static async Task<(PscSimulator Sim, PscClient Client, PscSession Session, ManualTimeProvider Time)> LoginAsync(Action<PscSimulator>? configure = null)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var sim = await PscSimulator.StartAsync(time);
        configure?.Invoke(sim);
        var client = new PscClient(TestSupport.Options(sim, time));
        var session = await client.LoginAsync(new HttpBrowserLauncher());
        return (sim, client, session, time);
    }

    [Fact]
    public async Task GetAccessTokenAsync_FreshToken_ReturnsItWithoutRefresh()
    {
        var (sim, client, session, _) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var before = sim.TokenRequestCount;

        var token = await session.GetAccessTokenAsync();

        Assert.Equal(session.Tokens.AccessToken, token.Token);
        Assert.Equal(before, sim.TokenRequestCount);
        Assert.DoesNotContain(token.Token, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_InsideRefreshMargin_RefreshesFirst()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        session.Dispose(); // no background refresh: the call itself must refresh
        var old = session.Tokens.AccessToken;

        time.Advance(TimeSpan.FromSeconds(95)); // 120 s token, 25 % margin = 30 s

        var token = await session.GetAccessTokenAsync();
        Assert.NotEqual(old, token.Token);
        Assert.True(sim.IsActive(token.Token));
        Assert.True(token.ExpiresOn > time.GetUtcNow().AddSeconds(100));
    }

    [Fact]
    public async Task BackgroundRefresh_TimerDue_ReplacesTokensAheadOfExpiry()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var old = session.Tokens;

        time.Advance(TimeSpan.FromSeconds(91));

        await TestSupport.EventuallyAsync(() => !ReferenceEquals(old, session.Tokens), "background refresh");
        Assert.NotEqual(old.AccessToken, session.Tokens.AccessToken);
        Assert.NotEqual(old.RefreshToken, session.Tokens.RefreshToken);
        Assert.Equal(old.Subject, session.Tokens.Subject);
    }

    [Fact]
    public async Task ConcurrentCalls_InsideMargin_RefreshOnce()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        session.Dispose();
        time.Advance(TimeSpan.FromSeconds(100));
        var before = sim.TokenRequestCount;

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => session.GetAccessTokenAsync().AsTask()));

        Assert.Single(tokens.Select(t => t.Token).Distinct());
        Assert.Equal(before + 1, sim.TokenRequestCount);
    }

    [Fact]
    public async Task Refresh_Revoked_EndsSessionAndRaisesEvent()
    {
        var (sim, client, session, _) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var reasons = new ConcurrentQueue<PscSessionEndReason>();
        session.SessionEnded += (_, e) => reasons.Enqueue(e.Reason);
        sim.RevokeAll();

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => session.GetAccessTokenAsync(null, forceRefresh: true).AsTask());

        Assert.Equal(PscErrorCodes.SessionEnded, ex.ErrorCode);
        Assert.Equal([PscSessionEndReason.RefreshRejected], reasons);
        Assert.True(session.IsEnded);
        var again = await Assert.ThrowsAsync<SegurAuthenticationException>(() => session.GetAccessTokenAsync().AsTask());
        Assert.Equal(PscErrorCodes.SessionEnded, again.ErrorCode);
    }

    [Fact]
    public async Task RefreshTokenLifetimeElapses_EndsSessionWithRefreshExpired()
    {
        var (sim, client, session, time) = await LoginAsync(s =>
        {
            s.AccessTokenLifetime = 600;
            s.RefreshTokenLifetime = 60;
        });
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        PscSessionEndReason? reason = null;
        session.SessionEnded += (_, e) => reason = e.Reason;

        time.Advance(TimeSpan.FromSeconds(61));

        await TestSupport.EventuallyAsync(() => reason is not null, "session end");
        Assert.Equal(PscSessionEndReason.RefreshExpired, reason);
    }

    [Fact]
    public async Task Invalidate_RefusedToken_NextCallRefreshes()
    {
        var (sim, client, session, _) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var refused = (await session.GetAccessTokenAsync()).Token;

        session.Invalidate(refused);
        var next = await session.GetAccessTokenAsync();

        Assert.NotEqual(refused, next.Token);
    }

    [Fact]
    public async Task GetAccessTokenAsync_WithAudience_ExchangesOnceAndCaches()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var exchangeOptions = new TokenExchangeOptions
        {
            Endpoint = sim.TokenExchangeEndpoint,
            Audience = "dmp",
            ClientId = sim.ClientId,
            ClientSecret = sim.ClientSecret,
            ClientAuthentication = PscClientAuthentication.ClientSecretBasic,
            RequireHttps = false,
            TimeProvider = time,
        };
        exchangeOptions.Scopes.Add("dmp_api");
        exchangeOptions.ExtraParameters["subject_issuer"] = "psc";
        exchangeOptions.ActorTokenProvider = _ => ValueTask.FromResult<string?>("actor.jwt.value");
        using var exchange = new TokenExchangeClient(exchangeOptions);
        session.AddTokenExchange(exchange);

        var api = await session.GetAccessTokenAsync("dmp");
        var again = await session.GetAccessTokenAsync("dmp");

        Assert.StartsWith("api-", api.Token, StringComparison.Ordinal);
        Assert.Same(api, again);
        var sent = sim.LastTokenExchangeRequest;
        Assert.Equal("urn:ietf:params:oauth:grant-type:token-exchange", sent["grant_type"]);
        Assert.Equal(session.Tokens.AccessToken, sent["subject_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", sent["subject_token_type"]);
        Assert.Equal("dmp", sent["audience"]);
        Assert.Equal("dmp_api", sent["scope"]);
        Assert.Equal("psc", sent["subject_issuer"]);
        Assert.Equal("actor.jwt.value", sent["actor_token"]);
    }

    [Fact]
    public async Task GetAccessTokenAsync_UnknownAudience_ThrowsAudienceNotConfigured()
    {
        var (sim, client, session, _) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => session.GetAccessTokenAsync("insi").AsTask());

        Assert.Equal(PscErrorCodes.AudienceNotConfigured, ex.ErrorCode);
    }

    [Fact]
    public async Task TokenExchange_InactiveSubjectToken_ThrowsTokenExchangeRejected()
    {
        await using var sim = await PscSimulator.StartAsync();
        using var exchange = new TokenExchangeClient(new TokenExchangeOptions
        {
            Endpoint = sim.TokenExchangeEndpoint,
            Audience = "dmp",
            ClientId = sim.ClientId,
            ClientSecret = sim.ClientSecret,
            ClientAuthentication = PscClientAuthentication.ClientSecretPost,
            RequireHttps = false,
        });

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => exchange.ExchangeAsync("not-a-psc-token"));

        Assert.Equal(PscErrorCodes.TokenExchangeRejected, ex.ErrorCode);
    }

    [Fact]
    public async Task LogoutAsync_ReturnsEndSessionUrlAndEndsSession()
    {
        var (sim, client, session, _) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var idToken = session.Tokens.IdToken!;
        var refresh = session.Tokens.RefreshToken!;
        PscSessionEndReason? reason = null;
        session.SessionEnded += (_, e) => reason = e.Reason;

        var uri = await session.LogoutAsync(new Uri("http://127.0.0.1:5000/bye"));

        Assert.NotNull(uri);
        Assert.Contains("id_token_hint=" + Uri.EscapeDataString(idToken), uri!.Query, StringComparison.Ordinal);
        Assert.Contains("post_logout_redirect_uri=", uri.Query, StringComparison.Ordinal);
        Assert.Contains("state=", uri.Query, StringComparison.Ordinal);
        Assert.Equal(PscSessionEndReason.LoggedOut, reason);
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }))
        using (var response = await http.GetAsync(uri))
        {
            Assert.StartsWith("http://127.0.0.1:5000/bye?state=", response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        }

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.RefreshAsync(refresh));
        Assert.Equal(PscErrorCodes.RefreshRejected, ex.ErrorCode);
    }

    [Fact]
    public async Task ShareAndResume_ThroughStore_NewProcessRefreshesWithoutLogin()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var store = new MemoryStore();

        await session.ShareAsync(store, "workstation-1");
        var saved = store.Entries["workstation-1"];
        Assert.Equal(session.Tokens.RefreshToken, saved.RefreshToken);
        Assert.DoesNotContain(saved.RefreshToken, saved.ToString(), StringComparison.Ordinal);

        using var otherProcess = new PscClient(TestSupport.Options(sim, time));
        using var resumed = await otherProcess.ResumeSessionAsync(store, "workstation-1");

        Assert.NotNull(resumed);
        Assert.Equal("899700218896", resumed!.User.NationalId);
        Assert.Equal(resumed.Tokens.RefreshToken, store.Entries["workstation-1"].RefreshToken); // rotated token saved
    }

    [Fact]
    public async Task ResumeSessionAsync_RevokedToken_RemovesEntryAndReturnsNull()
    {
        var (sim, client, session, time) = await LoginAsync();
        await using var _s = sim;
        using var _c = client;
        using var _x = session;
        var store = new MemoryStore();
        await session.ShareAsync(store, "k");
        sim.RevokeAll();

        var resumed = await client.ResumeSessionAsync(store, "k");

        Assert.Null(resumed);
        Assert.False(store.Entries.ContainsKey("k"));
    }

    private sealed class MemoryStore : IPscTokenStore
    {
        public ConcurrentDictionary<string, PscStoredSession> Entries { get; } = new();

        public ValueTask SaveAsync(PscStoredSession session, CancellationToken cancellationToken = default)
        {
            Entries[session.Key] = session;
            return ValueTask.CompletedTask;
        }

        public ValueTask<PscStoredSession?> LoadAsync(string key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Entries.TryGetValue(key, out var s) ? s : null);

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
        {
            Entries.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
