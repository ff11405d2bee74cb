using Segur.Psc;
using Segur.Testing;
using Segur.Testing.Psc;

namespace Segur.Psc.Tests;

public sealed class PscCibaTests
{
    [Fact]
    public async Task PollCibaAsync_ApprovedAfterPending_ReturnsSessionWithoutNonce()
    {
        await using var sim = await PscSimulator.StartAsync();
        sim.CibaInterval = null; // like oidc-provider: the client's default interval applies
        sim.CibaPendingPolls = 2;
        using var client = new PscClient(TestSupport.Options(sim));

        var request = await client.StartCibaAsync("899700218896/CPAT00045", PscCibaChannel.Card);
        using var session = await client.PollCibaAsync(request);

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.Equal(TimeSpan.FromMilliseconds(50), request.Interval);
        Assert.Matches("^[0-9]{2}$", request.BindingMessage);
        Assert.Equal(request.BindingMessage, sim.LastCibaRequest["binding_message"]);
        Assert.Equal("CARD", sim.LastCibaRequest["channel"]);
        Assert.Equal("899700218896/CPAT00045", sim.LastCibaRequest["login_hint"]);
        Assert.Equal("eidas1", sim.LastCibaRequest["acr_values"]);
        Assert.Equal(3, sim.TokenRequestCount);
        Assert.DoesNotContain(session.Tokens.IdTokenClaims, c => c.Type == "nonce");
    }

    [Fact]
    public async Task PollCibaAsync_SlowDown_AddsFiveSecondsToInterval()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await PscSimulator.StartAsync(time);
        sim.CibaInterval = 1;
        sim.CibaSlowDownPolls = 1;
        sim.CibaPendingPolls = 0;
        using var client = new PscClient(TestSupport.Options(sim, time));
        var request = await client.StartCibaAsync("899700218896", PscCibaChannel.Mobile, "42");
        Assert.Equal(TimeSpan.FromSeconds(1), request.Interval);

