using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Segur.Cps.Serial;

/// <summary>An open serial port read with a timeout (own layer: System.IO.Ports is not available to the SDK).</summary>
internal abstract class SerialPortConnection : IDisposable
{
    /// <summary>Opens and configures a port.</summary>
    /// <exception cref="SegurCardException"><see cref="CpsErrorCodes.SerialPortOpenFailed"/> or <see cref="CpsErrorCodes.SerialPortConfigurationFailed"/>.</exception>
    public static SerialPortConnection Open(SerialPortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.DataBits is not (7 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "DataBits must be 7 or 8.");
        }

        return OperatingSystem.IsWindows() ? WindowsSerialPort.OpenPort(settings) : UnixSerialPort.OpenPort(settings);
    }

    /// <summary>Reads what is available, waiting at most <paramref name="timeoutMs"/>; 0 on timeout.</summary>
    /// <exception cref="SegurCardException">The device went away (<see cref="CpsErrorCodes.SerialPortReadFailed"/>).</exception>
    public abstract int Read(Span<byte> buffer, int timeoutMs);

    public abstract void Dispose();

    protected static SegurCardException OpenFailed(string port, int error) =>
        new(CpsErrorCodes.SerialPortOpenFailed, $"Cannot open serial port '{port}' (error {error}); check the device is connected and the user may access it (Linux: group dialout).", isTransient: true);
}

/// <summary>Linux and macOS: <c>open</c> + termios (opaque buffer, flags at per-OS offsets) + <c>poll</c>/<c>read</c>.</summary>
internal sealed unsafe class UnixSerialPort : SerialPortConnection
{
    private const string Libc = "libc";
    private int _fd;

    private UnixSerialPort(int fd) => _fd = fd;

    public static UnixSerialPort OpenPort(SerialPortSettings settings)
    {
        var mac = OperatingSystem.IsMacOS();
        int flags = mac ? 0x2 | 0x20000 | 0x4 : 0x2 | 0x100 | 0x800; // O_RDWR | O_NOCTTY | O_NONBLOCK
        var path = System.Text.Encoding.UTF8.GetBytes(settings.PortName + "\0");
        int fd;
        fixed (byte* p = path)
        {
            fd = Native.open(p, flags);
        }

        if (fd < 0)
        {
            throw OpenFailed(settings.PortName, Marshal.GetLastPInvokeError());
        }

        try
        {
            Configure(fd, settings, mac);
        }
        catch
        {
            _ = Native.close(fd);
            throw;
        }

        return new UnixSerialPort(fd);
    }

    public override int Read(Span<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        var poll = stackalloc int[2];
        poll[0] = _fd;
        poll[1] = 0x0001; // events = POLLIN, revents = 0
        var ready = Native.poll(poll, 1, timeoutMs);
        if (ready == 0)
        {
            return 0;
        }

        if (ready < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 4 ? 0 : throw ReadFailed(errno); // EINTR
        }

        var revents = (short)(poll[1] >> 16);
        nint n;
        fixed (byte* p = buffer)
        {
            n = Native.read(_fd, p, buffer.Length);
        }

        if (n > 0)
        {
            return (int)n;
        }

        var error = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (n < 0 && error is 11 or 35 && (revents & 0x38) == 0)
        {
            return 0; // EAGAIN (Linux 11, macOS 35)
        }

        // 0 bytes after POLLIN, EIO or POLLHUP/POLLERR: the device disappeared.
        throw ReadFailed(error);
    }

