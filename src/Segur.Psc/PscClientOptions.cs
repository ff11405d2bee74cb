using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using Segur.Security;

namespace Segur.Psc;

/// <summary>Which Pro Santé Connect platform a client talks to.</summary>
public enum PscEnvironment
{
    /// <summary>Your own URLs: set <see cref="PscClientOptions.DiscoveryUrl"/> (simulators, test providers).</summary>
    Custom = 0,

    /// <summary>The sandbox ("bac à sable", BAS): <c>auth.bas.psc.esante.gouv.fr</c>.</summary>
    Sandbox = 1,

    /// <summary>Production: <c>auth.esw.esante.gouv.fr</c>.</summary>
    Production = 2,
}

/// <summary>How the client authenticates at the token, CIBA and introspection endpoints.</summary>
public enum PscClientAuthentication
{
    /// <summary>HTTP Basic with the client ID and secret (RFC 6749 §2.3.1). The default.</summary>
    ClientSecretBasic = 0,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    ClientSecretPost = 1,

    /// <summary>Mutual TLS with a certificate (RFC 8705 <c>tls_client_auth</c>) from <see cref="PscClientOptions.ClientCredential"/>;
    /// mandatory in the "Espace de Confiance".</summary>
    TlsClientCertificate = 2,
}

/// <summary>How the professional approves a CIBA request (PSC's <c>channel</c> parameter).</summary>
public enum PscCibaChannel
{
    /// <summary>The e-CPS mobile application.</summary>
    Mobile = 0,

    /// <summary>A CPx card through CPS-Gestion.</summary>
    Card = 1,
}

/// <summary>Settings of a <see cref="PscClient"/>.</summary>
public sealed class PscClientOptions : SegurClientOptions
{
    /// <summary>The sandbox issuer.</summary>
    public const string SandboxIssuer = "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet";

    /// <summary>The production issuer.</summary>
    public const string ProductionIssuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet";

    /// <summary>The sandbox authorization endpoint (on the <c>wallet</c> host, not the issuer's).</summary>
    public const string SandboxAuthorizationEndpoint = "https://wallet.bas.psc.esante.gouv.fr/auth";

    /// <summary>The production authorization endpoint (on the <c>wallet</c> host, not the issuer's).</summary>
    public const string ProductionAuthorizationEndpoint = "https://wallet.esw.esante.gouv.fr/auth";

    /// <summary>PSC's discovery path under the issuer (not the standard <c>openid-configuration</c>).</summary>
    public const string DiscoveryPath = "/.well-known/wallet-openid-configuration";

    /// <summary>The platform. <see cref="PscEnvironment.Sandbox"/> and <see cref="PscEnvironment.Production"/> fill
    /// <see cref="DiscoveryUrl"/> (and the authorization endpoint) when they are not set.
    /// <value>Default: <see cref="PscEnvironment.Custom"/>.</value></summary>
    public PscEnvironment Environment { get; set; } = PscEnvironment.Custom;

    /// <summary>The full discovery URL (PSC's path is non-standard: <c>{issuer}/.well-known/wallet-openid-configuration</c>).
    /// <value>Default: from <see cref="Environment"/>.</value></summary>
    public Uri? DiscoveryUrl { get; set; }

    /// <summary>The client ID registered with Pro Santé Connect. Required.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret (also the HS256 key of ID tokens signed with it). Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The client authentication method. <value>Default: <see cref="PscClientAuthentication.ClientSecretBasic"/>.</value></summary>
    public PscClientAuthentication ClientAuthentication { get; set; } = PscClientAuthentication.ClientSecretBasic;

    /// <summary>The TLS client certificate source for <see cref="PscClientAuthentication.TlsClientCertificate"/>
    /// (a PKCS#12 file, the certificate store, a CPS card).</summary>
    public ICredentialSource? ClientCredential { get; set; }

    /// <summary>The scopes asked for. <value>Default: <c>openid scope_all</c>.</value></summary>
    public IList<string> Scopes { get; } = ["openid", "scope_all"];

    /// <summary>The <c>acr_values</c> sent. <value>Default: <c>eidas1</c>.</value></summary>
    public string AcrValues { get; set; } = "eidas1";

    /// <summary>The ordered authentication levels, lowest first. <value>Default: <c>eidas1</c>, <c>eidas2</c>, <c>eidas3</c>.</value></summary>
    public IList<string> AcrLevels { get; } = ["eidas1", "eidas2", "eidas3"];

    /// <summary>The lowest accepted <c>acr</c>; higher levels of <see cref="AcrLevels"/> are accepted, unknown ones refused.
    /// <value>Default: <c>eidas1</c>.</value></summary>
    public string MinimumAcr { get; set; } = "eidas1";

    /// <summary>Whether an ID token without <c>acr</c> is accepted. <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowMissingAcr { get; set; }

    /// <summary>Tolerated clock difference with Pro Santé Connect. <value>Default: 2 minutes.</value></summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The session refreshes the access token when this fraction of its lifetime is left (at least 10 s).
    /// <value>Default: 0.25.</value></summary>
    public double RefreshMarginRatio { get; set; } = 0.25;

