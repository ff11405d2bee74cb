using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Segur.Testing.Psc;

/// <summary>What the simulated professional does with a login or CIBA request.</summary>
public enum PscSimulatorOutcome
{
    /// <summary>Approves.</summary>
    Approve = 0,

    /// <summary>Refuses (<c>access_denied</c>).</summary>
    Refuse = 1,

    /// <summary>Never answers (CIBA: the request expires).</summary>
    Ignore = 2,
}

/// <summary>How the simulator signs ID tokens.</summary>
public enum PscSimulatorSigning
{
    /// <summary>RS256 with the key published at the JWKS endpoint.</summary>
    RS256 = 0,

    /// <summary>HS256 with the client secret (as PSC may do).</summary>
    HS256 = 1,
}

/// <summary>A simulated professional known to the simulator.</summary>
/// <param name="NationalId">The national identifier (<c>SubjectNameID</c>, login hint).</param>
/// <param name="GivenName">The given name.</param>
/// <param name="FamilyName">The family name.</param>
/// <param name="ProfessionCode">The profession code (<c>10</c> doctor, <c>21</c> pharmacist).</param>
public sealed record PscSimulatorUser(string NationalId, string GivenName, string FamilyName, string ProfessionCode = "21");

/// <summary>
/// An in-process Pro Santé Connect simulator on <c>http://127.0.0.1:{random port}</c> (Kestrel): discovery at PSC's
/// path, authorization (auto-consent, on another host name: <c>localhost</c>, like PSC's <c>wallet</c> host), token
/// (code with PKCE S256, refresh with rotation, CIBA poll), UserInfo (JSON or JWT), JWKS, CIBA with <c>channel</c>,
/// introspection, end session, and an RFC 8693 token-exchange server. State and faults are controllable.
/// Test use only: it speaks plain http on loopback.
/// </summary>
public sealed class PscSimulator : IAsyncDisposable
{
    private const string RealmPath = "/auth/realms/esante-wallet";
    private readonly WebApplication _app;
    private RSA _rsa = RSA.Create(2048);
    private RsaSecurityKey _rsaKey;
    private readonly ConcurrentDictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedGrant> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CibaGrant> _ciba = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PscSimulatorUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _log = new();
    private int _port;