        var poll = client.PollCibaAsync(request);
        await TestSupport.EventuallyAsync(() => time.ActiveTimerCount == 1, "first wait armed");
        time.Advance(TimeSpan.FromSeconds(1));
        await TestSupport.EventuallyAsync(() => sim.TokenRequestCount == 1 && time.ActiveTimerCount == 1, "slow_down answered and next wait armed");
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, sim.TokenRequestCount);
        Assert.Equal(1, time.ActiveTimerCount); // 1 + 5 = 6 s: not due yet
        time.Advance(TimeSpan.FromSeconds(1));

        using var session = await poll;
        Assert.Equal(2, sim.TokenRequestCount);
    }

    [Fact]
    public async Task PollCibaAsync_Refused_ThrowsCibaRefused()
    {
        await using var sim = await PscSimulator.StartAsync();
        sim.CibaInterval = null;
        sim.CibaOutcome = PscSimulatorOutcome.Refuse;
        using var client = new PscClient(TestSupport.Options(sim));
        var request = await client.StartCibaAsync("899700218896");

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.PollCibaAsync(request));

        Assert.Equal(PscErrorCodes.CibaRefused, ex.ErrorCode);
    }

    [Fact]
    public async Task PollCibaAsync_ServerSaysExpired_ThrowsCibaExpired()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await PscSimulator.StartAsync(time);
        sim.CibaOutcome = PscSimulatorOutcome.Ignore;
        sim.CibaExpiresIn = 10;
        sim.CibaInterval = 30; // first poll lands after the expiry
        using var client = new PscClient(TestSupport.Options(sim, time));
        var request = await client.StartCibaAsync("899700218896");

        var poll = client.PollCibaAsync(request);
        await TestSupport.EventuallyAsync(() => time.ActiveTimerCount == 1, "wait armed");
        time.Advance(TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => poll);
        Assert.Equal(PscErrorCodes.CibaExpired, ex.ErrorCode);
        Assert.Equal(1, sim.TokenRequestCount);
    }

    [Fact]
    public async Task PollCibaAsync_ExpiryReachedWhilePending_StopsWithCibaExpired()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await PscSimulator.StartAsync(TimeProvider.System);
        sim.CibaOutcome = PscSimulatorOutcome.Ignore;
        sim.CibaExpiresIn = 3;
        sim.CibaInterval = 2;
        using var client = new PscClient(TestSupport.Options(sim, time));
        var request = await client.StartCibaAsync("899700218896");

        var poll = client.PollCibaAsync(request);
        await TestSupport.EventuallyAsync(() => time.ActiveTimerCount == 1, "first wait armed");
        time.Advance(TimeSpan.FromSeconds(2));
        await TestSupport.EventuallyAsync(() => sim.TokenRequestCount == 1 && time.ActiveTimerCount == 1, "pending answered");
        time.Advance(TimeSpan.FromSeconds(2));
        await TestSupport.EventuallyAsync(() => sim.TokenRequestCount == 2 && (poll.IsCompleted || time.ActiveTimerCount == 1), "second poll");

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => poll);
        Assert.Equal(PscErrorCodes.CibaExpired, ex.ErrorCode);
        Assert.Equal(2, sim.TokenRequestCount);
    }

    [Fact]
    public async Task PollCibaAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var sim = await PscSimulator.StartAsync();
        sim.CibaOutcome = PscSimulatorOutcome.Ignore;
        sim.CibaInterval = null;
        using var client = new PscClient(TestSupport.Options(sim));
        var request = await client.StartCibaAsync("899700218896");
        using var cts = new CancellationTokenSource();

        var poll = client.PollCibaAsync(request, cts.Token);
        await TestSupport.EventuallyAsync(() => sim.TokenRequestCount >= 1, "polling");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
    }

    [Fact]
    public async Task StartCibaAsync_UnknownProfessional_ThrowsCibaRequestRejected()
    {
        await using var sim = await PscSimulator.StartAsync();
        using var client = new PscClient(TestSupport.Options(sim));

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => client.StartCibaAsync("810000000000"));

        Assert.Equal(PscErrorCodes.CibaRequestRejected, ex.ErrorCode);
        Assert.Equal("unknown_user_id", ex.ServiceCode);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("123")]
    [InlineData("ab")]
    public async Task StartCibaAsync_BindingMessageNotTwoDigits_ThrowsArgumentException(string message)
    {
        await using var sim = await PscSimulator.StartAsync();
        using var client = new PscClient(TestSupport.Options(sim));

        await Assert.ThrowsAsync<ArgumentException>(() => client.StartCibaAsync("899700218896", PscCibaChannel.Mobile, message));
    }
}

public sealed class PscMtlsTests
{
    [Fact]
    public async Task TlsClientCertificate_DiscoveryHasMtlsAliases_UsesThemWithoutSecret()
    {
        await using var sim = await PscSimulator.StartAsync();
        sim.CibaInterval = null;
        var options = TestSupport.Options(sim);
        options.ClientAuthentication = PscClientAuthentication.TlsClientCertificate;
        options.ClientSecret = null;
        using var handler = new SocketsHttpHandler(); // an application-supplied handler carrying the certificate
        options.HttpMessageHandler = handler;
        using var client = new PscClient(options);

        var request = await client.StartCibaAsync("899700218896");
        using var session = await client.PollCibaAsync(request);

        Assert.Equal("899700218896", session.User.NationalId);
        Assert.True(sim.MtlsRequestCount >= 3); // CIBA + pending poll + token
        Assert.Equal(sim.ClientId, sim.LastCibaRequest["client_id"]);
        Assert.False(sim.LastCibaRequest.ContainsKey("client_secret"));
    }
}

public sealed class PscUserInfoFormatTests
{
    [Fact]
    public async Task LoginAsync_UserInfoEncryptedWithoutKey_ThrowsUserInfoFailed()
    {
        await using var sim = await PscSimulator.StartAsync();
        var options = TestSupport.Options(sim);
        using var handler = new JweUserInfoHandler();
        options.HttpMessageHandler = handler;
        using var client = new PscClient(options);

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => client.LoginAsync(new HttpBrowserLauncher()));

        Assert.Equal(PscErrorCodes.UserInfoFailed, ex.ErrorCode);
        Assert.Contains("JWE", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers UserInfo with a 5-part compact JWE, as PSC may for clients registered with encryption.</summary>
    private sealed class JweUserInfoHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/userinfo", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
                {
                    Content = new StringContent("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn", System.Text.Encoding.ASCII, "application/jwt"),
                };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