    /// <summary>Whether every endpoint must be HTTPS. <value>Default: <see langword="true"/>.</value></summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>Allows <c>http</c> endpoints on 127.0.0.1, ::1 or localhost only (simulators and test providers), even
    /// when <see cref="RequireHttps"/> is set. <value>Default: <see langword="false"/>.</value></summary>
    public bool AllowLoopbackHttp { get; set; }

    /// <summary>The CIBA polling interval used when the acknowledgement has no <c>interval</c>. <value>Default: 5 seconds.</value></summary>
    public TimeSpan CibaDefaultInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the desktop login waits for the browser to come back. <value>Default: 5 minutes.</value></summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The timeout of each HTTP call. <value>Default: 30 seconds.</value></summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Overrides the discovered authorization endpoint.</summary>
    public Uri? AuthorizationEndpoint { get; set; }

    /// <summary>Overrides the discovered token endpoint.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Overrides the discovered userinfo endpoint.</summary>
    public Uri? UserInfoEndpoint { get; set; }

    /// <summary>Overrides the discovered CIBA (backchannel authentication) endpoint.
    /// <value>Default: discovery, else <c>{issuer}/protocol/openid-connect/ext/ciba/auth</c>.</value></summary>
    public Uri? CibaEndpoint { get; set; }

    /// <summary>Overrides the discovered end-session (logout) endpoint.</summary>
    public Uri? EndSessionEndpoint { get; set; }

    /// <summary>A key to decrypt userinfo answers sent as JWE (5 parts), if the client registered one.</summary>
    public SecurityKey? UserInfoDecryptionKey { get; set; }

    /// <summary>The HTTP handler to use (proxy, custom trust, tests). The client does not dispose it.
    /// <value>Default: a <see cref="SocketsHttpHandler"/>, with the client certificate for mutual TLS.</value></summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    internal Uri ResolveDiscoveryUrl() => DiscoveryUrl ?? Environment switch
    {
        PscEnvironment.Sandbox => new Uri(SandboxIssuer + DiscoveryPath),
        PscEnvironment.Production => new Uri(ProductionIssuer + DiscoveryPath),
        _ => throw new ArgumentException("PscClientOptions.DiscoveryUrl is required with PscEnvironment.Custom.", nameof(DiscoveryUrl)),
    };

    internal Uri? ResolveAuthorizationEndpoint() => AuthorizationEndpoint ?? (DiscoveryUrl is null ? Environment switch
    {
        PscEnvironment.Sandbox => new Uri(SandboxAuthorizationEndpoint),
        PscEnvironment.Production => new Uri(ProductionAuthorizationEndpoint),
        _ => null,
    } : null);

    /// <summary>Checks the options, reporting every problem at once.</summary>
    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add("ClientId is required");
        }

        if (DiscoveryUrl is null && Environment == PscEnvironment.Custom)
        {
            errors.Add("DiscoveryUrl is required with PscEnvironment.Custom");
        }

        if (DiscoveryUrl is not null && !IsAllowed(DiscoveryUrl))
        {
            errors.Add($"DiscoveryUrl must be https (plain http only on 127.0.0.1/localhost with AllowLoopbackHttp): {DiscoveryUrl}");
        }

        if (ClientAuthentication is PscClientAuthentication.ClientSecretBasic or PscClientAuthentication.ClientSecretPost && string.IsNullOrEmpty(ClientSecret))
        {
            errors.Add($"ClientSecret is required with {ClientAuthentication}");
        }

        if (ClientAuthentication == PscClientAuthentication.TlsClientCertificate && ClientCredential is null && HttpMessageHandler is null)
        {
            errors.Add("ClientCredential (or an HttpMessageHandler carrying the certificate) is required with TlsClientCertificate");
        }

        if (!AcrLevels.Contains(MinimumAcr, StringComparer.Ordinal))
        {
            errors.Add($"MinimumAcr '{MinimumAcr}' is not one of AcrLevels");
        }

        if (!Scopes.Contains("openid", StringComparer.Ordinal))
        {
            errors.Add("Scopes must contain 'openid'");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add("ClockSkew must be between 0 and 10 minutes");
        }

        if (RefreshMarginRatio is <= 0 or >= 1)
        {
            errors.Add("RefreshMarginRatio must be between 0 and 1 (exclusive)");
        }

        if (CibaDefaultInterval <= TimeSpan.Zero || LoginTimeout <= TimeSpan.Zero || HttpTimeout <= TimeSpan.Zero)
        {
            errors.Add("CibaDefaultInterval, LoginTimeout and HttpTimeout must be positive");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PscClientOptions: " + string.Join("; ", errors) + ".");
        }
    }

    /// <summary>Whether an endpoint URL is acceptable under <see cref="RequireHttps"/> and <see cref="AllowLoopbackHttp"/>.</summary>
    internal bool IsAllowed(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (!RequireHttps || (AllowLoopbackHttp && uri.IsLoopback))));
}
