using System.Runtime.InteropServices;
using Segur.Cps;
using Segur.Cps.Serial;

namespace Segur.IntegrationTests.Cps;

/// <summary>The scanner stack over a real pseudo-terminal (openpty): termios configuration, poll/read, framing,
/// and reconnection when the device disappears.</summary>
public sealed partial class SerialScannerPtyTests
{
    [Fact]
    public async Task ReadCodesAsync_BytesWrittenToPty_YieldsFramedCodes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // openpty binding below is Linux-specific
        }

        using var pty = Pty.Open();
        await using var scanner = new BarcodeScanner(new BarcodeScannerOptions { Port = new SerialPortSettings { PortName = pty.SlavePath, BaudRate = 115200 } });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var codes = scanner.ReadCodesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var raised = new List<ScannedCode>();
        scanner.CodeScanned += (_, c) => { lock (raised) { raised.Add(c); } };

        pty.Write("]d1IS0112345\u001DS4CLAIRE\r\n]Q1APCV-TEST:abc\r\n"u8);

        Assert.True(await codes.MoveNextAsync());
        Assert.Equal("]d1", codes.Current.SymbologyIdentifier);
        Assert.Equal("IS0112345\u001DS4CLAIRE", codes.Current.Text);
        Assert.True(await codes.MoveNextAsync());
        Assert.Equal("APCV-TEST:abc", codes.Current.Text);
        Assert.True(codes.Current.IsQrCode);
        lock (raised)
        {
            Assert.Equal(2, raised.Count);
        }
    }

    [Fact]
    public void Open_MissingDevice_ThrowsOpenFailed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var scanner = new BarcodeScanner(new BarcodeScannerOptions { Port = new SerialPortSettings { PortName = "/dev/segur-no-such-tty" } });
        var ex = Assert.Throws<SegurCardException>(scanner.Start);
        Assert.Equal(CpsErrorCodes.SerialPortOpenFailed, ex.ErrorCode);
    }

    [Fact]
    public async Task ReadCodesAsync_DeviceGoneThenBack_ReconnectsAndReadsAgain()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A symlink stands for the device node: it disappears (pty closed) and comes back (new pty, same name).
        var link = Path.Combine(Path.GetTempPath(), $"segur-scan-{Guid.NewGuid():N}");
        var first = Pty.Open();
        File.CreateSymbolicLink(link, first.SlavePath);
        try
        {
            var options = new BarcodeScannerOptions { Port = new SerialPortSettings { PortName = link }, ReconnectDelay = TimeSpan.FromMilliseconds(100) };
            await using var scanner = new BarcodeScanner(options);
            var connected = new SemaphoreSlim(0);
            var disconnected = new SemaphoreSlim(0);
            scanner.ConnectionChanged += (_, up) => (up ? connected : disconnected).Release();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var codes = scanner.ReadCodesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
            first.Write("one\r"u8);
            Assert.True(await codes.MoveNextAsync());
            Assert.Equal("one", codes.Current.Text);
            Assert.True(await connected.WaitAsync(TimeSpan.FromSeconds(10))); // the first opening

            File.Delete(link);
            first.Dispose(); // device unplugged
            Assert.True(await disconnected.WaitAsync(TimeSpan.FromSeconds(10)));

            using var second = Pty.Open();
            File.CreateSymbolicLink(link, second.SlavePath);
            Assert.True(await connected.WaitAsync(TimeSpan.FromSeconds(10))); // reopened
            second.Write("two\r\n"u8);
            Assert.True(await codes.MoveNextAsync());
            Assert.Equal("two", codes.Current.Text);
        }
        finally
        {
            File.Delete(link);
        }
    }

    private sealed partial class Pty : IDisposable
    {
        private int _master;
        private int _slave;

        private Pty(int master, int slave, string path)
        {
            _master = master;
            _slave = slave;
            SlavePath = path;
        }

        public string SlavePath { get; }

        public static Pty Open()
        {
            if (openpty(out var master, out var slave, 0, 0, 0) != 0)
            {
                throw new InvalidOperationException("openpty failed: " + Marshal.GetLastPInvokeError());
            }

            var name = Marshal.PtrToStringUTF8(ttyname(slave))!;
            return new Pty(master, slave, name);
        }

        public unsafe void Write(ReadOnlySpan<byte> bytes)
        {
            fixed (byte* p = bytes)
            {
                Assert.Equal(bytes.Length, (int)write(_master, p, bytes.Length));
            }
        }

        public void Dispose()
        {
            if (_slave >= 0)
            {
                _ = close(_slave);
                _slave = -1;
            }

            if (_master >= 0)
            {
                _ = close(_master);
                _master = -1;
            }
        }

        [LibraryImport("libc", SetLastError = true)]
        private static partial int openpty(out int master, out int slave, nint name, nint termios, nint winsize);

        [LibraryImport("libc")]
        private static partial nint ttyname(int fd);

        [LibraryImport("libc", SetLastError = true)]
        private static unsafe partial nint write(int fd, byte* buffer, nint count);

        [LibraryImport("libc")]
        private static partial int close(int fd);
    }
}