    private PscSimulator(WebApplication app)
    {
        _app = app;
        _rsaKey = new RsaSecurityKey(_rsa) { KeyId = "sim-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant() };
        AddUser(new PscSimulatorUser("899700218896", "Paul", "Docteur-Test", "10"));
        AddUser(new PscSimulatorUser("899700366240", "Pauline", "Pharmacienne-Test", "21"));
    }

    /// <summary>The registered client ID.</summary>
    public string ClientId { get; private set; } = "segur-simulated-client";

    /// <summary>The registered client secret (also the HS256 key; at least 32 bytes).</summary>
    public string ClientSecret { get; private set; } = "segur-simulated-secret-0123456789abcdef";

    /// <summary>The clock for token lifetimes and CIBA expiry. <value>Default: <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; private init; } = TimeProvider.System;

    /// <summary>The issuer, <c>http://127.0.0.1:{port}/auth/realms/esante-wallet</c>.</summary>
    public string Issuer => $"http://127.0.0.1:{_port}{RealmPath}";

    /// <summary>The discovery URL (PSC's non-standard path).</summary>
    public Uri DiscoveryUrl => new(Issuer + "/.well-known/wallet-openid-configuration");

    /// <summary>The authorization endpoint, on a different host name (<c>localhost</c>) from the issuer, as PSC's <c>wallet</c> host.</summary>
    public Uri AuthorizationEndpoint => new($"http://localhost:{_port}/auth");

    /// <summary>The RFC 8693 token-exchange endpoint of the simulated target service.</summary>
    public Uri TokenExchangeEndpoint => new($"http://127.0.0.1:{_port}/target/token");

    /// <summary>The national identifier the browser login authenticates. <value>Default: <c>899700218896</c>.</value></summary>
    public string LoginUser { get; set; } = "899700218896";

    /// <summary>What the next browser logins do. <value>Default: approve.</value></summary>
    public PscSimulatorOutcome LoginOutcome { get; set; } = PscSimulatorOutcome.Approve;

    /// <summary>What CIBA requests do once <see cref="CibaPendingPolls"/> polls were answered pending. <value>Default: approve.</value></summary>
    public PscSimulatorOutcome CibaOutcome { get; set; } = PscSimulatorOutcome.Approve;

    /// <summary>How many polls answer <c>authorization_pending</c> before the outcome. <value>Default: 1.</value></summary>
    public int CibaPendingPolls { get; set; } = 1;

    /// <summary>How many of the first polls answer <c>slow_down</c>. <value>Default: 0.</value></summary>
    public int CibaSlowDownPolls { get; set; }

    /// <summary>The <c>interval</c> sent in the CIBA acknowledgement, in seconds (<see langword="null"/>: none). <value>Default: 1.</value></summary>
    public int? CibaInterval { get; set; } = 1;

    /// <summary>The CIBA request lifetime in seconds. <value>Default: 120.</value></summary>
    public int CibaExpiresIn { get; set; } = 120;

    /// <summary>The <c>acr</c> put in ID tokens (<see langword="null"/>: none). <value>Default: <c>eidas1</c>.</value></summary>
    public string? Acr { get; set; } = "eidas1";

    /// <summary>How ID tokens are signed. <value>Default: RS256.</value></summary>
    public PscSimulatorSigning Signing { get; set; } = PscSimulatorSigning.RS256;

    /// <summary>Access token lifetime in seconds. <value>Default: 120 (PSC's).</value></summary>
    public int AccessTokenLifetime { get; set; } = 120;

    /// <summary>Refresh token lifetime in seconds. <value>Default: 1800 (PSC's).</value></summary>
    public int RefreshTokenLifetime { get; set; } = 1800;

    /// <summary>Whether UserInfo is answered as a signed JWT (<c>application/jwt</c>) instead of JSON.</summary>
    public bool UserInfoAsJwt { get; set; }

    /// <summary>Fault: the next ID token has its payload altered after signing.</summary>
    public bool TamperNextIdToken { get; set; }

    /// <summary>Fault: the next ID token carries another nonce.</summary>
    public bool WrongNonceNextIdToken { get; set; }

    /// <summary>Fault: UserInfo answers another <c>sub</c>.</summary>
    public bool UserInfoWrongSubject { get; set; }

    /// <summary>How many token requests were received (all grants).</summary>
    public int TokenRequestCount => _tokenRequests;

    private int _tokenRequests;

    private int _mtlsRequests;

    /// <summary>How many client-authenticated requests reached the <c>mtls_endpoint_aliases</c> endpoints.</summary>
    public int MtlsRequestCount => _mtlsRequests;

    /// <summary>The parameters of the last authorization request.</summary>
    public IReadOnlyDictionary<string, string> LastAuthorizationRequest { get; private set; } = new Dictionary<string, string>();

    /// <summary>The parameters of the last CIBA request.</summary>
    public IReadOnlyDictionary<string, string> LastCibaRequest { get; private set; } = new Dictionary<string, string>();

    /// <summary>The parameters of the last token-exchange request.</summary>
    public IReadOnlyDictionary<string, string> LastTokenExchangeRequest { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the simulator did, one line per request (no secrets).</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>Starts a simulator on a random loopback port.</summary>
    /// <param name="timeProvider">The clock for lifetimes. <value>Default: <see cref="TimeProvider.System"/>.</value></param>
    /// <param name="clientId">The registered client ID. <value>Default: <c>segur-simulated-client</c>.</value></param>
    /// <param name="clientSecret">The registered client secret (≥ 32 bytes for HS256).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator.</returns>
    public static async Task<PscSimulator> StartAsync(TimeProvider? timeProvider = null, string? clientId = null, string? clientSecret = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sim = new PscSimulator(app) { TimeProvider = timeProvider ?? TimeProvider.System };
        if (clientId is not null)
        {
            sim.ClientId = clientId;
        }

        if (clientSecret is not null)
        {
            sim.ClientSecret = clientSecret;
        }

        sim.Map();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sim._port = new Uri(address).Port;
        return sim;
    }

    /// <summary>Adds (or replaces) a professional.</summary>
    /// <param name="user">The user.</param>
    public void AddUser(PscSimulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _users[user.NationalId] = user;
    }

    /// <summary>Replaces the RS256 signing key (new <c>kid</c>): clients must refetch the JWKS.</summary>
    public void RotateSigningKey()
    {
        var old = _rsa;
        _rsa = RSA.Create(2048);
        _rsaKey = new RsaSecurityKey(_rsa) { KeyId = "sim-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant() };
        _retired.Add(old);
    }

    private readonly List<RSA> _retired = [];

    /// <summary>Revokes every refresh and access token (the next refresh answers <c>invalid_grant</c>).</summary>
    public void RevokeAll()
    {
        _refreshTokens.Clear();
        _accessTokens.Clear();
    }

    /// <summary>Whether an access token is active (not expired, not revoked).</summary>
    /// <param name="accessToken">The token.</param>
    /// <returns><see langword="true"/> if active.</returns>
    public bool IsActive(string accessToken) => _accessTokens.TryGetValue(accessToken, out var g) && g.ExpiresOn > Now;

    private DateTimeOffset Now => TimeProvider.GetUtcNow();

    private void Map()
    {
        _app.MapGet(RealmPath + "/.well-known/wallet-openid-configuration", Discovery);
        _app.MapGet("/auth", Authorize);
        _app.MapPost(RealmPath + "/protocol/openid-connect/token", (Func<HttpContext, Task<IResult>>)Token);
        _app.MapGet(RealmPath + "/protocol/openid-connect/userinfo", UserInfo);
        _app.MapPost(RealmPath + "/protocol/openid-connect/userinfo", UserInfo);
        _app.MapGet(RealmPath + "/protocol/openid-connect/certs", Jwks);
        _app.MapPost(RealmPath + "/protocol/openid-connect/ext/ciba/auth", (Func<HttpContext, Task<IResult>>)Ciba);
        _app.MapPost(RealmPath + "/protocol/openid-connect/token/introspect", (Func<HttpContext, Task<IResult>>)Introspect);
        _app.MapGet(RealmPath + "/protocol/openid-connect/logout", Logout);
        _app.MapPost("/target/token", (Func<HttpContext, Task<IResult>>)Exchange);
        _app.MapPost("/mtls" + RealmPath + "/protocol/openid-connect/token", (Func<HttpContext, Task<IResult>>)Token);
        _app.MapPost("/mtls" + RealmPath + "/protocol/openid-connect/ext/ciba/auth", (Func<HttpContext, Task<IResult>>)Ciba);
        _app.MapGet("/mtls" + RealmPath + "/protocol/openid-connect/userinfo", UserInfo);
    }

#pragma warning disable CA1861 // built once per request in a test simulator
    private IResult Discovery()
    {
        var p = Issuer + "/protocol/openid-connect";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = AuthorizationEndpoint.AbsoluteUri,
            ["token_endpoint"] = p + "/token",
            ["userinfo_endpoint"] = p + "/userinfo",
            ["jwks_uri"] = p + "/certs",
            ["introspection_endpoint"] = p + "/token/introspect",
            ["end_session_endpoint"] = p + "/logout",
            ["backchannel_authentication_endpoint"] = p + "/ext/ciba/auth",
            ["backchannel_token_delivery_modes_supported"] = new[] { "poll", "ping" },
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "urn:openid:params:grant-type:ciba" },
            ["response_types_supported"] = new[] { "code" },
            ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
            ["scopes_supported"] = new[] { "openid", "scope_all", "eidas1", "eidas2", "rpps", "identity", "offline_access" },
            ["acr_values_supported"] = new[] { "0" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "HS256" },
            ["subject_types_supported"] = new[] { "public" },
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["mtls_endpoint_aliases"] = new Dictionary<string, string>
            {
                ["token_endpoint"] = $"http://127.0.0.1:{_port}/mtls{RealmPath}/protocol/openid-connect/token",
                ["backchannel_authentication_endpoint"] = $"http://127.0.0.1:{_port}/mtls{RealmPath}/protocol/openid-connect/ext/ciba/auth",
                ["userinfo_endpoint"] = $"http://127.0.0.1:{_port}/mtls{RealmPath}/protocol/openid-connect/userinfo",
            },
        });
    }

#pragma warning restore CA1861

