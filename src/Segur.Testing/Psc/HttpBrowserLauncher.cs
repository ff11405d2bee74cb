using System.Net;
using Segur.Psc;

namespace Segur.Testing.Psc;

/// <summary>
/// A test <see cref="IBrowserLauncher"/>: instead of opening a browser, it follows the redirects of the authorization
/// URL with an <see cref="HttpClient"/> (cookies kept, GET only) until a page that is not a redirect — normally the
/// loopback callback of <see cref="PscClient.LoginAsync"/>. Works with <see cref="PscSimulator"/> and with providers
/// whose interaction pages complete on GET (see <c>tests/env/node/psc-provider.mjs</c>).
/// </summary>
public sealed class HttpBrowserLauncher : IBrowserLauncher
{
    /// <summary>The URLs visited by the last launch, in order.</summary>
    public IReadOnlyList<Uri> Visited => _visited;

    /// <summary>The status code of the last page.</summary>
    public HttpStatusCode? LastStatus { get; private set; }

    private readonly List<Uri> _visited = [];

    /// <summary>Maximum redirects followed. <value>Default: 20.</value></summary>
    public int MaxRedirects { get; set; } = 20;

    /// <inheritdoc/>
    public async Task LaunchAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        _visited.Clear();
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var current = url;
        for (var i = 0; i <= MaxRedirects; i++)
        {
            _visited.Add(current);
            using var response = await client.GetAsync(current, cancellationToken).ConfigureAwait(false);
            LastStatus = response.StatusCode;
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            return;
        }

        throw new InvalidOperationException($"More than {MaxRedirects} redirects from {url.GetLeftPart(UriPartial.Path)}.");
    }
}
