namespace Segur.Psc;

/// <summary>Stable error codes of Segur.Psc (<c>SGR-3000</c> to <c>SGR-3999</c>). A code is never reused.</summary>
public static partial class PscErrorCodes
{
    /// <summary>The discovery document could not be fetched or read (network, HTTP error, invalid JSON).</summary>
    public const string DiscoveryFailed = "SGR-3001";

    /// <summary>An endpoint is not HTTPS while <see cref="PscClientOptions.RequireHttps"/> is set.</summary>
    public const string InsecureEndpoint = "SGR-3002";

    /// <summary>A required endpoint (token, CIBA, userinfo, end session) is neither in discovery nor configured.</summary>
    public const string EndpointMissing = "SGR-3003";

    /// <summary>The user or Pro Santé Connect refused the login (<c>access_denied</c> at the authorization endpoint).</summary>
    public const string LoginRefused = "SGR-3010";

    /// <summary>The redirect's <c>state</c> does not match the request: possible forgery, the login is refused.</summary>
    public const string StateMismatch = "SGR-3011";

    /// <summary>The redirect's <c>iss</c> (RFC 9207) is not the expected issuer.</summary>
    public const string IssuerMismatch = "SGR-3012";

    /// <summary>The browser did not come back to the loopback redirect in time.</summary>
    public const string LoginTimedOut = "SGR-3013";

    /// <summary>The authorization endpoint returned an error other than <c>access_denied</c>, or no code.</summary>
    public const string AuthorizationFailed = "SGR-3014";

    /// <summary>The ID token is invalid: signature, issuer, audience, <c>azp</c> or format.</summary>
    public const string IdTokenInvalid = "SGR-3020";

    /// <summary>The ID token is expired (or not yet valid), clock skew included.</summary>
    public const string IdTokenExpired = "SGR-3021";

    /// <summary>The ID token's <c>nonce</c> is missing or differs from the one sent.</summary>
    public const string NonceMismatch = "SGR-3022";

    /// <summary>The authentication level (<c>acr</c>) is lower than <see cref="PscClientOptions.MinimumAcr"/>, or unknown.</summary>
    public const string AcrTooLow = "SGR-3023";

    /// <summary>The ID token has no <c>acr</c> and <see cref="PscClientOptions.AllowMissingAcr"/> is not set.</summary>
    public const string AcrMissing = "SGR-3024";

    /// <summary>The token endpoint refused the request (<c>invalid_request</c>, <c>unauthorized_client</c>…).</summary>
    public const string TokenRequestRejected = "SGR-3030";

    /// <summary>The client authentication failed (<c>invalid_client</c>): check the client ID, secret or certificate.</summary>
    public const string ClientRejected = "SGR-3031";

    /// <summary>The refresh token was refused (<c>invalid_grant</c>): the session ended, log in again.</summary>
    public const string RefreshRejected = "SGR-3032";

    /// <summary>A Pro Santé Connect endpoint could not be reached or answered 5xx. Transient.</summary>
    public const string ServiceUnavailable = "SGR-3033";

    /// <summary>A Pro Santé Connect answer could not be read (not JSON, missing member).</summary>
    public const string MalformedResponse = "SGR-3034";

    /// <summary>The authorization code was refused (<c>invalid_grant</c>: reused, expired or PKCE verifier mismatch).</summary>
    public const string CodeRejected = "SGR-3035";

    /// <summary>The CIBA request expired before the professional approved it (<c>expired_token</c>).</summary>
    public const string CibaExpired = "SGR-3040";

    /// <summary>The professional refused the CIBA request on the e-CPS app or card (<c>access_denied</c>).</summary>
    public const string CibaRefused = "SGR-3041";

    /// <summary>The CIBA request was refused (unknown login hint, CIBA not enabled, bad channel or binding message).</summary>
    public const string CibaRequestRejected = "SGR-3042";

    /// <summary>The userinfo endpoint refused the call or answered an unusable response.</summary>
    public const string UserInfoFailed = "SGR-3050";

    /// <summary>The userinfo answer is invalid: bad signature, or <c>sub</c> differs from the ID token's.</summary>
    public const string UserInfoInvalid = "SGR-3051";

    /// <summary>The token exchange (RFC 8693) was refused by the target service's authorization server.</summary>
    public const string TokenExchangeRejected = "SGR-3060";

    /// <summary>No token exchange is configured for the requested audience.</summary>
    public const string AudienceNotConfigured = "SGR-3061";

    /// <summary>The session ended (logout, refresh refused, refresh token expired): log in again.</summary>
    public const string SessionEnded = "SGR-3070";

    /// <summary>The local account is already linked to another Pro Santé Connect identity.</summary>
    public const string AccountLinkConflict = "SGR-3080";

    /// <summary>The Pro Santé Connect identity carries no national identifier (<c>SubjectNameID</c>) to link with.</summary>
    public const string NationalIdMissing = "SGR-3081";
}
