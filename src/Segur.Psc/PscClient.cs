using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Segur.Psc;

/// <summary>
/// Pro Santé Connect (OpenID Connect) client: discovery, authorization code with PKCE (desktop loopback redirect or
/// web application), CIBA poll mode, ID token validation, refresh, UserInfo and logout. Thread-safe; one per
/// application.
/// </summary>
public class PscClient : IDisposable
{
    private const string CibaGrantType = "urn:openid:params:grant-type:ciba";
    private static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DefaultRefreshTokenLifetime = TimeSpan.FromSeconds(1800);
    private static readonly ActivitySource Source = new(Segur.Diagnostics.SegurDiagnostics.Psc);

    private readonly PscClientOptions _options = null!;
    private readonly PscHttp _http = null!;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration = null!;
    private readonly ILogger _logger = null!;
    private readonly Uri _discoveryUrl = null!;
    private readonly PscDocumentRetriever _retriever = null!;
    private static readonly TimeSpan MinimumForcedRefreshInterval = TimeSpan.FromSeconds(30);
    private DateTimeOffset _forcedAt = DateTimeOffset.MinValue;
    private OpenIdConnectConfiguration? _forced;

    /// <summary>For mocking.</summary>
    protected PscClient()
    {
    }

    /// <summary>Creates a client.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentException">The options are invalid (all problems are listed).</exception>
    public PscClient(PscClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory.CreateLogger("Segur.Psc");
        _http = new PscHttp(options.HttpMessageHandler, options.ClientAuthentication == PscClientAuthentication.TlsClientCertificate ? options.ClientCredential : null, options.HttpTimeout, _logger);
        _discoveryUrl = options.ResolveDiscoveryUrl();
        _retriever = new PscDocumentRetriever(_http, options);
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(_discoveryUrl.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), _retriever)
        {
            RefreshInterval = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The options of this client (do not change them after construction).</summary>
    public virtual PscClientOptions Options => _options;

    internal TimeProvider Time => _options.TimeProvider;

    internal ILogger Logger => _logger;

    /// <summary>Returns the discovery document, cached (12 h) and refetched when <paramref name="forceRefresh"/> is set
    /// (at most every 30 s).</summary>
    /// <param name="forceRefresh">Refetch the document (e.g. after an unknown signing key).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="SegurTransportException">The document could not be fetched (<see cref="PscErrorCodes.DiscoveryFailed"/>).</exception>
    /// <exception cref="SegurServiceException">An endpoint is not HTTPS (<see cref="PscErrorCodes.InsecureEndpoint"/>).</exception>
    public virtual async Task<OpenIdConnectConfiguration> GetConfigurationAsync(bool forceRefresh = false, CancellationToken cancellationToken = default)
    {
        OpenIdConnectConfiguration config;
        try
        {
            var now = _options.TimeProvider.GetUtcNow();
            if (forceRefresh)
            {
                // ConfigurationManager refreshes in the background and may keep answering the stale document, so a
                // forced refresh fetches synchronously (at most every 30 s) and that copy wins for 12 h.
                _configuration.RequestRefresh();
                if (now - _forcedAt >= MinimumForcedRefreshInterval)
                {
                    _forcedAt = now;
                    _forced = await OpenIdConnectConfigurationRetriever.GetAsync(_discoveryUrl.AbsoluteUri, _retriever, cancellationToken).ConfigureAwait(false);
                }
            }

            config = _forced is { } forced && now - _forcedAt < BaseConfigurationManager.DefaultAutomaticRefreshInterval
                ? forced
                : await _configuration.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            PscLog.DiscoveryFailed(_logger, _discoveryUrl, ex.ErrorCode);
            throw;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException && !cancellationToken.IsCancellationRequested)
        {
            var inner = ex.InnerException as SegurException ?? ex.InnerException?.InnerException as SegurException;
            PscLog.DiscoveryFailed(_logger, _discoveryUrl, inner?.ErrorCode ?? ex.GetType().Name);
            if (inner is not null && inner.ErrorCode == PscErrorCodes.InsecureEndpoint)
            {
                throw new SegurServiceException(PscErrorCodes.InsecureEndpoint, inner.Message, innerException: ex);
            }

            throw new SegurTransportException(PscErrorCodes.DiscoveryFailed, $"The discovery document {_discoveryUrl} could not be loaded.", innerException: ex);
        }

        foreach (var endpoint in new[] { config.TokenEndpoint, config.AuthorizationEndpoint, config.UserInfoEndpoint, config.JwksUri, config.BackchannelAuthenticationEndpoint, config.EndSessionEndpoint })
        {
            if (!string.IsNullOrEmpty(endpoint) && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var u) || !_options.IsAllowed(u)))
            {
                throw new SegurServiceException(PscErrorCodes.InsecureEndpoint, $"The discovery document announces an endpoint that is not HTTPS: {endpoint}.");
            }
        }

