using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Logging;
using Segur.Diagnostics;
using Segur.Xml;

namespace Segur.Soap;

/// <summary>Settings of <see cref="HttpSoapTransport"/>.</summary>
public sealed class HttpSoapTransportOptions : SegurClientOptions
{
    /// <summary>Maps SOAP faults to typed exceptions when the request's own <see cref="SoapRequest.FaultMapper"/> does not.
    /// <value>Default: <see langword="null"/>, meaning <see cref="SoapFault.ToException"/>.</value></summary>
    public ISoapFaultMapper? FaultMapper { get; set; }

    /// <summary>The largest plain SOAP response (or MTOM root part) read, in bytes.
    /// <value>Default: <see cref="SafeXml.DefaultMaxCharacters"/> (64 MiB).</value></summary>
    public long MaxEnvelopeSize { get; set; } = SafeXml.DefaultMaxCharacters;

    /// <summary>How MTOM responses are buffered and limited. <value>Default: <see cref="MtomReaderOptions"/> defaults.</value></summary>
    public MtomReaderOptions Mtom { get; set; } = new();
}

/// <summary>
/// The default <see cref="ISoapTransport"/>: SOAP 1.2 over a caller-supplied <see cref="HttpClient"/>, with MTOM both
/// ways, fault mapping, WS-Addressing checks, logging and tracing.
/// </summary>
/// <remarks>
/// <para>Thread-safe; one instance can serve every call. The <see cref="HttpClient"/> is not disposed: its owner (usually <c>IHttpClientFactory</c>) configures TLS,
/// client certificates and <see cref="HttpClient.Timeout"/>. Request attachments are not disposed either.</para>
/// <para>Errors: HTTP 5xx, 408, 429, time-outs and connection failures → transient <see cref="SegurTransportException"/>
/// (<c>SGR-1504</c>, <c>SGR-1502</c>, <c>SGR-1501</c>) with <see cref="SegurTransportException.RetryAfter"/> from the
/// <c>Retry-After</c> header; other 4xx → non-transient <see cref="SegurTransportException"/> (401/403:
/// <see cref="SegurAuthenticationException"/>); an untrusted server certificate → <c>SGR-1505</c>; a SOAP fault (whatever
/// the status) → <see cref="SoapRequest.FaultMapper"/>, then <see cref="HttpSoapTransportOptions.FaultMapper"/>, else <see cref="SoapFault.ToException"/>; a 2xx
/// answer that is not SOAP → <see cref="SegurProtocolException"/> <c>SGR-1208</c>.</para>
/// <para>Telemetry: one <see cref="Activity"/> per call named <c>SOAP {action}</c> on the <c>Segur.Core</c> source;
/// log event ids 1201–1205. Envelopes are logged (Trace) only with <see cref="SegurClientOptions.EnableSensitiveDataLogging"/>.</para>
/// </remarks>
public sealed partial class HttpSoapTransport : ISoapTransport
{
    private const int SnippetLength = 4096;
    private readonly HttpClient _httpClient;
    private readonly HttpSoapTransportOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a transport.</summary>
    /// <param name="httpClient">The client to send with; not disposed by the transport.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="SegurValidationException">The options are invalid (<c>SGR-1601</c>, listing every problem).</exception>
    public HttpSoapTransport(HttpClient httpClient, HttpSoapTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _options = options ?? new HttpSoapTransportOptions();
        Validate(_options);
        _logger = _options.LoggerFactory.CreateLogger<HttpSoapTransport>();
    }

    /// <inheritdoc/>
    public async Task<SoapResponse> SendAsync(SoapRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = request.Endpoint.GetLeftPart(UriPartial.Path);
        using var activity = CoreDiagnostics.Source.StartActivity("SOAP " + request.Action, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "soap");
            activity.SetTag("soap.action", request.Action);
            activity.SetTag("http.request.method", "POST");
            activity.SetTag("server.address", request.Endpoint.Host);
            activity.SetTag("server.port", request.Endpoint.Port);
            activity.SetTag("url.full", endpoint);
        }

