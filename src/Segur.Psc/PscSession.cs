using Segur.Auth;

namespace Segur.Psc;

/// <summary>
/// A logged-in Pro Santé Connect session: tokens in memory only, refreshed in the background ahead of expiry
/// (single-flight), exchanged for target services (RFC 8693), shared by every SDK module through
/// <see cref="IAccessTokenSource"/>. Raises <see cref="SessionEnded"/> when it cannot continue.
/// </summary>
public sealed class PscSession : IAccessTokenSource, IDisposable
{
    private readonly PscClient _client;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly Dictionary<string, TokenExchangeClient> _exchanges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Segur.Auth.AccessToken> _exchanged = new(StringComparer.Ordinal);
    private readonly object _sync = new();
    private PscTokens _tokens;
    private ITimer? _refreshTimer;
    private ITimer? _endTimer;
    private PscSessionEndReason? _ended;
    private IPscTokenStore? _store;
    private string? _storeKey;

    internal PscSession(PscClient client, PscTokens tokens, PscUser user)
    {
        _client = client;
        _tokens = tokens;
        User = user;
        Schedule();
    }

    /// <summary>Raised once when the session ends (logout, refresh refused, refresh token expired).</summary>
    public event EventHandler<PscSessionEndedEventArgs>? SessionEnded;

    /// <summary>The professional.</summary>
    public PscUser User { get; }

    /// <summary>The current tokens (in memory only).</summary>
    public PscTokens Tokens
    {
        get
        {
            lock (_sync)
            {
                return _tokens;
            }
        }
    }

    /// <summary>Whether the session ended.</summary>
    public bool IsEnded => _ended is not null;

    /// <summary>Why the session ended, if it did.</summary>
    public PscSessionEndReason? EndReason => _ended;

    /// <summary>Configures the RFC 8693 exchange used by <see cref="GetAccessTokenAsync(string?, CancellationToken)"/> for an audience.</summary>
    /// <param name="exchange">The exchange client; its <see cref="TokenExchangeOptions.Audience"/> is the key.</param>
    public void AddTokenExchange(TokenExchangeClient exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        lock (_sync)
        {
            _exchanges[exchange.Audience] = exchange;
        }
    }

    /// <summary>Shares the session through a store (opt-in): the refresh token is saved after each refresh and removed
    /// when the session ends. The access token is never stored.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The entry key.</param>
    /// <param name="cancellationToken">Cancels the first save.</param>
    /// <returns>A task that completes when saved.</returns>
    public async Task ShareAsync(IPscTokenStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(key);
        AttachStore(store, key);
        if (Tokens.RefreshToken is not null)
        {
            await store.SaveAsync(ToStored(key), cancellationToken).ConfigureAwait(false);
        }
    }

    internal void AttachStore(IPscTokenStore store, string key)
    {
        _store = store;
        _storeKey = key;
    }

    internal PscStoredSession ToStored(string key)
    {
        var t = Tokens;
        return new PscStoredSession(key, t.RefreshToken ?? "", t.RefreshExpiresOn, t.Subject, t.Acr);
    }

    /// <summary>Returns a valid access token: the session's own (refreshed when close to expiry), or, for an
    /// <paramref name="audience"/>, a token exchanged with the configured <see cref="TokenExchangeClient"/>.</summary>
    /// <param name="audience">The target service, or <see langword="null"/> for the PSC access token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token.</returns>
    /// <exception cref="SegurAuthenticationException">The session ended (<see cref="PscErrorCodes.SessionEnded"/>) or no exchange is
    /// configured for the audience (<see cref="PscErrorCodes.AudienceNotConfigured"/>).</exception>
    public ValueTask<Segur.Auth.AccessToken> GetAccessTokenAsync(string? audience = null, CancellationToken cancellationToken = default) =>
        GetAccessTokenAsync(audience, forceRefresh: false, cancellationToken);