    private IResult Authorize(HttpContext context)
    {
        var q = context.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        LastAuthorizationRequest = q;
        Record($"authorize client={q.GetValueOrDefault("client_id")}");
        if (q.GetValueOrDefault("client_id") != ClientId)
        {
            return Results.BadRequest("unknown client_id");
        }

        if (!Uri.TryCreate(q.GetValueOrDefault("redirect_uri"), UriKind.Absolute, out var redirect) || !redirect.IsLoopback || redirect.AbsolutePath != "/callback")
        {
            return Results.BadRequest("redirect_uri not registered");
        }

        var state = q.GetValueOrDefault("state");
        string Back(string query) => redirect.AbsoluteUri + "?" + query + (state is null ? "" : "&state=" + Uri.EscapeDataString(state)) + "&iss=" + Uri.EscapeDataString(Issuer);
        if (q.GetValueOrDefault("response_type") != "code")
        {
            return Results.Redirect(Back("error=unsupported_response_type"));
        }

        if (q.GetValueOrDefault("code_challenge_method") != "S256" || string.IsNullOrEmpty(q.GetValueOrDefault("code_challenge")))
        {
            return Results.Redirect(Back("error=invalid_request&error_description=PKCE%20S256%20required"));
        }

        if (!(q.GetValueOrDefault("scope") ?? "").Split(' ').Contains("openid"))
        {
            return Results.Redirect(Back("error=invalid_scope"));
        }

        if (LoginOutcome != PscSimulatorOutcome.Approve)
        {
            return Results.Redirect(Back("error=access_denied&error_description=The%20user%20refused"));
        }

        var code = NewToken();
        _codes[code] = new CodeGrant(LoginUser, redirect.AbsoluteUri, q["code_challenge"], q.GetValueOrDefault("nonce"), Now.AddSeconds(60));
        return Results.Redirect(Back("code=" + Uri.EscapeDataString(code)));
    }

