using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Segur.Cps.Serial;

namespace Segur.IntegrationTests.Cps;

/// <summary>The scanner stack over a socat pseudo-terminal pair (<c>socat -d -d pty,raw,echo=0,link=A
/// pty,raw,echo=0,link=B</c>): the SDK opens A as the serial port, the test writes what a scanner sends into B.
/// socat is then stopped (the device disappears) and restarted (it comes back under the same name).</summary>
public sealed partial class SerialScannerSocatTests
{
    private const byte Gs = 0x1D;

    [IntegrationFact("SEGUR_TEST_SOCAT")]
    public async Task ReadCodesAsync_FramesWrittenThroughSocat_StripsAimKeepsGsAndJoinsSplitWrites()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // ptys
        }

        await using var pair = await SocatPair.StartAsync();
        // Frames end only with CR/LF here: a long pause threshold keeps split writes from being cut by timing.
        await using var scanner = new BarcodeScanner(new BarcodeScannerOptions
        {
            Port = new SerialPortSettings { PortName = pair.AppPath, BaudRate = 115200 },
            InterByteTimeout = TimeSpan.FromMinutes(5),
        });
        var raised = new List<ScannedCode>();
        scanner.CodeScanned += (_, c) => { lock (raised) { raised.Add(c); } };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // safety net
        await using var codes = scanner.ReadCodesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        using var device = pair.OpenDevice();

        // GS1 Data Matrix (]d2) with FNC1 separators as GS, CR LF in one write.
        device.Write([.. "]d2010340093000012010ABC"u8, Gs, .. "17251231"u8, (byte)'\r', (byte)'\n']);
        // ApCV-style QR code (]Q1), CR only.
        device.Write("]Q1APCV-TEST:42\r"u8);
        // INS Datamatrix split in the middle of the AIM prefix, of the payload, and between CR and LF.
        device.Write("]"u8);
        device.Write("d1IS0"u8);
        device.Write([.. "112345"u8, Gs, .. "S4CLA"u8]);
        device.Write("IRE\r"u8);
        device.Write("\n"u8);
        // LF only, no AIM prefix.
        device.Write("PLAIN-123\n"u8);

        var received = new List<ScannedCode>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await codes.MoveNextAsync());
            received.Add(codes.Current);
        }

        Assert.Equal(("]d2", "010340093000012010ABC\u001D17251231"), (received[0].SymbologyIdentifier, received[0].Text));
        Assert.True(received[0].IsDataMatrix);
        Assert.Equal(("]Q1", "APCV-TEST:42"), (received[1].SymbologyIdentifier, received[1].Text));
        Assert.True(received[1].IsQrCode);
        Assert.Equal(("]d1", "IS0112345\u001DS4CLAIRE"), (received[2].SymbologyIdentifier, received[2].Text));
        Assert.Equal(((string?)null, "PLAIN-123"), (received[3].SymbologyIdentifier, received[3].Text));
        Assert.Equal([.. "]d1IS0112345"u8, Gs, .. "S4CLAIRE"u8], received[2].RawBytes.ToArray());

        // The split CR / LF produced no empty frame: the next code is the next frame.
        device.Write("LAST\r\n"u8);
        Assert.True(await codes.MoveNextAsync());
        Assert.Equal("LAST", codes.Current.Text);
        lock (raised)
        {
            Assert.Equal(["010340093000012010ABC\u001D17251231", "APCV-TEST:42", "IS0112345\u001DS4CLAIRE", "PLAIN-123", "LAST"], raised.Select(c => c.Text));
        }
    }

    [IntegrationFact("SEGUR_TEST_SOCAT")]
    public async Task ReadCodesAsync_SocatStoppedThenRestarted_ReconnectsAndDropsThePartialFrame()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("segur-socat-");
        try
        {
            var pair = await SocatPair.StartAsync(directory.FullName);
            await using var scanner = new BarcodeScanner(new BarcodeScannerOptions
            {
                Port = new SerialPortSettings { PortName = pair.AppPath },
                ReconnectDelay = TimeSpan.FromMilliseconds(100),
                InterByteTimeout = TimeSpan.FromMinutes(5),
            });
            var connected = new SemaphoreSlim(0);
            var disconnected = new SemaphoreSlim(0);
            scanner.ConnectionChanged += (_, up) => (up ? connected : disconnected).Release();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // safety net
            await using var codes = scanner.ReadCodesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
            using (var device = pair.OpenDevice())
            {
                device.Write("]d1ONE\r\n"u8);
                Assert.True(await codes.MoveNextAsync());
                Assert.Equal("ONE", codes.Current.Text);
                Assert.True(await connected.WaitAsync(TimeSpan.FromSeconds(10)));
                // The device goes away in the middle of this frame. Whether the scanner read these bytes before socat
                // stopped is up to timing; either way the next frame must come out alone (the decoder drops a partial
                // frame on disconnection, see ScanFrameDecoderTests.DiscardPending_*).
                device.Write("]d1HALF-A-FR"u8);
            }

            await pair.DisposeAsync(); // socat stops: both ptys and the links disappear
            Assert.True(await disconnected.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.False(scanner.IsConnected);
            Assert.False(File.Exists(pair.AppPath));

            pair = await SocatPair.StartAsync(directory.FullName); // same names, new ptys
            await using (pair)
            {
                Assert.True(await connected.WaitAsync(TimeSpan.FromSeconds(10)));
                using var device = pair.OpenDevice();
                device.Write("]d1TWO\r\n"u8);
                Assert.True(await codes.MoveNextAsync());
                Assert.Equal(("]d1", "TWO"), (codes.Current.SymbologyIdentifier, codes.Current.Text));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A socat process linking two ptys: <see cref="AppPath"/> (the SDK's side) and the device side.</summary>
    private sealed class SocatPair : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string? _ownedDirectory;

        private SocatPair(Process process, string directory, string? ownedDirectory)
        {
            _process = process;
            _ownedDirectory = ownedDirectory;
            AppPath = Path.Combine(directory, "ttyApp");
            DevicePath = Path.Combine(directory, "ttyScanner");
        }

        public string AppPath { get; }

        public string DevicePath { get; }

        public static async Task<SocatPair> StartAsync(string? directory = null)
        {
            var owned = directory is null ? Directory.CreateTempSubdirectory("segur-socat-").FullName : null;
            directory ??= owned!;
            var info = new ProcessStartInfo(TestEnv.Require("SEGUR_TEST_SOCAT")) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-d", "-d", $"pty,raw,echo=0,link={Path.Combine(directory, "ttyApp")}", $"pty,raw,echo=0,link={Path.Combine(directory, "ttyScanner")}" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            var pair = new SocatPair(process, directory, owned);
            var log = new StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)); // safety net
            try
            {
                // socat -d -d logs "starting data transfer loop" once both ptys and links exist.
                while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
                {
                    log.AppendLine(line);
                    if (line.Contains("starting data transfer loop", StringComparison.Ordinal))
                    {
                        _ = process.StandardError.ReadToEndAsync(CancellationToken.None); // keep draining
                        return pair;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            await pair.DisposeAsync();
            throw new InvalidOperationException("socat did not start: " + log);
        }

        /// <summary>Opens the device side (O_WRONLY | O_NOCTTY). Keep it open while writing: socat may stop when the
        /// last opener of a pty closes it.</summary>
        public Device OpenDevice() => Device.Open(DevicePath);

        /// <summary>Stops socat with SIGTERM so that it removes its links, as a device being unplugged.</summary>
        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _ = kill(_process.Id, 15);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // safety net
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill();
                }
            }

            _process.Dispose();
            if (_ownedDirectory is not null)
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
        }
    }

    private sealed class Device : IDisposable
    {
        private int _fd;

        private Device(int fd) => _fd = fd;

        public static Device Open(string path)
        {
            var fd = open(path, OperatingSystem.IsMacOS() ? 0x1 | 0x20000 : 0x1 | 0x100); // O_WRONLY | O_NOCTTY
            return fd >= 0 ? new Device(fd) : throw new IOException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        public unsafe void Write(ReadOnlySpan<byte> bytes)
        {
            fixed (byte* p = bytes)
            {
                Assert.Equal(bytes.Length, (int)write(_fd, p, bytes.Length));
            }
        }

        public void Dispose()
        {
            if (_fd >= 0)
            {
                _ = close(_fd);
                _fd = -1;
            }
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
