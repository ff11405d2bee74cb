using System.Security.Claims;

namespace Segur.Psc;

/// <summary>Tokens obtained from Pro Santé Connect, validated. Kept in memory only; <see cref="ToString"/> shows no token.</summary>
public sealed class PscTokens
{
    internal PscTokens(string accessToken, string? refreshToken, string? idToken, DateTimeOffset issuedOn, DateTimeOffset expiresOn, DateTimeOffset? refreshExpiresOn, string subject, string? acr, IReadOnlyList<Claim> idTokenClaims)
    {
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        IdToken = idToken;
        IssuedOn = issuedOn;
        ExpiresOn = expiresOn;
        RefreshExpiresOn = refreshExpiresOn;
        Subject = subject;
        Acr = acr;
        IdTokenClaims = idTokenClaims;
    }

    /// <summary>The access token (secret; opaque to the SDK).</summary>
    public string AccessToken { get; }

    /// <summary>The refresh token (secret), if one was issued.</summary>
    public string? RefreshToken { get; }

    /// <summary>The validated ID token (needed as <c>id_token_hint</c> to log out).</summary>
    public string? IdToken { get; }

    /// <summary>When the tokens were received.</summary>
    internal DateTimeOffset IssuedOn { get; }

    /// <summary>When the access token expires, from <c>expires_in</c> (120 s when absent).</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>When the refresh token expires, from <c>refresh_expires_in</c> (1800 s when absent), if any.</summary>
    public DateTimeOffset? RefreshExpiresOn { get; }

    /// <summary>The subject (<c>sub</c>) of the ID token.</summary>
    public string Subject { get; }

    /// <summary>The authentication level (<c>acr</c>) of the ID token, e.g. <c>eidas1</c>.</summary>
    public string? Acr { get; }

    /// <summary>The claims of the validated ID token.</summary>
    public IReadOnlyList<Claim> IdTokenClaims { get; }

    /// <summary>Describes the tokens without their values.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"PSC tokens for sub {Subject}, acr {Acr}, expire {ExpiresOn:O} [redacted]";
}

/// <summary>An authorization request (code flow with PKCE): the URL to send the browser to, and what the
/// application must keep (server-side or in an encrypted cookie) until the callback.</summary>
/// <param name="AuthorizationUri">Where to send the browser.</param>
/// <param name="RedirectUri">The <c>redirect_uri</c> sent (must be sent again when redeeming the code).</param>
/// <param name="State">The <c>state</c> value (anti-forgery).</param>
/// <param name="Nonce">The <c>nonce</c> the ID token must carry.</param>
/// <param name="CodeVerifier">The PKCE verifier (secret).</param>
public sealed record PscAuthorizationRequest(Uri AuthorizationUri, Uri RedirectUri, string State, string Nonce, string CodeVerifier)
{
    /// <summary>Describes the request without the verifier.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"PSC authorization request to {AuthorizationUri.GetLeftPart(UriPartial.Path)} (redirect {RedirectUri})";
}

/// <summary>A started CIBA request: show <see cref="BindingMessage"/> to the professional, then poll.</summary>
/// <param name="AuthRequestId">The <c>auth_req_id</c> (secret).</param>
/// <param name="BindingMessage">The two digits the professional must see on the e-CPS app or CPS-Gestion.</param>
/// <param name="ExpiresOn">When the request expires.</param>
/// <param name="Interval">The polling interval (from <c>interval</c>, else <see cref="PscClientOptions.CibaDefaultInterval"/>).</param>
public sealed record PscCibaRequest(string AuthRequestId, string BindingMessage, DateTimeOffset ExpiresOn, TimeSpan Interval)
{
    /// <summary>Describes the request without its identifier.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"PSC CIBA request, binding message {BindingMessage}, expires {ExpiresOn:O}";
}

/// <summary>Why a <see cref="PscSession"/> ended.</summary>
public enum PscSessionEndReason
{
    /// <summary>The application or the user logged out.</summary>
    LoggedOut = 0,

    /// <summary>Pro Santé Connect refused the refresh token (<c>invalid_grant</c>).</summary>
    RefreshRejected = 1,

    /// <summary>The refresh token expired (<c>refresh_expires_in</c> elapsed).</summary>
    RefreshExpired = 2,

    /// <summary>No refresh token was issued and the access token expired.</summary>
    AccessTokenExpired = 3,
}

/// <summary>Data of the <see cref="PscSession.SessionEnded"/> event.</summary>
public sealed class PscSessionEndedEventArgs : EventArgs
{
    internal PscSessionEndedEventArgs(PscSessionEndReason reason) => Reason = reason;

    /// <summary>Why the session ended.</summary>
    public PscSessionEndReason Reason { get; }
}

/// <summary>What a token store keeps to share a session across processes. The access token is never stored
/// (MSSanté ECO.1.2.5): a process that loads it refreshes.</summary>
/// <param name="Key">The store key (for example the national identifier or the workstation user).</param>
/// <param name="RefreshToken">The refresh token (secret: protect it at rest, e.g. with DPAPI).</param>
/// <param name="RefreshExpiresOn">When the refresh token expires.</param>
/// <param name="Subject">The <c>sub</c> of the session.</param>
/// <param name="Acr">The authentication level of the original login.</param>
public sealed record PscStoredSession(string Key, string RefreshToken, DateTimeOffset? RefreshExpiresOn, string Subject, string? Acr)
{
    /// <summary>Describes the entry without the token.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"PSC stored session {Key} (sub {Subject}) [redacted]";
}

/// <summary>Shares a Pro Santé Connect session between processes of the same workstation (opt-in). Implementations
/// must protect the refresh token at rest and must not keep access tokens.</summary>
public interface IPscTokenStore
{
    /// <summary>Saves (or replaces) the refresh token of a session.</summary>
    /// <param name="session">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when saved.</returns>
    ValueTask SaveAsync(PscStoredSession session, CancellationToken cancellationToken = default);

    /// <summary>Loads a session by key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    ValueTask<PscStoredSession?> LoadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes a session (logout, refresh refused).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when removed.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}