    public override void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Native.close(fd);
        }
    }

    /// <summary>The <c>c_cflag</c> offset and bits inside <c>struct termios</c> (Linux: 32-bit flags; macOS: 64-bit).</summary>
    internal static (int Offset, int Width, uint Csize, uint Cs7, uint Cs8, uint Cstopb, uint Cread, uint Parenb, uint Parodd, uint Clocal) CflagLayout(bool mac) =>
        mac ? (16, 8, 0x300u, 0x200u, 0x300u, 0x400u, 0x800u, 0x1000u, 0x2000u, 0x8000u)
            : (8, 4, 0x30u, 0x20u, 0x30u, 0x40u, 0x80u, 0x100u, 0x200u, 0x800u);

    /// <summary>The speed value for <c>cfsetispeed</c>: Linux <c>Bxxx</c> constants, macOS the baud rate itself.</summary>
    internal static nuint SpeedValue(int baud, bool mac) => mac ? (nuint)baud : baud switch
    {
        1200 => 9,
        2400 => 11,
        4800 => 12,
        9600 => 13,
        19200 => 14,
        38400 => 15,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        _ => throw new ArgumentOutOfRangeException(nameof(baud), $"Unsupported baud rate {baud}."),
    };

    private static void Configure(int fd, SerialPortSettings settings, bool mac)
    {
        var termios = stackalloc byte[256];
        new Span<byte>(termios, 256).Clear();
        if (Native.tcgetattr(fd, termios) != 0)
        {
            // Not a terminal device (a plain file or socket): nothing to configure.
            throw new SegurCardException(CpsErrorCodes.SerialPortConfigurationFailed, $"'{settings.PortName}' is not a serial device (tcgetattr error {Marshal.GetLastPInvokeError()}).");
        }

        Native.cfmakeraw(termios);
        var speed = SpeedValue(settings.BaudRate, mac);
        _ = Native.cfsetispeed(termios, speed);
        _ = Native.cfsetospeed(termios, speed);

        var l = CflagLayout(mac);
        var span = new Span<byte>(termios + l.Offset, l.Width);
        ulong cflag = l.Width == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
        cflag &= ~(ulong)(l.Csize | l.Cstopb | l.Parenb | l.Parodd);
        cflag |= l.Cread | l.Clocal | (settings.DataBits == 7 ? l.Cs7 : l.Cs8);
        if (settings.StopBits == SerialStopBits.Two)
        {
            cflag |= l.Cstopb;
        }

        if (settings.Parity != SerialParity.None)
        {
            cflag |= l.Parenb | (settings.Parity == SerialParity.Odd ? l.Parodd : 0);
        }

        if (l.Width == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, cflag);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)cflag);
        }

        if (Native.tcsetattr(fd, 0, termios) != 0)
        {
            throw new SegurCardException(CpsErrorCodes.SerialPortConfigurationFailed, $"Cannot apply the settings to '{settings.PortName}' (tcsetattr error {Marshal.GetLastPInvokeError()}).");
        }
    }

    private static SegurCardException ReadFailed(int errno) =>
        new(CpsErrorCodes.SerialPortReadFailed, $"Reading the serial port failed (errno {errno}); the device was probably unplugged.", isTransient: true);

    private static class Native
    {
        [DllImport(Libc, SetLastError = true)]
        public static extern int open(byte* path, int flags);

        [DllImport(Libc, SetLastError = true)]
        public static extern int close(int fd);

        [DllImport(Libc, SetLastError = true)]
        public static extern nint read(int fd, byte* buffer, nint count);

        [DllImport(Libc, SetLastError = true)]
        public static extern int poll(int* fds, nuint count, int timeout);

        [DllImport(Libc, SetLastError = true)]
        public static extern int tcgetattr(int fd, byte* termios);

        [DllImport(Libc, SetLastError = true)]
        public static extern int tcsetattr(int fd, int optionalActions, byte* termios);

        [DllImport(Libc)]
        public static extern void cfmakeraw(byte* termios);

        [DllImport(Libc)]
        public static extern int cfsetispeed(byte* termios, nuint speed);

        [DllImport(Libc)]
        public static extern int cfsetospeed(byte* termios, nuint speed);
    }
}

/// <summary>Windows: <c>CreateFile("\\.\COMn")</c> + <c>SetCommState</c> + <c>SetCommTimeouts</c> + <c>ReadFile</c>.</summary>
internal sealed unsafe class WindowsSerialPort : SerialPortConnection
{
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;
    private int _timeout = -1;

