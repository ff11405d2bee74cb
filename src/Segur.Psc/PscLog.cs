using Microsoft.Extensions.Logging;

namespace Segur.Psc;

/// <summary>Log messages of Segur.Psc (event ids 3000–3999). Tokens, secrets and codes are never logged.</summary>
internal static partial class PscLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "PSC discovery loaded from {Url} (issuer {Issuer})")]
    public static partial void DiscoveryLoaded(ILogger logger, Uri url, string issuer);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "PSC discovery from {Url} failed: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, Uri url, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "PSC login started (authorization code + PKCE), redirect {RedirectUri}")]
    public static partial void LoginStarted(ILogger logger, Uri redirectUri);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "PSC login succeeded for sub {Subject} with acr {Acr}, ID token jti {Jti}")]
    public static partial void LoginSucceeded(ILogger logger, string subject, string? acr, string? jti);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "PSC login failed: {ErrorCode}")]
    public static partial void LoginFailed(ILogger logger, string errorCode);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "PSC CIBA request started for {LoginHint} on channel {Channel}, expires in {ExpiresIn}s")]
    public static partial void CibaStarted(ILogger logger, string loginHint, string channel, int expiresIn);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Debug, Message = "PSC CIBA poll: {Status}, next poll in {Interval}")]
    public static partial void CibaPolled(ILogger logger, string status, TimeSpan interval);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Debug, Message = "PSC tokens refreshed for sub {Subject}, access token expires {ExpiresOn:O}")]
    public static partial void Refreshed(ILogger logger, string subject, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "PSC background refresh failed: {ErrorCode}")]
    public static partial void BackgroundRefreshFailed(ILogger logger, string errorCode);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Information, Message = "PSC session for sub {Subject} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string subject, PscSessionEndReason reason);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Debug, Message = "Token exchange for audience {Audience} succeeded, API token expires {ExpiresOn:O}")]
    public static partial void Exchanged(ILogger logger, string audience, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "PSC endpoint {Endpoint} answered {Status} with error {Error}")]
    public static partial void EndpointError(ILogger logger, Uri endpoint, int status, string error);
}
