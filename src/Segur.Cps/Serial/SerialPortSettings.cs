namespace Segur.Cps.Serial;

/// <summary>Parity of a serial line.</summary>
public enum SerialParity
{
    /// <summary>No parity bit (scanners' usual setting).</summary>
    None,

    /// <summary>Odd parity.</summary>
    Odd,

    /// <summary>Even parity.</summary>
    Even,
}

/// <summary>Stop bits of a serial line.</summary>
public enum SerialStopBits
{
    /// <summary>One stop bit.</summary>
    One,

    /// <summary>Two stop bits.</summary>
    Two,
}

/// <summary>How to open a serial port (USB-CDC or RS-232 scanner).</summary>
public sealed class SerialPortSettings
{
    /// <summary>The device: <c>/dev/ttyACM0</c>, <c>/dev/ttyUSB0</c>, <c>/dev/cu.usbmodem…</c> or <c>COM3</c>.</summary>
    public required string PortName { get; init; }

    /// <summary>Baud rate (ignored by USB-CDC devices and ptys). <value>Default: 9600.</value></summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>Data bits, 7 or 8. <value>Default: 8.</value></summary>
    public int DataBits { get; init; } = 8;

    /// <summary>Parity. <value>Default: none.</value></summary>
    public SerialParity Parity { get; init; } = SerialParity.None;

    /// <summary>Stop bits. <value>Default: one.</value></summary>
    public SerialStopBits StopBits { get; init; } = SerialStopBits.One;
}