    private async Task<IResult> Token(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        if (!Authenticate(context, form))
        {
            return Error("invalid_client", 401);
        }

        var grant = form.GetValueOrDefault("grant_type");
        Record($"token grant={grant}");
        switch (grant)
        {
            case "authorization_code":
                if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var code) || code.ExpiresOn < Now)
                {
                    return Error("invalid_grant");
                }

                if (code.RedirectUri != form.GetValueOrDefault("redirect_uri"))
                {
                    return Error("invalid_grant", description: "redirect_uri mismatch");
                }

                var verifier = form.GetValueOrDefault("code_verifier") ?? "";
                var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (challenge != code.Challenge)
                {
                    return Error("invalid_grant", description: "PKCE verification failed");
                }

                return Issue(code.NationalId, code.Nonce, Acr);
            case "refresh_token":
                if (!_refreshTokens.TryRemove(form.GetValueOrDefault("refresh_token") ?? "", out var rt) || rt.ExpiresOn < Now)
                {
                    return Error("invalid_grant", description: "Token is not active");
                }

                return Issue(rt.NationalId, null, rt.Acr);
            case "urn:openid:params:grant-type:ciba":
                if (!_ciba.TryGetValue(form.GetValueOrDefault("auth_req_id") ?? "", out var ciba))
                {
                    return Error("invalid_grant");
                }

