using System.Net;
using System.Xml;

namespace Segur.Soap;

/// <summary>
/// A successful SOAP response: the envelope, the MTOM attachments if any, and the HTTP status. Dispose it to release
/// attachment buffers and temporary files.
/// </summary>
public sealed class SoapResponse : IDisposable
{
    private readonly MtomMessage? _mtom;

    /// <summary>Creates a response (transports and test fakes).</summary>
    /// <param name="envelope">The envelope received.</param>
    /// <param name="statusCode">The HTTP status. Default: 200.</param>
    /// <param name="mtom">The MTOM message the envelope came in, or <see langword="null"/>; the response owns it.</param>
    public SoapResponse(SoapEnvelope envelope, HttpStatusCode statusCode = HttpStatusCode.OK, MtomMessage? mtom = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        Envelope = envelope;
        StatusCode = statusCode;
        _mtom = mtom;
    }

    /// <summary>The envelope.</summary>
    public SoapEnvelope Envelope { get; }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The MTOM attachments by Content-ID; empty for a plain SOAP response.</summary>
    public IReadOnlyDictionary<string, MtomAttachment> Attachments => _mtom?.Attachments ?? MtomMessage.Empty;

    /// <summary>Resolves the attachment an element refers to through XOP.</summary>
    /// <param name="element">An <c>xop:Include</c> element, or the element holding one.</param>
    /// <returns>The attachment, or <see langword="null"/> when the element holds no <c>xop:Include</c> (inline base64).</returns>
    /// <exception cref="SegurProtocolException">The reference names no attachment (<c>SGR-1213</c>).</exception>
    public MtomAttachment? GetAttachment(XmlElement element) => Xop.Resolve(Attachments, element);

    /// <summary>Releases attachment memory and temporary files.</summary>
    public void Dispose() => _mtom?.Dispose();
}

/// <summary>
/// Sends SOAP requests: the seam the INSi and DMP clients call. <see cref="HttpSoapTransport"/> is the default; tests
/// replace it with a fake or a Moq mock.
/// </summary>
public interface ISoapTransport
{
    /// <summary>Sends a request and returns the response envelope.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response; dispose it.</returns>
    /// <exception cref="SegurServiceException">The service answered with a SOAP fault (mapped by the fault mapper).</exception>
    /// <exception cref="SegurTransportException">The network failed, timed out, or the service answered an HTTP error.</exception>
    /// <exception cref="SegurProtocolException">The answer is not SOAP, is malformed, or does not relate to the request.</exception>
    Task<SoapResponse> SendAsync(SoapRequest request, CancellationToken cancellationToken = default);
}
