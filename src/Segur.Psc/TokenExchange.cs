using Microsoft.Extensions.Logging;
using Segur.Security;

namespace Segur.Psc;

/// <summary>Settings of an RFC 8693 token exchange for one target service (DMP, INSi, MSSanté, another software's API).</summary>
public sealed class TokenExchangeOptions : SegurClientOptions
{
    /// <summary>The target service's own authorization server token endpoint. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The key under which <see cref="PscSession.GetAccessTokenAsync(string?, CancellationToken)"/> finds this exchange,
    /// also sent as <c>audience</c> unless <see cref="SendAudience"/> is off. Required.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Whether <c>audience</c> is sent. <value>Default: <see langword="true"/>.</value></summary>
    public bool SendAudience { get; set; } = true;

    /// <summary>The scopes asked for, if any.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>The <c>subject_token_type</c>. <value>Default: <c>urn:ietf:params:oauth:token-type:access_token</c>.</value></summary>
    public string SubjectTokenType { get; set; } = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>The client ID at the target authorization server. Required.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret, for the secret methods.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The client authentication. <value>Default: <see cref="PscClientAuthentication.TlsClientCertificate"/> (the
    /// Espace de Confiance requires mutual TLS).</value></summary>
    public PscClientAuthentication ClientAuthentication { get; set; } = PscClientAuthentication.TlsClientCertificate;

    /// <summary>The structure certificate for mutual TLS (IGC-Santé ORG AUTH_CLI).</summary>
    public ICredentialSource? ClientCredential { get; set; }

    /// <summary>Supplies an optional <c>actor_token</c> (JWT with the software/activity context) for each exchange.</summary>
    public Func<CancellationToken, ValueTask<string?>>? ActorTokenProvider { get; set; }

    /// <summary>Extra form parameters, e.g. <c>subject_issuer=psc</c>.</summary>
    public IDictionary<string, string> ExtraParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether the endpoint must be HTTPS (plain http is then accepted on loopback only). <value>Default: <see langword="true"/>.</value></summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>The HTTP handler (proxy, tests). Not disposed by the client.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>The timeout of each call. <value>Default: 30 seconds.</value></summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Exchanges a PSC access token for an API token of a target service (RFC 8693). Thread-safe.</summary>
public class TokenExchangeClient : IDisposable
{
    private readonly TokenExchangeOptions _options = null!;
    private readonly PscHttp _http = null!;
    private readonly ILogger _logger = null!;

    /// <summary>For mocking.</summary>
    protected TokenExchangeClient()
    {
    }

    /// <summary>Creates an exchange client.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is missing or the endpoint is not HTTPS.</exception>
    public TokenExchangeClient(TokenExchangeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null || string.IsNullOrEmpty(options.Audience) || string.IsNullOrEmpty(options.ClientId))
        {
            throw new ArgumentException("TokenExchangeOptions needs Endpoint, Audience and ClientId.", nameof(options));
        }

        if (options.Endpoint.Scheme != Uri.UriSchemeHttps && (options.RequireHttps || !options.Endpoint.IsLoopback))
        {
            throw new ArgumentException("The token exchange endpoint must be HTTPS.", nameof(options));
        }

        _options = options;
        _logger = options.LoggerFactory.CreateLogger("Segur.Psc.TokenExchange");
        _http = new PscHttp(options.HttpMessageHandler, options.ClientAuthentication == PscClientAuthentication.TlsClientCertificate ? options.ClientCredential : null, options.HttpTimeout, _logger);
    }

    /// <summary>The audience this client exchanges for.</summary>
    public virtual string Audience => _options.Audience;

    /// <summary>Exchanges <paramref name="subjectToken"/> for an API token.</summary>
    /// <param name="subjectToken">The PSC access token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The API token with its own expiry (renew it by exchanging again).</returns>
    /// <exception cref="SegurAuthenticationException">The subject token was refused (<c>invalid_grant</c>): refresh or log in again.</exception>
    /// <exception cref="SegurServiceException">The exchange was refused (<see cref="PscErrorCodes.TokenExchangeRejected"/>).</exception>
    /// <exception cref="SegurTransportException">The server is unreachable.</exception>
    public virtual async Task<Segur.Auth.AccessToken> ExchangeAsync(string subjectToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectToken);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("subject_token", subjectToken),
            new("subject_token_type", _options.SubjectTokenType),
        };
        if (_options.SendAudience)
        {
            form.Add(new("audience", _options.Audience));
        }

        if (_options.Scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', _options.Scopes)));
        }

        if (_options.ActorTokenProvider is not null && await _options.ActorTokenProvider(cancellationToken).ConfigureAwait(false) is { Length: > 0 } actor)
        {
            form.Add(new("actor_token", actor));
            form.Add(new("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"));
        }

        form.AddRange(_options.ExtraParameters);
        using var result = await _http.PostFormAsync(_options.Endpoint!, form, new ClientAuth(_options.ClientAuthentication, _options.ClientId, _options.ClientSecret), cancellationToken).ConfigureAwait(false);
        if (result.Error is { } err)
        {
            var message = $"The token exchange for '{_options.Audience}' was refused: {err.Error}" + (err.Description is null ? "." : $" ({err.Description}).");
            throw err.Error == "invalid_grant"
                ? new SegurAuthenticationException(PscErrorCodes.TokenExchangeRejected, message, rawFault: err.Raw)
                : new SegurServiceException(PscErrorCodes.TokenExchangeRejected, message, rawFault: err.Raw) { ServiceCode = err.Error };
        }

        var json = result.Json!.Value;
        var token = PscHttp.GetString(json, "access_token") ?? throw new SegurProtocolException(PscErrorCodes.MalformedResponse, "The token exchange answer has no access_token.");
        var expiresOn = _options.TimeProvider.GetUtcNow().AddSeconds(PscHttp.GetNumber(json, "expires_in") is { } e and > 0 ? e : 3600);
        PscLog.Exchanged(_logger, _options.Audience, expiresOn);
        return new Segur.Auth.AccessToken(token, expiresOn, PscHttp.GetString(json, "token_type") ?? "Bearer");
    }

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
}