        PscLog.DiscoveryLoaded(_logger, _discoveryUrl, config.Issuer);
        return config;
    }

    /// <summary>Builds an authorization request (code flow, PKCE S256, <c>state</c>, <c>nonce</c>, <c>acr_values</c>, scopes).
    /// Web applications call it, keep the returned request until the callback, then call
    /// <see cref="RedeemAuthorizationResponseAsync"/>.</summary>
    /// <param name="redirectUri">The registered redirect URI.</param>
    /// <param name="loginHint">An optional <c>login_hint</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request.</returns>
    /// <exception cref="SegurException">Discovery failed.</exception>
    public virtual async Task<PscAuthorizationRequest> CreateAuthorizationRequestAsync(Uri redirectUri, string? loginHint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var endpoint = _options.ResolveAuthorizationEndpoint() ?? RequireEndpoint(config.AuthorizationEndpoint, "authorization");
        var state = RandomString(32);
        var nonce = RandomString(32);
        var verifier = RandomString(64);
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", _options.ClientId),
            new("redirect_uri", redirectUri.AbsoluteUri),
            new("scope", string.Join(' ', _options.Scopes)),
            new("state", state),
            new("nonce", nonce),
            new("acr_values", _options.AcrValues),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
        };
        if (!string.IsNullOrEmpty(loginHint))
        {
            query.Add(new("login_hint", loginHint));
        }

        var builder = new UriBuilder(endpoint);
        var existing = builder.Query.TrimStart('?');
        builder.Query = (existing.Length > 0 ? existing + "&" : "") + string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return new PscAuthorizationRequest(builder.Uri, redirectUri, state, nonce, verifier);
    }

    /// <summary>Checks the redirect (state, RFC 9207 <c>iss</c>, error), redeems the code with the PKCE verifier,
    /// validates the ID token, reads UserInfo and opens a session.</summary>
    /// <param name="request">The request built by <see cref="CreateAuthorizationRequestAsync"/>.</param>
    /// <param name="callbackUri">The full URL the browser came back to (with its query).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SegurAuthenticationException">Refused login, state/issuer/nonce mismatch, invalid ID token, acr too low.</exception>
    /// <exception cref="SegurServiceException">PSC refused the request.</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual Task<PscSession> RedeemAuthorizationResponseAsync(PscAuthorizationRequest request, Uri callbackUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(callbackUri);
        return RedeemAsync(request, LoopbackRedirectListener.ParseQuery(callbackUri.Query), cancellationToken);
    }

    /// <summary>Desktop login (RFC 8252): listens on <c>http://127.0.0.1:{random port}/callback</c>, opens the browser at
    /// the authorization URL, waits for the redirect (<see cref="PscClientOptions.LoginTimeout"/>), then redeems it.</summary>
    /// <param name="browser">Opens the URL. <value>Default: <see cref="SystemBrowserLauncher"/>.</value></param>
    /// <param name="loginHint">An optional <c>login_hint</c>.</param>
    /// <param name="cancellationToken">Cancels the login.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SegurAuthenticationException">Refused, timed out (<see cref="PscErrorCodes.LoginTimedOut"/>) or invalid login.</exception>
    /// <exception cref="SegurServiceException">PSC refused the request.</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual async Task<PscSession> LoginAsync(IBrowserLauncher? browser = null, string? loginHint = null, CancellationToken cancellationToken = default)
    {
        using var activity = Source.StartActivity("psc.login");
        using var listener = new LoopbackRedirectListener();
        var request = await CreateAuthorizationRequestAsync(listener.RedirectUri, loginHint, cancellationToken).ConfigureAwait(false);
        PscLog.LoginStarted(_logger, listener.RedirectUri);
        using var timeout = new CancellationTokenSource(_options.LoginTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Dictionary<string, string> parameters;
        try
        {
            var wait = listener.WaitAsync(linked.Token);
            await (browser ?? new SystemBrowserLauncher()).LaunchAsync(request.AuthorizationUri, linked.Token).ConfigureAwait(false);
            parameters = await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            PscLog.LoginFailed(_logger, PscErrorCodes.LoginTimedOut);
            throw new SegurAuthenticationException(PscErrorCodes.LoginTimedOut, $"The browser did not come back within {_options.LoginTimeout}.", isTransient: true, innerException: ex);
        }

        return await RedeemAsync(request, parameters, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PscSession> RedeemAsync(PscAuthorizationRequest request, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        try
        {
            var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
            if (!parameters.TryGetValue("state", out var state) || !FixedEquals(state, request.State))
            {
                throw new SegurAuthenticationException(PscErrorCodes.StateMismatch, "The redirect's state does not match the request; the login is refused.");
            }

            if (parameters.TryGetValue("iss", out var iss) && !string.Equals(iss, config.Issuer, StringComparison.Ordinal))
            {
                throw new SegurAuthenticationException(PscErrorCodes.IssuerMismatch, $"The redirect comes from issuer '{iss}', not '{config.Issuer}'.");
            }

            if (parameters.TryGetValue("error", out var error))
            {
                parameters.TryGetValue("error_description", out var description);
                var message = $"Pro Santé Connect refused the login: {error}" + (string.IsNullOrEmpty(description) ? "." : $" ({description}).");
                throw error is "access_denied" or "login_required" or "consent_required" or "interaction_required"
                    ? new SegurAuthenticationException(PscErrorCodes.LoginRefused, message)
                    : new SegurServiceException(PscErrorCodes.AuthorizationFailed, message) { ServiceCode = error };
            }

            if (!parameters.TryGetValue("code", out var code) || code.Length == 0)
            {
                throw new SegurServiceException(PscErrorCodes.AuthorizationFailed, "The redirect carries neither a code nor an error.");
            }

            var tokens = await RequestTokensAsync(
                [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", request.RedirectUri.AbsoluteUri), new("code_verifier", request.CodeVerifier)],
                PscErrorCodes.CodeRejected,
                "The authorization code was refused",
                request.Nonce,
                previous: null,
                cancellationToken).ConfigureAwait(false);
            return await OpenSessionAsync(tokens, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            PscLog.LoginFailed(_logger, ex.ErrorCode);
            throw;
        }
    }

    /// <summary>Starts a CIBA request (poll mode): the professional approves it on the e-CPS app or with a CPx card.</summary>
    /// <param name="loginHint">The professional's national identifier (e.g. <c>899700218896</c>).</param>
    /// <param name="channel">How the professional approves.</param>
    /// <param name="bindingMessage">Two digits to show to the professional; generated when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request to show and poll.</returns>
    /// <exception cref="SegurServiceException">PSC refused the request (<see cref="PscErrorCodes.CibaRequestRejected"/>).</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual async Task<PscCibaRequest> StartCibaAsync(string loginHint, PscCibaChannel channel = PscCibaChannel.Mobile, string? bindingMessage = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loginHint);
        if (bindingMessage is not null && (bindingMessage.Length != 2 || !char.IsAsciiDigit(bindingMessage[0]) || !char.IsAsciiDigit(bindingMessage[1])))
        {
            throw new ArgumentException("The PSC binding message is two digits (00-99).", nameof(bindingMessage));
        }

        bindingMessage ??= RandomNumberGenerator.GetInt32(0, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var endpoint = _options.CibaEndpoint
            ?? MtlsAlias(config, "backchannel_authentication_endpoint")
            ?? (string.IsNullOrEmpty(config.BackchannelAuthenticationEndpoint)
                ? new Uri(config.Issuer.TrimEnd('/') + "/protocol/openid-connect/ext/ciba/auth")
                : new Uri(config.BackchannelAuthenticationEndpoint));
        EnsureAllowed(endpoint);
        var channelValue = channel == PscCibaChannel.Card ? "CARD" : "MOBILE";
        using var result = await _http.PostFormAsync(
            endpoint,
            [new("scope", string.Join(' ', _options.Scopes)), new("acr_values", _options.AcrValues), new("login_hint", loginHint), new("binding_message", bindingMessage), new("channel", channelValue)],
            Auth,
            cancellationToken).ConfigureAwait(false);
        if (result.Error is { } err)
        {
            var ex = err.Error == "invalid_client"
                ? PscHttp.MapTokenError(err, PscErrorCodes.CibaRequestRejected, "The CIBA request was refused")
                : new SegurServiceException(PscErrorCodes.CibaRequestRejected, $"The CIBA request was refused: {err.Error}" + (err.Description is null ? "." : $" ({err.Description})."), rawFault: err.Raw) { ServiceCode = err.Error };
            throw ex;
        }

        var json = result.Json!.Value;
        var id = PscHttp.GetString(json, "auth_req_id") ?? throw new SegurProtocolException(PscErrorCodes.MalformedResponse, "The CIBA acknowledgement has no auth_req_id.");
        var expiresIn = PscHttp.GetNumber(json, "expires_in") ?? 120;
        var interval = PscHttp.GetNumber(json, "interval") is { } i and > 0 ? TimeSpan.FromSeconds(i) : _options.CibaDefaultInterval;
        var maskedHint = Segur.Diagnostics.Sensitive.Mask(loginHint, _options.EnableSensitiveDataLogging);
        PscLog.CibaStarted(_logger, maskedHint, channelValue, (int)expiresIn);
        return new PscCibaRequest(id, bindingMessage, _options.TimeProvider.GetUtcNow().AddSeconds(expiresIn), interval);
    }

    /// <summary>Polls the token endpoint until the professional approves the CIBA request: waits <c>interval</c> between
    /// polls, continues on <c>authorization_pending</c>, adds 5 s on <c>slow_down</c>, stops at expiry.</summary>
    /// <param name="request">The started request.</param>
    /// <param name="cancellationToken">Cancels the polling.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SegurAuthenticationException">Refused (<see cref="PscErrorCodes.CibaRefused"/>), expired
    /// (<see cref="PscErrorCodes.CibaExpired"/>), or invalid tokens.</exception>
    /// <exception cref="SegurServiceException">PSC refused the request.</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual async Task<PscSession> PollCibaAsync(PscCibaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = Source.StartActivity("psc.ciba");
        var interval = request.Interval;
        var time = _options.TimeProvider;
        while (true)
        {
            if (time.GetUtcNow() >= request.ExpiresOn)
            {
                throw new SegurAuthenticationException(PscErrorCodes.CibaExpired, "The CIBA request expired before the professional approved it.");
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            try
            {
                var tokens = await RequestTokensAsync(
                    [new("grant_type", CibaGrantType), new("auth_req_id", request.AuthRequestId)],
                    PscErrorCodes.CibaExpired,
                    "The CIBA request failed",
                    expectedNonce: null,
                    previous: null,
                    cancellationToken).ConfigureAwait(false);
                return await OpenSessionAsync(tokens, cancellationToken).ConfigureAwait(false);
            }
            catch (PendingException pending)
            {
                if (pending.SlowDown)
                {
                    interval += TimeSpan.FromSeconds(5);
                }

                PscLog.CibaPolled(_logger, pending.SlowDown ? "slow_down" : "authorization_pending", interval);
            }
        }
    }

    /// <summary>Redeems a refresh token. A new ID token, if any, is validated (same <c>sub</c>).</summary>
    /// <param name="refreshToken">The refresh token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new tokens.</returns>
    /// <exception cref="SegurAuthenticationException">Refused (<see cref="PscErrorCodes.RefreshRejected"/>): log in again.</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual Task<PscTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        return RefreshCoreAsync(refreshToken, null, cancellationToken);
    }

    internal Task<PscTokens> RefreshCoreAsync(string refreshToken, PscTokens? previous, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)],
            PscErrorCodes.RefreshRejected,
            "The refresh token was refused",
            expectedNonce: null,
            previous,
            cancellationToken);

    /// <summary>Opens a session from a refresh token saved in a store (another process of the workstation logged in).</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The session, or <see langword="null"/> when the store has no usable entry.</returns>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual async Task<PscSession?> ResumeSessionAsync(IPscTokenStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var saved = await store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (saved is null || (saved.RefreshExpiresOn is { } exp && exp <= _options.TimeProvider.GetUtcNow()))
        {
            return null;
        }

        try
        {
            var tokens = await RefreshCoreAsync(saved.RefreshToken, null, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(tokens.Subject, saved.Subject, StringComparison.Ordinal))
            {
                throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The stored session belongs to another subject.");
            }

            var session = await OpenSessionAsync(tokens, cancellationToken).ConfigureAwait(false);
            session.AttachStore(store, key);
            await store.SaveAsync(session.ToStored(key), cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (SegurAuthenticationException)
        {
            await store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Reads UserInfo (JSON, signed JWT, or JWE with <see cref="PscClientOptions.UserInfoDecryptionKey"/>) and maps it.</summary>
    /// <param name="tokens">The session's tokens (access token, expected <c>sub</c>, <c>acr</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user.</returns>
    /// <exception cref="SegurAuthenticationException">The answer's <c>sub</c> or signature is wrong, or the token was refused.</exception>
    /// <exception cref="SegurServiceException">UserInfo failed (<see cref="PscErrorCodes.UserInfoFailed"/>).</exception>
    /// <exception cref="SegurTransportException">PSC is unreachable.</exception>
    public virtual async Task<PscUser> GetUserInfoAsync(PscTokens tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var endpoint = _options.UserInfoEndpoint ?? MtlsAlias(config, "userinfo_endpoint") ?? RequireEndpoint(config.UserInfoEndpoint, "userinfo");
        var client = await _http.GetClientAsync(cancellationToken).ConfigureAwait(false);
        using var message = new HttpRequestMessage(HttpMethod.Get, endpoint);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        message.Headers.Accept.ParseAdd("application/json");
        message.Headers.Accept.ParseAdd("application/jwt");
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, "The userinfo endpoint is unreachable.", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, "The userinfo endpoint timed out.", innerException: ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500)
            {
                throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, $"The userinfo endpoint answered HTTP {(int)response.StatusCode}.");
            }

            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                throw new SegurAuthenticationException(PscErrorCodes.UserInfoFailed, "The userinfo endpoint refused the access token.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SegurServiceException(PscErrorCodes.UserInfoFailed, $"The userinfo endpoint answered HTTP {(int)response.StatusCode}.", rawFault: body.Length > 2000 ? body[..2000] : body);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            JsonDocument doc;
            if (string.Equals(mediaType, "application/jwt", StringComparison.OrdinalIgnoreCase))
            {
                doc = await ReadSignedUserInfoAsync(body.Trim(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    doc = JsonDocument.Parse(body);
                }
                catch (JsonException ex)
                {
                    throw new SegurServiceException(PscErrorCodes.UserInfoFailed, "The userinfo answer is not JSON.", innerException: ex);
                }
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new SegurServiceException(PscErrorCodes.UserInfoFailed, "The userinfo answer is not a JSON object.");
                }

                var sub = PscHttp.GetString(doc.RootElement, "sub");
                if (!string.Equals(sub, tokens.Subject, StringComparison.Ordinal))
                {
                    throw new SegurAuthenticationException(PscErrorCodes.UserInfoInvalid, "The userinfo 'sub' differs from the ID token's; the answer is refused.");
                }

                return PscUser.FromUserInfo(doc.RootElement, tokens.Acr, tokens.Subject);
            }
        }
    }

    private async Task<JsonDocument> ReadSignedUserInfoAsync(string jwt, CancellationToken cancellationToken)
    {
        var parts = jwt.Split('.').Length;
        if (parts == 5 && _options.UserInfoDecryptionKey is null)
        {
            throw new SegurServiceException(PscErrorCodes.UserInfoFailed, "The userinfo answer is encrypted (JWE) and no UserInfoDecryptionKey is configured.");
        }

        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var result = await ValidateJwtAsync(jwt, config, validateAudience: false, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw new SegurAuthenticationException(PscErrorCodes.UserInfoInvalid, $"The signed userinfo answer is invalid ({result.Exception?.GetType().Name}).", innerException: result.Exception);
        }

        var token = (JsonWebToken)result.SecurityToken;
        var payload = token.InnerToken?.EncodedPayload ?? token.EncodedPayload;
        return JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(payload));
    }

    /// <summary>Builds the end-session (logout) URL: send the browser there only on an explicit user "disconnect".</summary>
    /// <param name="idTokenHint">The session's ID token.</param>
    /// <param name="postLogoutRedirectUri">Where PSC sends the browser afterwards (registered), if any.</param>
    /// <param name="state">An optional state echoed back.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="SegurServiceException">No end-session endpoint (<see cref="PscErrorCodes.EndpointMissing"/>).</exception>
    public virtual async Task<Uri> CreateEndSessionUriAsync(string? idTokenHint, Uri? postLogoutRedirectUri = null, string? state = null, CancellationToken cancellationToken = default)
    {
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var endpoint = _options.EndSessionEndpoint ?? RequireEndpoint(config.EndSessionEndpoint, "end session");
        var query = new List<string> { "client_id=" + Uri.EscapeDataString(_options.ClientId) };
        if (idTokenHint is not null)
        {
            query.Add("id_token_hint=" + Uri.EscapeDataString(idTokenHint));
        }

        if (postLogoutRedirectUri is not null)
        {
            query.Add("post_logout_redirect_uri=" + Uri.EscapeDataString(postLogoutRedirectUri.AbsoluteUri));
        }

        if (state is not null)
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        var builder = new UriBuilder(endpoint);
        var existing = builder.Query.TrimStart('?');
        builder.Query = (existing.Length > 0 ? existing + "&" : "") + string.Join('&', query);
        return builder.Uri;
    }

    internal ClientAuth Auth => new(_options.ClientAuthentication, _options.ClientId, _options.ClientSecret);

    internal async Task<PscSession> OpenSessionAsync(PscTokens tokens, CancellationToken cancellationToken)
    {
        var user = await GetUserInfoAsync(tokens, cancellationToken).ConfigureAwait(false);
        var jti = tokens.IdTokenClaims.FirstOrDefault(c => c.Type == "jti")?.Value;
        PscLog.LoginSucceeded(_logger, tokens.Subject, tokens.Acr, jti);
        return new PscSession(this, tokens, user);
    }

    private async Task<PscTokens> RequestTokensAsync(List<KeyValuePair<string, string>> form, string invalidGrantCode, string context, string? expectedNonce, PscTokens? previous, CancellationToken cancellationToken)
    {
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var endpoint = _options.TokenEndpoint ?? MtlsAlias(config, "token_endpoint") ?? RequireEndpoint(config.TokenEndpoint, "token");
        using var result = await _http.PostFormAsync(endpoint, form, Auth, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } err)
        {
            if (err.Error is "authorization_pending" or "slow_down")
            {
                throw new PendingException(err.Error == "slow_down");
            }

            throw PscHttp.MapTokenError(err, invalidGrantCode, context);
        }

        var json = result.Json!.Value;
        var accessToken = PscHttp.GetString(json, "access_token") ?? throw new SegurProtocolException(PscErrorCodes.MalformedResponse, "The token answer has no access_token.");
        var now = _options.TimeProvider.GetUtcNow();
        var expiresOn = now + (PscHttp.GetNumber(json, "expires_in") is { } e and > 0 ? TimeSpan.FromSeconds(e) : DefaultAccessTokenLifetime);
        var refreshToken = PscHttp.GetString(json, "refresh_token") ?? previous?.RefreshToken;
        DateTimeOffset? refreshExpiresOn = refreshToken is null ? null
            : PscHttp.GetNumber(json, "refresh_expires_in") is { } re ? (re > 0 ? now.AddSeconds(re) : null)
            : PscHttp.GetString(json, "refresh_token") is null ? previous?.RefreshExpiresOn
            : now + DefaultRefreshTokenLifetime;
        var idToken = PscHttp.GetString(json, "id_token");
        if (idToken is null)
        {
            if (previous is null)
            {
                throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The token answer has no id_token (is 'openid' in the scopes?).");
            }

            return new PscTokens(accessToken, refreshToken, previous.IdToken, now, expiresOn, refreshExpiresOn, previous.Subject, previous.Acr, previous.IdTokenClaims);
        }

        var isCiba = form.Exists(p => p.Key == "grant_type" && p.Value == CibaGrantType);
        var isRefresh = form.Exists(p => p.Key == "grant_type" && p.Value == "refresh_token");
        var validated = await ValidateIdTokenAsync(idToken, expectedNonce, checkNonce: !isCiba && !isRefresh, previous?.Subject, cancellationToken).ConfigureAwait(false);
        var acr = validated.TryGetClaim("acr", out var acrClaim) ? acrClaim.Value : previous?.Acr;
        if (isRefresh && previous is not null)
        {
            PscLog.Refreshed(_logger, previous.Subject, expiresOn);
        }

        return new PscTokens(accessToken, refreshToken, idToken, now, expiresOn, refreshExpiresOn, validated.Subject, acr, validated.Claims.ToList());
    }

    /// <summary>Validates an ID token: signature (JWKS, refetched once on an unknown key, or HS256 with the client secret),
    /// issuer, audience, lifetime with <see cref="PscClientOptions.ClockSkew"/> on the <see cref="TimeProvider"/>,
    /// <c>azp</c>, <c>nonce</c> (unless CIBA or refresh), <c>sub</c> and the <c>acr</c> policy.</summary>
    internal async Task<JsonWebToken> ValidateIdTokenAsync(string idToken, string? expectedNonce, bool checkNonce, string? expectedSubject, CancellationToken cancellationToken)
    {
        var config = await GetConfigurationAsync(false, cancellationToken).ConfigureAwait(false);
        var result = await ValidateJwtAsync(idToken, config, validateAudience: true, cancellationToken).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            config = await GetConfigurationAsync(true, cancellationToken).ConfigureAwait(false);
            result = await ValidateJwtAsync(idToken, config, validateAudience: true, cancellationToken).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, $"The ID token was rejected ({result.Exception?.GetType().Name}).", innerException: result.Exception);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = _options.TimeProvider.GetUtcNow();
        var skew = _options.ClockSkew;
        if (!jwt.TryGetPayloadValue<long>("exp", out var exp))
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The ID token has no 'exp'.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp) + skew < now)
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenExpired, "The ID token is expired.");
        }

        if ((jwt.TryGetPayloadValue<long>("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - skew > now)
            || (jwt.TryGetPayloadValue<long>("iat", out var iat) && DateTimeOffset.FromUnixTimeSeconds(iat) - skew > now))
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenExpired, "The ID token is not yet valid (check the clock).");
        }

        if (string.IsNullOrEmpty(jwt.Subject))
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The ID token has no 'sub'.");
        }

        if (expectedSubject is not null && !string.Equals(jwt.Subject, expectedSubject, StringComparison.Ordinal))
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The new ID token's 'sub' differs from the session's.");
        }

        if (jwt.TryGetPayloadValue<string>("azp", out var azp) && !string.Equals(azp, _options.ClientId, StringComparison.Ordinal))
        {
            throw new SegurAuthenticationException(PscErrorCodes.IdTokenInvalid, "The ID token's 'azp' is another client.");
        }

        if (checkNonce)
        {
            if (!jwt.TryGetPayloadValue<string>("nonce", out var nonce) || expectedNonce is null || !FixedEquals(nonce, expectedNonce))
            {
                throw new SegurAuthenticationException(PscErrorCodes.NonceMismatch, "The ID token's nonce does not match the request (replayed or forged token).");
            }
        }

        CheckAcr(jwt.TryGetPayloadValue<string>("acr", out var acr) ? acr : null);
        return jwt;
    }

    /// <summary>Applies the ACR policy: <c>acr</c> at least <see cref="PscClientOptions.MinimumAcr"/> on the ordered scale.</summary>
    internal void CheckAcr(string? acr)
    {
        if (string.IsNullOrEmpty(acr))
        {
            if (!_options.AllowMissingAcr)
            {
                throw new SegurAuthenticationException(PscErrorCodes.AcrMissing, "The ID token has no authentication level (acr).");
            }

            return;
        }

        var levels = _options.AcrLevels;
        var index = levels.IndexOf(acr);
        if (index < 0 || index < levels.IndexOf(_options.MinimumAcr))
        {
            throw new SegurAuthenticationException(PscErrorCodes.AcrTooLow, $"The authentication level '{acr}' is below the required '{_options.MinimumAcr}' (or unknown).");
        }
    }

    private Task<TokenValidationResult> ValidateJwtAsync(string jwt, OpenIdConnectConfiguration config, bool validateAudience, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var keys = new List<SecurityKey>(config.SigningKeys);
        if (!string.IsNullOrEmpty(_options.ClientSecret))
        {
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.ClientSecret)));
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidateIssuer = true,
            ValidAudience = _options.ClientId,
            ValidateAudience = validateAudience,
            ValidateLifetime = false, // checked on the TimeProvider by the caller
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512"],
            TokenDecryptionKey = _options.UserInfoDecryptionKey,
            ValidateIssuerSigningKey = false,
        };
        return new JsonWebTokenHandler().ValidateTokenAsync(jwt, parameters);
    }

    /// <summary>With mutual TLS, the RFC 8705 <c>mtls_endpoint_aliases</c> entry for an endpoint, if discovery has one.</summary>
    internal Uri? MtlsAlias(OpenIdConnectConfiguration config, string name)
    {
        if (_options.ClientAuthentication != PscClientAuthentication.TlsClientCertificate
            || !config.AdditionalData.TryGetValue("mtls_endpoint_aliases", out var aliases) || aliases is null)
        {
            return null;
        }

        string? value = null;
        switch (aliases)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                value = PscHttp.GetString(e, name);
                break;
            case IDictionary<string, object> d when d.TryGetValue(name, out var v):
                value = v?.ToString();
                break;
            case string text:
                try
                {
                    using (var doc = JsonDocument.Parse(text))
                    {
                        value = doc.RootElement.ValueKind == JsonValueKind.Object ? PscHttp.GetString(doc.RootElement, name) : null;
                    }
                }
                catch (JsonException)
                {
                    value = null;
                }

                break;
        }

        if (string.IsNullOrEmpty(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return null;
        }

        EnsureAllowed(uri);
        return uri;
    }

    private Uri RequireEndpoint(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new SegurServiceException(PscErrorCodes.EndpointMissing, $"The discovery document has no {name} endpoint; configure it in PscClientOptions.");
        }

        var uri = new Uri(value);
        EnsureAllowed(uri);
        return uri;
    }

    private void EnsureAllowed(Uri uri)
    {
        if (!_options.IsAllowed(uri))
        {
            throw new SegurServiceException(PscErrorCodes.InsecureEndpoint, $"The endpoint {uri.GetLeftPart(UriPartial.Path)} is not HTTPS.");
        }
    }

    internal static string RandomString(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Releases the HTTP resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP resources.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http?.Dispose();
        }
    }

    private sealed class PendingException(bool slowDown) : Exception
    {
        public bool SlowDown { get; } = slowDown;
    }
}

/// <summary>Fetches discovery and JWKS documents through the client's HTTP stack, enforcing HTTPS (or the loopback allowance).</summary>
internal sealed class PscDocumentRetriever(PscHttp http, PscClientOptions options) : IDocumentRetriever
{
    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !options.IsAllowed(uri))
        {
            throw new SegurServiceException(PscErrorCodes.InsecureEndpoint, $"The document address {address} is not HTTPS.");
        }

        var client = await http.GetClientAsync(cancel).ConfigureAwait(false);
        try
        {
            using var response = await client.GetAsync(uri, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SegurTransportException(PscErrorCodes.DiscoveryFailed, $"{uri} answered HTTP {(int)response.StatusCode}.", isTransient: (int)response.StatusCode >= 500);
            }

            return await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SegurTransportException(PscErrorCodes.DiscoveryFailed, $"{uri} is unreachable.", innerException: ex);
        }
    }
}
