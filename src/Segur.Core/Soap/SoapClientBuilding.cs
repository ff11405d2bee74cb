using Polly;
using Polly.Registry;
using Segur.Resilience;
using Segur.Security;

namespace Segur.Soap;

/// <summary>
/// The building blocks the SDK's SOAP service clients (INSi, DMP) share, for an editor writing a client for another
/// Ségur SOAP service the same way: the resilience pipeline to use, and an HTTPS transport over mutual TLS with the
/// server certificate checked against pinned IGC-Santé trust.
/// </summary>
public static class SoapClientBuilding
{
    /// <summary>The pipeline a client uses: <paramref name="pipeline"/> when set, else the pipeline named
    /// <paramref name="name"/> in <paramref name="provider"/>, else the SDK defaults (<see cref="SegurResilience"/>:
    /// retry on transient failures only, circuit breaker, attempt timeout) on <paramref name="timeProvider"/>.</summary>
    /// <param name="pipeline">The pipeline the caller set, or null.</param>
    /// <param name="provider">The caller's pipeline registry, or null.</param>
    /// <param name="name">The pipeline name to look up (e.g. <c>Segur.Dmp</c>).</param>
    /// <param name="timeProvider">The clock of the default pipeline.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="timeProvider"/> is null.</exception>
    public static ResiliencePipeline ResolvePipeline(ResiliencePipeline? pipeline, ResiliencePipelineProvider<string>? provider, string name, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return pipeline
            ?? (provider is not null && provider.TryGetPipeline(name, out var named) ? named : null)
            ?? new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddSegurDefaults(new SegurResilienceOptions()).Build();
    }

    /// <summary>Creates an <see cref="HttpClient"/> over <see cref="SegurHttpHandlerFactory"/> (TLS 1.2+, the client
    /// credential in mutual TLS, validated server certificate) and an <see cref="HttpSoapTransport"/> on it, then hands
    /// both to <paramref name="create"/>; the HTTP client is disposed if that fails. The created client owns the HTTP
    /// client (dispose it with the client).</summary>
    /// <typeparam name="TClient">The service client.</typeparam>
    /// <param name="handlerOptions">TLS settings.</param>
    /// <param name="timeout">The HTTP timeout.</param>
    /// <param name="transportOptions">Transport settings (fault mapper, logging, clock).</param>
    /// <param name="create">Builds the service client from the transport and the HTTP client it must dispose.</param>
    /// <param name="cancellationToken">Cancels reading the client certificate.</param>
    /// <returns>The service client.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SegurException">The TLS credential or trust is unusable (see <see cref="SegurHttpHandlerFactory"/>).</exception>
    public static async Task<TClient> CreateHttpsClientAsync<TClient>(SegurHttpHandlerOptions handlerOptions, TimeSpan timeout, HttpSoapTransportOptions transportOptions,
        Func<HttpSoapTransport, HttpClient, TClient> create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handlerOptions);
        ArgumentNullException.ThrowIfNull(transportOptions);
        ArgumentNullException.ThrowIfNull(create);
        var handler = await SegurHttpHandlerFactory.CreateAsync(handlerOptions, cancellationToken).ConfigureAwait(false);
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
        try
        {
            return create(new HttpSoapTransport(http, transportOptions), http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }
}
