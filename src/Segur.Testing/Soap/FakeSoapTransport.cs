using System.Net;
using Segur.Soap;

namespace Segur.Testing.Soap;

/// <summary>
/// An in-memory <see cref="ISoapTransport"/> for unit tests of SOAP clients: each request is serialised and parsed
/// back as the service would see it, recorded in <see cref="Requests"/>, and answered by a callback that returns
/// a response or fault envelope (see <see cref="SoapEnvelopeWriter"/>). Faults are mapped like
/// <see cref="HttpSoapTransport"/> does: the request's <see cref="SoapRequest.FaultMapper"/>, then
/// <see cref="SoapFault.ToException"/>; a <c>RelatesTo</c> that does not match the request is refused. The callback may
/// also throw (for example a <see cref="SegurTransportException"/>) to simulate network failures.
/// </summary>
public sealed class FakeSoapTransport : ISoapTransport
{
    private readonly Func<SoapEnvelope, string> _respond;
    private readonly List<SoapEnvelope> _requests = [];

    /// <summary>Creates a fake answering with <paramref name="respond"/>.</summary>
    /// <param name="respond">Given the parsed request envelope, returns the response envelope XML.</param>
    public FakeSoapTransport(Func<SoapEnvelope, string> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        _respond = respond;
    }

    /// <summary>The request envelopes received, in order.</summary>
    public IReadOnlyList<SoapEnvelope> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    /// <inheritdoc/>
    public Task<SoapResponse> SendAsync(SoapRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var sent = SoapEnvelope.Load(new MemoryStream(request.ToBytes()));
        lock (_requests)
        {
            _requests.Add(sent);
        }

        var envelope = SoapEnvelope.Parse(_respond(sent));
        if (envelope.Fault is { } fault)
        {
            throw request.FaultMapper?.Map(fault, request) ?? fault.ToException();
        }

        if (sent.Addressing.MessageId is { } messageId)
        {
            envelope.Addressing.EnsureRelatesTo(messageId, request.RequireRelatesTo);
        }

        return Task.FromResult(new SoapResponse(envelope, HttpStatusCode.OK));
    }
}
