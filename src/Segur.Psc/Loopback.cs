using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Segur.Psc;

/// <summary>Opens the authorization URL for the user. Replace it in tests (follow the redirects with an HTTP
/// client) or in kiosk applications (embedded browser).</summary>
public interface IBrowserLauncher
{
    /// <summary>Shows <paramref name="url"/> to the user. May return before the user finishes.</summary>
    /// <param name="url">The authorization URL.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the browser was launched.</returns>
    Task LaunchAsync(Uri url, CancellationToken cancellationToken = default);
}

/// <summary>Opens the system's default browser (Windows shell, <c>open</c> on macOS, <c>xdg-open</c> on Linux).</summary>
public sealed class SystemBrowserLauncher : IBrowserLauncher
{
    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No browser could be started.</exception>
    public Task LaunchAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("Only http(s) URLs are opened.", nameof(url));
        }

        var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true }
            : OperatingSystem.IsMacOS() ? new ProcessStartInfo("open", [url.AbsoluteUri])
            : new ProcessStartInfo("xdg-open", [url.AbsoluteUri]);
        try
        {
            using var process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("No browser could be started; open the login URL manually.", ex);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A one-shot HTTP listener on <c>http://127.0.0.1:{random port}/callback</c> (RFC 8252 §7.3) built on a
/// raw <see cref="TcpListener"/>: it answers the redirect with a small page and returns its query parameters.</summary>
internal sealed class LoopbackRedirectListener : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private readonly TcpListener _listener;

    public LoopbackRedirectListener(string path = "/callback")
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Path = path;
        RedirectUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");
    }

    public Uri RedirectUri { get; }

    public string Path { get; }

    /// <summary>Waits for the redirect to the callback path. Connections are served concurrently, so a browser's idle
    /// speculative connection cannot block the real redirect; other paths (such as <c>/favicon.ico</c>) get a 404.</summary>
    public async Task<Dictionary<string, string>> WaitAsync(CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var result = new TaskCompletionSource<Dictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new List<Task>();
        try
        {
            var acceptLoop = Task.Run(
                async () =>
                {
                    while (!done.IsCancellationRequested)
                    {
                        var client = await _listener.AcceptTcpClientAsync(done.Token).ConfigureAwait(false);
                        lock (handlers)
                        {
                            handlers.Add(ServeAsync(client, result, done.Token));
                        }
                    }
                },
                done.Token);
            using var registration = done.Token.Register(() => result.TrySetCanceled(cancellationToken.IsCancellationRequested ? cancellationToken : done.Token));
            var first = await Task.WhenAny(result.Task, acceptLoop).ConfigureAwait(false);
            if (first == acceptLoop && !result.Task.IsCompleted)
            {
                await acceptLoop.ConfigureAwait(false); // surfaces the accept failure or the cancellation
            }

            return await result.Task.ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            Task[] pending;
            lock (handlers)
            {
                pending = [.. handlers];
            }

            try
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // connections abandoned once the callback arrived
            }
        }
    }

    private async Task ServeAsync(TcpClient client, TaskCompletionSource<Dictionary<string, string>> result, CancellationToken cancellationToken)
    {
        using (client)
        {
            var stream = client.GetStream();
            var target = await ReadRequestTargetAsync(stream, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return;
            }

            var q = target.IndexOf('?', StringComparison.Ordinal);
            var path = q < 0 ? target : target[..q];
            if (!string.Equals(path, Path, StringComparison.Ordinal) || result.Task.IsCompleted)
            {
                await WriteAsync(stream, "404 Not Found", "Not found.", cancellationToken).ConfigureAwait(false);
                return;
            }

            var parameters = ParseQuery(q < 0 ? "" : target[(q + 1)..]);
            var ok = parameters.ContainsKey("code") && !parameters.ContainsKey("error");
            var page = ok
                ? "<h1>Connexion Pro Santé Connect réussie</h1><p>Vous pouvez fermer cette fenêtre et revenir au logiciel.</p>"
                : "<h1>Connexion Pro Santé Connect refusée</h1><p>Vous pouvez fermer cette fenêtre; le logiciel indique la raison.</p>";
            await WriteAsync(stream, "200 OK", page, cancellationToken).ConfigureAwait(false);
            result.TrySetResult(parameters);
        }
    }

    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeaderBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, read);
        var end = head.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (end < 0 ? head : head[..end]).Split(' ');
        return parts.Length == 3 && parts[0] == "GET" && parts[1].StartsWith('/') ? parts[1] : null;
    }

    private static async Task WriteAsync(NetworkStream stream, string status, string body, CancellationToken cancellationToken)
    {
        var html = $"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Pro Santé Connect</title></head><body style=\"font-family:sans-serif\">{body}</body></html>";
        var bytes = Encoding.UTF8.GetBytes(html);
        var header = $"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            result.TryAdd(name, value);
        }

        return result;
    }

    public void Dispose() => _listener.Stop();
}
