namespace Segur.Auth;

/// <summary>
/// Supplies OAuth 2.0 access tokens for calls to national services (MSSanté, DMP, other software). In Segur.Psc,
/// a Pro Santé Connect session implements it and refreshes the token ahead of its expiry.
/// </summary>
public interface IAccessTokenSource
{
    /// <summary>Returns a valid access token, refreshing or exchanging it if needed.</summary>
    /// <param name="audience">The target service (for an RFC 8693 token exchange), or <see langword="null"/>
    /// for the session's own token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>An access token that is not expired at the time it is returned.</returns>
    /// <exception cref="SegurAuthenticationException">No session, or the session ended: the user must log in again.</exception>
    ValueTask<AccessToken> GetAccessTokenAsync(string? audience = null, CancellationToken cancellationToken = default);
}

/// <summary>An access token and its expiry. <see cref="ToString"/> never shows the token.</summary>
/// <param name="Token">The token value (secret).</param>
/// <param name="ExpiresOn">When the token expires (UTC).</param>
/// <param name="TokenType">The token type, normally <c>Bearer</c>.</param>
public sealed record AccessToken(string Token, DateTimeOffset ExpiresOn, string TokenType = "Bearer")
{
    /// <summary>Describes the token without its value.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"{TokenType} [redacted] expires {ExpiresOn:O}";
}
