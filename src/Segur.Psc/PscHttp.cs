using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Segur.Security;

namespace Segur.Psc;

/// <summary>An OAuth error answer (<c>error</c>, <c>error_description</c>) from an endpoint.</summary>
internal sealed record OAuthError(int Status, string Error, string? Description, string Raw);

/// <summary>The outcome of a form POST to an OAuth endpoint: a JSON document or an OAuth error.</summary>
internal sealed class OAuthResult(JsonElement? json, OAuthError? error) : IDisposable
{
    public JsonElement? Json { get; } = json;

    public OAuthError? Error { get; } = error;

    public JsonDocument? Document { get; init; }

    public void Dispose() => Document?.Dispose();
}

/// <summary>HTTP plumbing shared by <see cref="PscClient"/> and <see cref="TokenExchangeClient"/>: client authentication,
/// mutual TLS, error mapping. Never logs secrets or tokens.</summary>
internal sealed class PscHttp : IDisposable
{
    private readonly HttpMessageHandler? _externalHandler;
    private readonly ICredentialSource? _credential;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HttpClient? _client;
    private SocketsHttpHandler? _ownedHandler;

    public PscHttp(HttpMessageHandler? handler, ICredentialSource? credential, TimeSpan timeout, ILogger logger)
    {
        _externalHandler = handler;
        _credential = credential;
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>The HTTP client, created on first use (the certificate source is asynchronous).</summary>
    public async ValueTask<HttpClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } existing)
        {
            return existing;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is null)
            {
                HttpMessageHandler handler;
                if (_externalHandler is not null)
                {
                    handler = _externalHandler;
                }
                else
                {
                    _ownedHandler = await CreateHandlerAsync(_credential, cancellationToken).ConfigureAwait(false);
                    handler = _ownedHandler;
                }

                _client = new HttpClient(handler, disposeHandler: false) { Timeout = _timeout };
            }

            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Builds a handler presenting the credential's certificate for mutual TLS (TLS 1.2 minimum, server
    /// certificate validated by the operating system).</summary>
    internal static async Task<SocketsHttpHandler> CreateHandlerAsync(ICredentialSource? credential, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        handler.SslOptions.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        if (credential is not null)
        {
            var certificate = await credential.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return handler;
    }

    /// <summary>POSTs a form to an OAuth endpoint with client authentication and reads the JSON answer.</summary>
    public async Task<OAuthResult> PostFormAsync(Uri endpoint, IEnumerable<KeyValuePair<string, string>> form, ClientAuth auth, CancellationToken cancellationToken)
    {
        var fields = form.ToList();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        switch (auth.Method)
        {
            case PscClientAuthentication.ClientSecretBasic:
                var basic = Uri.EscapeDataString(auth.ClientId) + ":" + Uri.EscapeDataString(auth.ClientSecret ?? "");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
                break;
            case PscClientAuthentication.ClientSecretPost:
                fields.Add(new("client_id", auth.ClientId));
                fields.Add(new("client_secret", auth.ClientSecret ?? ""));
                break;
            default:
                fields.Add(new("client_id", auth.ClientId));
                break;
        }

        request.Content = new FormUrlEncodedContent(fields);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request and reads a JSON answer or an OAuth error; network failures and 5xx become
    /// <see cref="SegurTransportException"/>.</summary>
    public async Task<OAuthResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, $"Pro Santé Connect endpoint {request.RequestUri?.GetLeftPart(UriPartial.Path)} is unreachable.", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, $"Pro Santé Connect endpoint {request.RequestUri?.GetLeftPart(UriPartial.Path)} timed out.", innerException: ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new SegurTransportException(PscErrorCodes.ServiceUnavailable, $"Pro Santé Connect endpoint {request.RequestUri?.GetLeftPart(UriPartial.Path)} answered HTTP {status}.", rawFault: Truncate(body))
                {
                    RetryAfter = response.Headers.RetryAfter?.Delta,
                };
            }

            JsonDocument? doc = null;
            try
            {
                doc = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                // handled below
            }

            if (response.IsSuccessStatusCode)
            {
                if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    doc?.Dispose();
                    throw new SegurProtocolException(PscErrorCodes.MalformedResponse, $"Pro Santé Connect endpoint {request.RequestUri?.GetLeftPart(UriPartial.Path)} answered something that is not a JSON object.");
                }

                return new OAuthResult(doc.RootElement, null) { Document = doc };
            }

            using (doc)
            {
                var error = doc?.RootElement.ValueKind == JsonValueKind.Object ? GetString(doc.RootElement, "error") : null;
                var description = doc?.RootElement.ValueKind == JsonValueKind.Object ? GetString(doc.RootElement, "error_description") : null;
                var oauth = new OAuthError(status, error ?? (status == 401 ? "invalid_client" : "http_" + status), description, Truncate(body));
                PscLog.EndpointError(_logger, new Uri(request.RequestUri!.GetLeftPart(UriPartial.Path)), status, oauth.Error);
                return new OAuthResult(null, oauth);
            }
        }
    }

    public static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? GetNumber(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    /// <summary>Maps an OAuth error from the token endpoint to the SDK exception the caller acts on.</summary>
    public static SegurException MapTokenError(OAuthError error, string invalidGrantCode, string context)
    {
        var message = $"{context}: {error.Error}" + (string.IsNullOrEmpty(error.Description) ? "." : $" ({error.Description}).");
        return error.Error switch
        {
            "invalid_client" => new SegurServiceException(PscErrorCodes.ClientRejected, message, rawFault: error.Raw) { ServiceCode = error.Error },
            "invalid_grant" => new SegurAuthenticationException(invalidGrantCode, message, rawFault: error.Raw),
            "access_denied" => new SegurAuthenticationException(PscErrorCodes.CibaRefused, message, rawFault: error.Raw),
            "expired_token" => new SegurAuthenticationException(PscErrorCodes.CibaExpired, message, rawFault: error.Raw),
            _ => new SegurServiceException(PscErrorCodes.TokenRequestRejected, message, rawFault: error.Raw) { ServiceCode = error.Error },
        };
    }

    private static string Truncate(string body) => body.Length > 2000 ? body[..2000] : body;

    public void Dispose()
    {
        _client?.Dispose();
        _ownedHandler?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>Who the client is at an OAuth endpoint.</summary>
internal sealed record ClientAuth(PscClientAuthentication Method, string ClientId, string? ClientSecret);
