using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Segur.Cps.Serial;

/// <summary>Options of <see cref="BarcodeScanner"/>.</summary>
public sealed class BarcodeScannerOptions : SegurClientOptions
{
    /// <summary>The serial port.</summary>
    public required SerialPortSettings Port { get; init; }

    /// <summary>How scanned bytes become text. <value>Default: Latin-1.</value></summary>
    public Encoding? Encoding { get; init; }

    /// <summary>Pause after which an unterminated frame is delivered (scanners configured without suffix).</summary>
    /// <value>Default: 300 ms.</value>
    public TimeSpan InterByteTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Delay between attempts to reopen the port after the device disappeared.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest accepted frame. <value>Default: 8192 bytes.</value></summary>
    public int MaxFrameLength { get; init; } = 8192;
}

/// <summary>
/// Reads a serial (USB-CDC / RS-232) 2D scanner: raises <see cref="CodeScanned"/> and yields codes from
/// <see cref="ReadCodesAsync"/>; AIM prefixes are stripped, GS kept; reopens the port when the device disappears and
/// comes back. Prefer serial mode to keyboard wedge, which depends on the keyboard layout and may drop GS.
/// </summary>
public sealed partial class BarcodeScanner : IAsyncDisposable
{
    private readonly BarcodeScannerOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<ScannedCode> _codes = Channel.CreateUnbounded<ScannedCode>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Creates a scanner reader (not started).</summary>
    /// <param name="options">Port and framing options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public BarcodeScanner(BarcodeScannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Port);
        _options = options;
        _logger = options.LoggerFactory.CreateLogger("Segur.Cps.BarcodeScanner");
    }

    /// <summary>Raised on the reading task for each code.</summary>
    public event EventHandler<ScannedCode>? CodeScanned;

    /// <summary>Raised when the port opens (true) or the device disappears (false).</summary>
    public event EventHandler<bool>? ConnectionChanged;

    /// <summary>Whether the port is open.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Opens the port now (so that a wrong name fails at once) and starts reading in the background.</summary>
    /// <exception cref="SegurCardException">The port cannot be opened or configured.</exception>
    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        var port = SerialPortConnection.Open(_options.Port);
        _loop = Task.Run(() => RunAsync(port, _stop.Token), CancellationToken.None);
    }

    /// <summary>Starts if needed and yields scanned codes until cancelled or disposed.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The codes.</returns>
    public async IAsyncEnumerable<ScannedCode> ReadCodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Start();
        while (await _codes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_codes.Reader.TryRead(out var code))
            {
                yield return code;
            }
        }
    }

    /// <summary>Stops reading and closes the port.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _codes.Writer.TryComplete();
        _stop.Dispose();
    }

    private async Task RunAsync(SerialPortConnection? port, CancellationToken cancellationToken)
    {
        var decoder = new ScanFrameDecoder(_options.Encoding, _options.MaxFrameLength, _options.TimeProvider);
        var buffer = new byte[1024];
        var time = _options.TimeProvider;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (port is null)
            {
                try
                {
                    await Task.Delay(_options.ReconnectDelay, time, cancellationToken).ConfigureAwait(false);
                    port = SerialPortConnection.Open(_options.Port);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SegurCardException)
                {
                    continue; // still gone
                }
            }

            SetConnected(true);
            var lastByte = time.GetTimestamp();
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var n = port.Read(buffer, 100);
                    if (n > 0)
                    {
                        lastByte = time.GetTimestamp();
                        Deliver(decoder, buffer.AsSpan(0, n));
                    }
                    else if (decoder.HasPendingData && time.GetElapsedTime(lastByte) >= _options.InterByteTimeout && decoder.Flush() is { } code)
                    {
                        Publish(code);
                    }
                }
            }
            catch (SegurCardException ex)
            {
                Log.Disconnected(_logger, _options.Port.PortName, ex.ErrorCode);
            }
            finally
            {
                port.Dispose();
                port = null;
                if (decoder.DiscardPending())
                {
                    // Never glue the start of a frame from the old connection to the next one.
                    Log.PartialFrameDropped(_logger, _options.Port.PortName);
                }

                SetConnected(false);
            }
        }

        port?.Dispose();
    }

    private void Deliver(ScanFrameDecoder decoder, ReadOnlySpan<byte> bytes)
    {
        IReadOnlyList<ScannedCode> codes;
        try
        {
            codes = decoder.Feed(bytes);
        }
        catch (SegurValidationException ex)
        {
            Log.FrameDropped(_logger, ex.ErrorCode);
            return;
        }

        foreach (var code in codes)
        {
            Publish(code);
        }
    }

    private void Publish(ScannedCode code)
    {
        _codes.Writer.TryWrite(code);
        try
        {
            CodeScanned?.Invoke(this, code);
        }
#pragma warning disable CA1031 // A subscriber's failure must not stop reading the scanner.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, ex);
        }
    }

    private void SetConnected(bool connected)
    {
        if (IsConnected == connected)
        {
            return;
        }

        IsConnected = connected;
        ConnectionChanged?.Invoke(this, connected);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Scanner on {Port} disconnected ({ErrorCode}); reopening")]
        public static partial void Disconnected(ILogger logger, string port, string errorCode);

        [LoggerMessage(EventId = 6302, Level = LogLevel.Warning, Message = "Scanned frame dropped ({ErrorCode})")]
        public static partial void FrameDropped(ILogger logger, string errorCode);

        [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Scanner on {Port} went away in the middle of a frame; the partial frame was dropped")]
        public static partial void PartialFrameDropped(ILogger logger, string port);

        [LoggerMessage(EventId = 6303, Level = LogLevel.Warning, Message = "A CodeScanned handler threw")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);
    }
}