                if (ciba.ExpiresOn <= Now)
                {
                    _ciba.TryRemove(ciba.Id, out _);
                    return Error("expired_token");
                }

                var poll = Interlocked.Increment(ref ciba.Polls);
                if (poll <= CibaSlowDownPolls)
                {
                    return Error("slow_down");
                }

                if (poll <= CibaSlowDownPolls + CibaPendingPolls || CibaOutcome == PscSimulatorOutcome.Ignore)
                {
                    return Error("authorization_pending");
                }

                _ciba.TryRemove(ciba.Id, out _);
                return CibaOutcome == PscSimulatorOutcome.Refuse ? Error("access_denied") : Issue(ciba.NationalId, null, Acr);
            default:
                return Error("unsupported_grant_type");
        }
    }

    private IResult Issue(string nationalId, string? nonce, string? acr)
    {
        var at = NewToken();
        var rt = NewToken();
        var now = Now;
        _accessTokens[at] = new IssuedGrant(nationalId, acr, now.AddSeconds(AccessTokenLifetime));
        _refreshTokens[rt] = new IssuedGrant(nationalId, acr, now.AddSeconds(RefreshTokenLifetime));
        var claims = new Dictionary<string, object>
        {
            ["sub"] = Subject(nationalId),
            ["azp"] = ClientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["auth_time"] = now.ToUnixTimeSeconds(),
            ["session_state"] = Guid.NewGuid().ToString(),
            ["idp"] = "PSC",
        };
        if (acr is not null)
        {
            claims["acr"] = acr;
        }

        if (WrongNonceNextIdToken)
        {
            WrongNonceNextIdToken = false;
            claims["nonce"] = "not-the-nonce-you-sent";
        }
        else if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        var idToken = Sign(claims, now, AccessTokenLifetime);
        if (TamperNextIdToken)
        {
            TamperNextIdToken = false;
            var parts = idToken.Split('.');
            var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
            payload["acr"] = "eidas3";
            parts[1] = Base64UrlEncoder.Encode(payload.ToJsonString());
            idToken = string.Join('.', parts);
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = at,
            ["token_type"] = "Bearer",
            ["expires_in"] = AccessTokenLifetime,
            ["refresh_token"] = rt,
            ["refresh_expires_in"] = RefreshTokenLifetime,
            ["id_token"] = idToken,
            ["scope"] = "openid scope_all",
        });
    }

    private string Sign(Dictionary<string, object> claims, DateTimeOffset now, int lifetime)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddSeconds(lifetime).UtcDateTime,
            SigningCredentials = Signing == PscSimulatorSigning.HS256
                ? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ClientSecret)), SecurityAlgorithms.HmacSha256)
                : new SigningCredentials(_rsaKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private IResult UserInfo(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(auth[7..], out var grant) || grant.ExpiresOn <= Now)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.Json(new { error = "invalid_token" }, statusCode: 401);
        }

        var info = UserInfoClaims(grant.NationalId);
        if (UserInfoWrongSubject)
        {
            info["sub"] = "someone-else";
        }

        Record("userinfo");
        if (UserInfoAsJwt)
        {
            var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                Claims = info.ToDictionary(p => p.Key, p => (object)JsonSerializer.SerializeToElement(p.Value)),
                SigningCredentials = new SigningCredentials(_rsaKey, SecurityAlgorithms.RsaSha256),
            });
            return Results.Text(jwt, "application/jwt");
        }

        return Results.Json(info);
    }

    private Dictionary<string, object?> UserInfoClaims(string nationalId)
    {
        var user = _users.GetValueOrDefault(nationalId) ?? new PscSimulatorUser(nationalId, "Inconnu", "Inconnu");
        return new Dictionary<string, object?>
        {
            ["sub"] = Subject(nationalId),
            ["SubjectNameID"] = user.NationalId,
            ["preferred_username"] = user.NationalId,
            ["given_name"] = user.GivenName,
            ["family_name"] = user.FamilyName,
            ["email_verified"] = false,
            ["SubjectOrganization"] = "Pharmacie de la Gare",
            ["SubjectOrganizationID"] = "0012345678",
            ["SubjectRole"] = new[] { user.ProfessionCode + "^1.2.250.1.213.1.1.5.5" },
            ["Secteur_Activite"] = "SA07^1.2.250.1.71.4.2.9",
            ["Palier_Authentification"] = "APPPRIP3^1.2.250.1.213.1.5.1.1.1",
            ["SubjectRefPro"] = new
            {
                codeCivilite = "M",
                exercices = new[]
                {
                    new
                    {
                        codeProfession = user.ProfessionCode,
                        codeCategorieProfessionnelle = "C",
                        codeCiviliteDexercice = user.ProfessionCode == "10" ? "DR" : "",
                        nomDexercice = user.FamilyName.ToUpperInvariant(),
                        prenomDexercice = user.GivenName,
                        codeTypeSavoirFaire = "",
                        codeSavoirFaire = "",
                        activities = new[]
                        {
                            new
                            {
                                codeModeExercice = "L",
                                codeSecteurDactivite = "SA07",
                                codeSectionPharmacien = user.ProfessionCode == "21" ? "A" : "",
                                codeRole = "",
                                numeroSiretSite = "12345678900011",
                                numeroSirenSite = "123456789",
                                numeroFinessSite = "",
                                numeroFinessetablissementJuridique = "",
                                identifiantTechniqueDeLaStructure = "R10100000123456",
                                raisonSocialeSite = "PHARMACIE DE LA GARE",
                                enseigneCommercialeSite = "",
                                codePostal = "75010",
                                telephone = "0102030405",
                                adresseEMail = "",
                            },
                        },
                    },
                },
            },
        };
    }

    private IResult Jwks() => Results.Json(new { keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = _rsaKey.KeyId }) }.Select(k => new { kty = k.Kty, kid = k.Kid, use = "sig", alg = "RS256", n = k.N, e = k.E }) });

    private async Task<IResult> Ciba(HttpContext context)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        LastCibaRequest = form;
        if (!Authenticate(context, form))
        {
            return Error("invalid_client", 401);
        }

        var hint = form.GetValueOrDefault("login_hint") ?? "";
        var slash = hint.IndexOf('/', StringComparison.Ordinal);
        var nationalId = slash < 0 ? hint : hint[..slash];
        Record($"ciba channel={form.GetValueOrDefault("channel")}");
        if (!(form.GetValueOrDefault("scope") ?? "").Split(' ').Contains("openid"))
        {
            return Error("invalid_scope");
        }

        if (form.GetValueOrDefault("channel") is not ("CARD" or "MOBILE"))
        {
            return Error("invalid_request", description: "channel must be CARD or MOBILE");
        }

        if (form.GetValueOrDefault("binding_message") is not { Length: 2 } bm || !bm.All(char.IsAsciiDigit))
        {
            return Error("invalid_binding_message");
        }

        if (!_users.ContainsKey(nationalId))
        {
            return Error("unknown_user_id");
        }

        var id = NewToken();
        _ciba[id] = new CibaGrant(id, nationalId, Now.AddSeconds(CibaExpiresIn));
        var ack = new Dictionary<string, object> { ["auth_req_id"] = id, ["expires_in"] = CibaExpiresIn };
        if (CibaInterval is { } interval)
        {
            ack["interval"] = interval;
        }

        return Results.Json(ack);
    }

    private async Task<IResult> Introspect(HttpContext context)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        if (!Authenticate(context, form))
        {
            return Error("invalid_client", 401);
        }

        var token = form.GetValueOrDefault("token") ?? "";
        if (!_accessTokens.TryGetValue(token, out var g) || g.ExpiresOn <= Now)
        {
            return Results.Json(new { active = false });
        }

        return Results.Json(new { active = true, sub = Subject(g.NationalId), SubjectNameID = g.NationalId, exp = g.ExpiresOn.ToUnixTimeSeconds(), iss = Issuer, azp = ClientId, acr = g.Acr, client_id = ClientId });
    }

    private IResult Logout(HttpContext context)
    {
        var hint = context.Request.Query["id_token_hint"].ToString();
        Record("logout");
        if (hint.Length > 0)
        {
            var jwt = new JsonWebToken(hint);
            var nationalId = _users.Keys.FirstOrDefault(k => Subject(k) == jwt.Subject);
            foreach (var pair in _refreshTokens.Where(p => p.Value.NationalId == nationalId).ToList())
            {
                _refreshTokens.TryRemove(pair.Key, out _);
            }

            foreach (var pair in _accessTokens.Where(p => p.Value.NationalId == nationalId).ToList())
            {
                _accessTokens.TryRemove(pair.Key, out _);
            }
        }

        var post = context.Request.Query["post_logout_redirect_uri"].ToString();
        if (post.Length > 0 && Uri.TryCreate(post, UriKind.Absolute, out var target) && target.IsLoopback)
        {
            var state = context.Request.Query["state"].ToString();
            return Results.Redirect(target.AbsoluteUri + (state.Length > 0 ? "?state=" + Uri.EscapeDataString(state) : ""));
        }

        return Results.Content("<html><body>Vous êtes déconnecté de Pro Santé Connect.</body></html>", "text/html");
    }

    private async Task<IResult> Exchange(HttpContext context)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        LastTokenExchangeRequest = form;
        if (!Authenticate(context, form))
        {
            return Error("invalid_client", 401);
        }

        if (form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange")
        {
            return Error("unsupported_grant_type");
        }

        if (string.IsNullOrEmpty(form.GetValueOrDefault("subject_token_type")))
        {
            return Error("invalid_request", description: "subject_token_type is required");
        }

        if (!IsActive(form.GetValueOrDefault("subject_token") ?? ""))
        {
            return Error("invalid_grant", description: "subject_token is not active");
        }

        Record($"exchange audience={form.GetValueOrDefault("audience")}");
        return Results.Json(new { access_token = "api-" + NewToken(), issued_token_type = "urn:ietf:params:oauth:token-type:access_token", token_type = "Bearer", expires_in = 3600 });
    }

    private bool Authenticate(HttpContext context, Dictionary<string, string> form)
    {
        if (context.Request.Path.StartsWithSegments("/mtls", StringComparison.Ordinal))
        {
            // Simulated RFC 8705 tls_client_auth: the simulator speaks plain http, so the TLS layer is assumed to have
            // authenticated the client; only the client_id is checked. Counted in MtlsRequestCount.
            Interlocked.Increment(ref _mtlsRequests);
            return form.GetValueOrDefault("client_id") == ClientId;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            }
            catch (FormatException)
            {
                return false;
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && Uri.UnescapeDataString(decoded[..colon]) == ClientId && Uri.UnescapeDataString(decoded[(colon + 1)..]) == ClientSecret;
        }

        return form.GetValueOrDefault("client_id") == ClientId && form.GetValueOrDefault("client_secret") == ClientSecret;
    }

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
        return form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
    }

    private static IResult Error(string error, int status = 400, string? description = null) =>
        Results.Json(description is null ? new Dictionary<string, string> { ["error"] = error } : new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static string Subject(string nationalId) => "f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:" + nationalId;

    private static string NewToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));

    private void Record(string line)
    {
        _log.Enqueue(line);
        while (_log.Count > 500 && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _rsa.Dispose();
        _retired.ForEach(r => r.Dispose());
    }

    private sealed record CodeGrant(string NationalId, string RedirectUri, string Challenge, string? Nonce, DateTimeOffset ExpiresOn);

    private sealed record IssuedGrant(string NationalId, string? Acr, DateTimeOffset ExpiresOn);

    private sealed class CibaGrant(string id, string nationalId, DateTimeOffset expiresOn)
    {
        public string Id { get; } = id;

        public string NationalId { get; } = nationalId;

        public DateTimeOffset ExpiresOn { get; } = expiresOn;

        public int Polls;
    }
}