    /// <summary>Returns a valid access token, refreshing it first when <paramref name="forceRefresh"/> is set.</summary>
    /// <param name="audience">The target service, or <see langword="null"/>.</param>
    /// <param name="forceRefresh">Refresh (or re-exchange) even if the token is still valid.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token.</returns>
    /// <exception cref="SegurAuthenticationException">The session ended.</exception>
    public async ValueTask<Segur.Auth.AccessToken> GetAccessTokenAsync(string? audience, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        var time = _client.Time;
        var tokens = Tokens;
        if (forceRefresh || time.GetUtcNow() >= RefreshAt(tokens))
        {
            tokens = await RefreshAsync(forceRefresh ? tokens : null, cancellationToken).ConfigureAwait(false);
        }

        if (audience is null)
        {
            return new Segur.Auth.AccessToken(tokens.AccessToken, tokens.ExpiresOn);
        }

        TokenExchangeClient? exchange;
        lock (_sync)
        {
            _exchanges.TryGetValue(audience, out exchange);
            if (!forceRefresh && _exchanged.TryGetValue(audience, out var cached) && time.GetUtcNow() < cached.ExpiresOn - TimeSpan.FromSeconds(30))
            {
                return cached;
            }
        }

        if (exchange is null)
        {
            throw new SegurAuthenticationException(PscErrorCodes.AudienceNotConfigured, $"No token exchange is configured for audience '{audience}'.");
        }

        var exchanged = await exchange.ExchangeAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _exchanged[audience] = exchanged;
        }