        var started = _options.TimeProvider.GetTimestamp();
        LogSending(_logger, request.Action, endpoint);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Endpoint) { Content = CreateContent(request) };
            message.Headers.Accept.ParseAdd("application/soap+xml");
            message.Headers.Accept.ParseAdd("multipart/related");
            HttpResponseMessage response;
            try
            {
                response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (MapNetworkError(ex, cancellationToken) is { } mapped)
            {
                throw mapped;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                activity?.SetTag("http.response.status_code", status);
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var elapsedMs = _options.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
                    LogAnswered(_logger, request.Action, status, elapsedMs);
                }
                try
                {
                    return await ReadResponseAsync(request, response, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (MapNetworkError(ex, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }
            }
        }
        catch (SegurException ex)
        {
            activity?.SetTag(SegurDiagnostics.ErrorTypeTag, ex.ErrorCode);
            activity?.SetStatus(ActivityStatusCode.Error, ex.ErrorCode);
            LogFailed(_logger, request.Action, ex.ErrorCode, ex.IsTransient, ex.Message);
            if (ex.RawFault is not null && _options.EnableSensitiveDataLogging)
            {
                LogResponseEnvelope(_logger, request.Action, ex.RawFault);
            }

            throw;
        }
    }

    private HttpContent CreateContent(SoapRequest request)
    {
        var envelope = request.ToBytes();
        if (_options.EnableSensitiveDataLogging && _logger.IsEnabled(LogLevel.Trace))
        {
            var text = Encoding.UTF8.GetString(envelope);
            LogRequestEnvelope(_logger, request.Action, text);
        }

        if (request.IsMtom)
        {
            var boundary = MtomWriter.NewBoundary();
            var content = new MtomHttpContent(new MtomPackage(boundary, envelope, request.Attachments.ToList(), "application/soap+xml"));
            content.Headers.TryAddWithoutValidation("Content-Type", MtomWriter.GetContentType(boundary, "application/soap+xml", request.Action));
            return content;
        }

        var plain = new ByteArrayContent(envelope);
        var type = new MediaTypeHeaderValue("application/soap+xml") { CharSet = "utf-8" };
        type.Parameters.Add(new NameValueHeaderValue("action", "\"" + request.Action.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
        plain.Headers.ContentType = type;
        return plain;
    }

    private async Task<SoapResponse> ReadResponseAsync(SoapRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var rawType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : string.Empty;
        var mediaType = MediaType.Parse(rawType);
        SoapEnvelope envelope;
        MtomMessage? mtom = null;
        if (mediaType.Type.StartsWith("multipart/", StringComparison.Ordinal))
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                mtom = await MtomMessage.ReadAsync(stream, rawType, _options.Mtom, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                if (mtom.Root.Length > _options.MaxEnvelopeSize)
                {
                    throw new SegurProtocolException(CoreErrorCodes.XmlTooLarge, $"The MTOM root part is larger than {_options.MaxEnvelopeSize} bytes.");
                }

                using var root = mtom.Root.OpenRead();
                envelope = ParseEnvelope(request, response, root, mediaType)
                           ?? throw NotSoap(response, mediaType, await SnippetAsync(mtom.Root, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                mtom.Dispose();
                throw;
            }
        }
        else
        {
            using var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            var looksXml = mediaType.Type.Length == 0 || mediaType.Type.EndsWith("/xml", StringComparison.Ordinal) || mediaType.Type.EndsWith("+xml", StringComparison.Ordinal);
            envelope = (looksXml && body.Length > 0 ? ParseEnvelope(request, response, body, mediaType) : null)
                       ?? throw NotSoap(response, mediaType, Snippet(body));
        }

        try
        {
            if (envelope.Fault is { } fault)
            {
                throw request.FaultMapper?.Map(fault, request) ?? _options.FaultMapper?.Map(fault, request) ?? fault.ToException();
            }

            if (!response.IsSuccessStatusCode)
            {
                throw HttpError(response, envelope.Document.OuterXml.Length > SnippetLength ? envelope.Document.OuterXml[..SnippetLength] : envelope.Document.OuterXml);
            }

            if (request.SentMessageId is { } messageId)
            {
                envelope.Addressing.EnsureRelatesTo(messageId, request.RequireRelatesTo);
            }

            if (_options.EnableSensitiveDataLogging && _logger.IsEnabled(LogLevel.Trace))
            {
                LogResponseEnvelope(_logger, request.Action, envelope.Document.OuterXml);
            }

            return new SoapResponse(envelope, (HttpStatusCode)status, mtom);
        }
        catch
        {
            mtom?.Dispose();
            throw;
        }
    }

    /// <summary>Parses the envelope; <see langword="null"/> when the XML is not an envelope at all.</summary>
    private SoapEnvelope? ParseEnvelope(SoapRequest request, HttpResponseMessage response, Stream body, MediaType mediaType)
    {
        XmlDocument document;
        try
        {
            document = SafeXml.LoadDocument(body, _options.MaxEnvelopeSize);
        }
        catch (SegurValidationException ex)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw HttpError(response, null, ex);
            }

            // The answer claimed to be XML but is unusable (malformed, DTD, too large): keep the XML code.
            throw new SegurProtocolException(ex.ErrorCode, $"The SOAP response to {request.Action} is not usable XML ({mediaType.Type}).", innerException: ex);
        }

        return document.DocumentElement?.LocalName == "Envelope" ? SoapEnvelope.FromDocument(document) : null;
    }

    private SegurException NotSoap(HttpResponseMessage response, MediaType mediaType, string snippet)
    {
        if (!response.IsSuccessStatusCode)
        {
            return HttpError(response, snippet);
        }

        var type = mediaType.Type.Length == 0 ? "no content type" : mediaType.Type;
        return new SegurProtocolException(CoreErrorCodes.SoapNotSoapResponse,
            $"The service answered HTTP {(int)response.StatusCode} with {type}, not a SOAP envelope (wrong endpoint, or a proxy or login page?).", rawFault: snippet);
    }

    private SegurException HttpError(HttpResponseMessage response, string? snippet, Exception? inner = null)
    {
        var status = (int)response.StatusCode;
        var message = $"The service answered HTTP {status} ({response.ReasonPhrase}).";
        if (status is 401 or 403)
        {
            return new SegurAuthenticationException(CoreErrorCodes.HttpStatus, message, rawFault: snippet, innerException: inner);
        }

        var transient = status >= 500 || status is 408 or 429;
        return new SegurTransportException(CoreErrorCodes.HttpStatus, message, transient, snippet, inner)
        {
            RetryAfter = status is 503 or 429 ? RetryAfter(response) : null,
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static SegurTransportException? MapNetworkError(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        SegurException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => new SegurTransportException(CoreErrorCodes.Timeout, "The SOAP call timed out.", innerException: exception),
        HttpRequestException { InnerException: AuthenticationException } => new SegurTransportException(CoreErrorCodes.ServerCertificateUntrusted,
            "The TLS handshake with the service failed (server certificate not trusted, or client certificate refused).", isTransient: false, innerException: exception),
        HttpRequestException or IOException => new SegurTransportException(CoreErrorCodes.TransportFailed, "The SOAP call failed: the connection to the service failed or was cut.", innerException: exception),
        _ => null,
    };

    private async Task<MemoryStream> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > _options.MaxEnvelopeSize)
        {
            throw new SegurProtocolException(CoreErrorCodes.XmlTooLarge, $"The SOAP response is larger than {_options.MaxEnvelopeSize} bytes.");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > _options.MaxEnvelopeSize)
                {
                    throw new SegurProtocolException(CoreErrorCodes.XmlTooLarge, $"The SOAP response is larger than {_options.MaxEnvelopeSize} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            return buffer;
        }
    }

    private static string Snippet(MemoryStream body) =>
        Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)Math.Min(body.Length, SnippetLength));

    private static async Task<string> SnippetAsync(MtomAttachment part, CancellationToken cancellationToken)
    {
        var stream = part.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[SnippetLength];
            var read = await stream.ReadAtLeastAsync(buffer, SnippetLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
    }

    private static void Validate(HttpSoapTransportOptions options)
    {
        var problems = new List<string>();
        if (options.MaxEnvelopeSize <= 0)
        {
            problems.Add("MaxEnvelopeSize must be positive.");
        }

        if (options.Mtom is null)
        {
            problems.Add("Mtom is required.");
        }
        else
        {
            if (options.Mtom.MemoryThreshold < 0 || options.Mtom.MemoryThreshold > int.MaxValue / 2)
            {
                problems.Add("Mtom.MemoryThreshold must be between 0 and 1 GiB.");
            }

            if (options.Mtom.MaxPartSize <= 0)
            {
                problems.Add("Mtom.MaxPartSize must be positive.");
            }

            if (options.Mtom.MaxParts <= 0)
            {
                problems.Add("Mtom.MaxParts must be positive.");
            }
        }

        if (options.LoggerFactory is null || options.TimeProvider is null)
        {
            problems.Add("LoggerFactory and TimeProvider are required.");
        }

        if (problems.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, "Invalid HttpSoapTransportOptions: " + string.Join(" ", problems));
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "SOAP call {Action} to {Endpoint}")]
    private static partial void LogSending(ILogger logger, string action, string endpoint);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "SOAP call {Action} answered HTTP {StatusCode} after {ElapsedMs} ms")]
    private static partial void LogAnswered(ILogger logger, string action, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "SOAP call {Action} failed with {ErrorCode} (transient: {IsTransient}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string action, string errorCode, bool isTransient, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Trace, Message = "SOAP request envelope for {Action}: {Envelope}")]
    private static partial void LogRequestEnvelope(ILogger logger, string action, string envelope);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Trace, Message = "SOAP response or fault for {Action}: {Envelope}")]
    private static partial void LogResponseEnvelope(ILogger logger, string action, string envelope);

    /// <summary>Streams an MTOM package as request content; the length is known when every attachment can seek.</summary>
    private sealed class MtomHttpContent(MtomPackage package) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            package.WriteToAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            package.WriteToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = package.Length ?? 0;
            return package.Length.HasValue;
        }
    }
}