    private WindowsSerialPort(Microsoft.Win32.SafeHandles.SafeFileHandle handle) => _handle = handle;

    public static WindowsSerialPort OpenPort(SerialPortSettings settings)
    {
        var name = settings.PortName.StartsWith(@"\\", StringComparison.Ordinal) ? settings.PortName : @"\\.\" + settings.PortName;
        nint raw;
        fixed (char* n = name)
        {
            raw = Native.CreateFileW(n, 0xC0000000, 0, 0, 3, 0, 0); // GENERIC_READ|WRITE, OPEN_EXISTING
        }

        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(raw, ownsHandle: true);
        if (handle.IsInvalid)
        {
            throw OpenFailed(settings.PortName, Marshal.GetLastPInvokeError());
        }

        // DCB: DCBlength, BaudRate, flags (fBinary), wReserved, XonLim, XoffLim, ByteSize, Parity, StopBits, chars…
        var dcb = stackalloc byte[28];
        new Span<byte>(dcb, 28).Clear();
        *(uint*)dcb = 28;
        if (!Native.GetCommState(handle.DangerousGetHandle(), dcb))
        {
            handle.Dispose();
            throw new SegurCardException(CpsErrorCodes.SerialPortConfigurationFailed, $"'{settings.PortName}' is not a serial device (GetCommState error {Marshal.GetLastPInvokeError()}).");
        }

        *(uint*)(dcb + 4) = (uint)settings.BaudRate;
        *(uint*)(dcb + 8) = 0x1 | (settings.Parity != SerialParity.None ? 0x2u : 0u); // fBinary, fParity
        dcb[18] = (byte)settings.DataBits;
        dcb[19] = settings.Parity switch { SerialParity.Odd => 1, SerialParity.Even => 2, _ => 0 };
        dcb[20] = settings.StopBits == SerialStopBits.Two ? (byte)2 : (byte)0;
        if (!Native.SetCommState(handle.DangerousGetHandle(), dcb))
        {
            handle.Dispose();
            throw new SegurCardException(CpsErrorCodes.SerialPortConfigurationFailed, $"Cannot apply the settings to '{settings.PortName}' (SetCommState error {Marshal.GetLastPInvokeError()}).");
        }

        return new WindowsSerialPort(handle);
    }

    public override int Read(Span<byte> buffer, int timeoutMs)
    {
        if (_timeout != timeoutMs)
        {
            // ReadIntervalTimeout = MAXDWORD with multiplier MAXDWORD: return at once when bytes arrive, else after the constant.
            var timeouts = stackalloc uint[5] { uint.MaxValue, uint.MaxValue, (uint)Math.Max(1, timeoutMs), 0, 0 };
            if (!Native.SetCommTimeouts(_handle.DangerousGetHandle(), timeouts))
            {
                throw new SegurCardException(CpsErrorCodes.SerialPortReadFailed, $"SetCommTimeouts failed (error {Marshal.GetLastPInvokeError()}).", isTransient: true);
            }

            _timeout = timeoutMs;
        }

        uint read;
        bool ok;
        fixed (byte* p = buffer)
        {
            ok = Native.ReadFile(_handle.DangerousGetHandle(), p, (uint)buffer.Length, &read, 0);
        }

        return ok ? (int)read : throw new SegurCardException(CpsErrorCodes.SerialPortReadFailed, $"Reading the serial port failed (error {Marshal.GetLastPInvokeError()}); the device was probably unplugged.", isTransient: true);
    }

    public override void Dispose() => _handle.Dispose();

    private static class Native
    {
        [DllImport("kernel32.dll", SetLastError = true)]
        public static extern nint CreateFileW(char* name, uint access, uint share, nint security, uint creation, uint flags, nint template);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool GetCommState(nint handle, byte* dcb);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool SetCommState(nint handle, byte* dcb);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool SetCommTimeouts(nint handle, uint* timeouts);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool ReadFile(nint handle, byte* buffer, uint count, uint* read, nint overlapped);
    }
}