        return exchanged;
    }

    /// <summary>Tells the session that a resource server refused <paramref name="accessToken"/>: the next call refreshes.</summary>
    /// <param name="accessToken">The refused token.</param>
    public void Invalidate(string accessToken)
    {
        lock (_sync)
        {
            foreach (var key in _exchanged.Where(p => p.Value.Token == accessToken).Select(p => p.Key).ToList())
            {
                _exchanged.Remove(key);
            }

            if (_tokens.AccessToken == accessToken)
            {
                var now = _client.Time.GetUtcNow();
                _tokens = new PscTokens(_tokens.AccessToken, _tokens.RefreshToken, _tokens.IdToken, now, now, _tokens.RefreshExpiresOn, _tokens.Subject, _tokens.Acr, _tokens.IdTokenClaims);
            }
        }
    }

    /// <summary>Ends the session locally (tokens dropped, store entry removed, <see cref="SessionEnded"/> raised) and returns
    /// the end-session URL to open in the browser for a PSC logout.</summary>
    /// <param name="postLogoutRedirectUri">Where PSC sends the browser afterwards, if any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The end-session URL, or <see langword="null"/> when PSC announces none.</returns>
    public async Task<Uri?> LogoutAsync(Uri? postLogoutRedirectUri = null, CancellationToken cancellationToken = default)
    {
        var idToken = Tokens.IdToken;
        Uri? uri = null;
        try
        {
            uri = await _client.CreateEndSessionUriAsync(idToken, postLogoutRedirectUri, PscClient.RandomString(16), cancellationToken).ConfigureAwait(false);
        }
        catch (SegurServiceException ex) when (ex.ErrorCode == PscErrorCodes.EndpointMissing)
        {
            // no PSC logout possible: end locally
        }

        await EndAsync(PscSessionEndReason.LoggedOut).ConfigureAwait(false);
        return uri;
    }

    private DateTimeOffset RefreshAt(PscTokens tokens)
    {
        var lifetime = tokens.ExpiresOn - tokens.IssuedOn;
        var margin = TimeSpan.FromTicks((long)(Math.Max(lifetime.Ticks, 0) * _client.Options.RefreshMarginRatio));
        if (margin < TimeSpan.FromSeconds(10))
        {
            margin = TimeSpan.FromSeconds(10);
        }

        return tokens.ExpiresOn - margin;
    }

    private async Task<PscTokens> RefreshAsync(PscTokens? forcedFrom, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfEnded();
            var current = Tokens;
            // Single flight: another caller refreshed while we waited.
            if ((forcedFrom is null && _client.Time.GetUtcNow() < RefreshAt(current)) || (forcedFrom is not null && !ReferenceEquals(forcedFrom, current)))
            {
                return current;
            }

            if (current.RefreshToken is null)
            {
                await EndAsync(PscSessionEndReason.AccessTokenExpired).ConfigureAwait(false);
                throw new SegurAuthenticationException(PscErrorCodes.SessionEnded, "The PSC access token expired and no refresh token was issued: log in again.");
            }

            PscTokens refreshed;
            try
            {
                refreshed = await _client.RefreshCoreAsync(current.RefreshToken, current, cancellationToken).ConfigureAwait(false);
            }
            catch (SegurAuthenticationException ex)
            {
                await EndAsync(PscSessionEndReason.RefreshRejected).ConfigureAwait(false);
                throw new SegurAuthenticationException(PscErrorCodes.SessionEnded, "The PSC session ended (refresh refused): log in again.", innerException: ex);
            }

            lock (_sync)
            {
                _tokens = refreshed;
            }

            Schedule();
            if (_store is not null && _storeKey is not null && refreshed.RefreshToken is not null)
            {
                await _store.SaveAsync(ToStored(_storeKey), cancellationToken).ConfigureAwait(false);
            }

            return refreshed;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private void Schedule()
    {
        var time = _client.Time;
        var tokens = Tokens;
        var now = time.GetUtcNow();
        lock (_sync)
        {
            _refreshTimer?.Dispose();
            _endTimer?.Dispose();
            if (_ended is not null)
            {
                return;
            }

            if (tokens.RefreshToken is not null)
            {
                var due = RefreshAt(tokens) - now;
                _refreshTimer = time.CreateTimer(_ => _ = BackgroundRefreshAsync(), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
            }

            var end = tokens.RefreshExpiresOn ?? (tokens.RefreshToken is null ? tokens.ExpiresOn : (DateTimeOffset?)null);
            if (end is { } e)
            {
                var due = e - now;
                var reason = tokens.RefreshToken is null ? PscSessionEndReason.AccessTokenExpired : PscSessionEndReason.RefreshExpired;
                _endTimer = time.CreateTimer(_ => _ = EndAsync(reason), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task BackgroundRefreshAsync()
    {
        try
        {
            await RefreshAsync(null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            PscLog.BackgroundRefreshFailed(_client.Logger, ex.ErrorCode);
            if (ex.IsTransient && !IsEnded)
            {
                // try again in 10 s (the access token may still be valid)
                lock (_sync)
                {
                    _refreshTimer?.Dispose();
                    _refreshTimer = _client.Time.CreateTimer(_ => _ = BackgroundRefreshAsync(), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // session disposed
        }
    }

    private async Task EndAsync(PscSessionEndReason reason)
    {
        lock (_sync)
        {
            if (_ended is not null)
            {
                return;
            }

            _ended = reason;
            _refreshTimer?.Dispose();
            _endTimer?.Dispose();
            _exchanged.Clear();
        }

        PscLog.SessionEnded(_client.Logger, _tokens.Subject, reason);
        if (_store is not null && _storeKey is not null)
        {
            try
            {
                await _store.RemoveAsync(_storeKey).ConfigureAwait(false);
            }
            catch (SegurException)
            {
                // the store is best effort once the session ended
            }
        }

        SessionEnded?.Invoke(this, new PscSessionEndedEventArgs(reason));
    }

    private void ThrowIfEnded()
    {
        if (_ended is { } reason)
        {
            throw new SegurAuthenticationException(PscErrorCodes.SessionEnded, $"The PSC session ended ({reason}): log in again.");
        }
    }

    /// <summary>Stops the background refresh. The session stays usable until its tokens expire.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _refreshTimer?.Dispose();
            _endTimer?.Dispose();
        }
    }
}
