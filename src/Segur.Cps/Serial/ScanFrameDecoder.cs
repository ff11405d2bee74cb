using System.Text;

namespace Segur.Cps.Serial;

/// <summary>A code read by a 2D scanner.</summary>
/// <param name="Text">The decoded payload, AIM prefix and terminator removed; GS (0x1D) separators kept.</param>
/// <param name="SymbologyIdentifier">The AIM symbology identifier (e.g. <c>]d1</c>, <c>]d2</c>, <c>]Q1</c>), or null
/// when the scanner sends none.</param>
/// <param name="RawBytes">The frame bytes as received, without the terminator.</param>
/// <param name="Timestamp">When the frame was complete.</param>
public sealed record ScannedCode(string Text, string? SymbologyIdentifier, ReadOnlyMemory<byte> RawBytes, DateTimeOffset Timestamp)
{
    /// <summary>Whether the symbol is a Data Matrix (<c>]d…</c>), such as the INS Datamatrix.</summary>
    public bool IsDataMatrix => SymbologyIdentifier?.StartsWith("]d", StringComparison.Ordinal) == true;

    /// <summary>Whether the symbol is a QR Code (<c>]Q…</c>), such as the ApCV QR code.</summary>
    public bool IsQrCode => SymbologyIdentifier?.StartsWith("]Q", StringComparison.Ordinal) == true;
}

/// <summary>
/// Splits a scanner's byte stream into codes: frames end with CR, LF or CR LF (or an inter-byte pause, see
/// <see cref="Flush"/>); a leading AIM symbology identifier (<c>]</c> + code letter + modifier) is stripped and reported;
/// GS bytes are kept. Not thread-safe.
/// </summary>
public sealed class ScanFrameDecoder
{
    private readonly List<byte> _buffer = [];
    private readonly TimeProvider _time;
    private bool _lastWasCr;

    /// <summary>Creates a decoder.</summary>
    /// <param name="encoding">How payload bytes become text. Default: Latin-1 (every byte maps to one char, GS kept).</param>
    /// <param name="maxFrameLength">Longest accepted frame. Default: 8192 bytes.</param>
    /// <param name="timeProvider">Clock for timestamps. Default: system.</param>
    public ScanFrameDecoder(Encoding? encoding = null, int maxFrameLength = 8192, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 1);
        Encoding = encoding ?? Encoding.Latin1;
        MaxFrameLength = maxFrameLength;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The payload encoding.</summary>
    public Encoding Encoding { get; }

    /// <summary>The longest accepted frame in bytes.</summary>
    public int MaxFrameLength { get; }

    /// <summary>Whether bytes of an unfinished frame are buffered.</summary>
    public bool HasPendingData => _buffer.Count > 0;

    /// <summary>Feeds received bytes and returns the codes they complete.</summary>
    /// <param name="bytes">Bytes from the port.</param>
    /// <returns>Completed codes, possibly none.</returns>
    /// <exception cref="SegurValidationException">A frame exceeds <see cref="MaxFrameLength"/> (<see cref="CpsErrorCodes.ScanFrameTooLong"/>);
    /// the partial frame is dropped.</exception>
    public IReadOnlyList<ScannedCode> Feed(ReadOnlySpan<byte> bytes)
    {
        List<ScannedCode>? codes = null;
        foreach (var b in bytes)
        {
            if (b is 0x0D or 0x0A)
            {
                var crlf = b == 0x0A && _lastWasCr;
                _lastWasCr = b == 0x0D;
                if (!crlf && _buffer.Count > 0)
                {
                    (codes ??= []).Add(Complete());
                }

                continue;
            }

            _lastWasCr = false;
            if (_buffer.Count >= MaxFrameLength)
            {
                _buffer.Clear();
                throw new SegurValidationException(CpsErrorCodes.ScanFrameTooLong, $"A scanned frame exceeds {MaxFrameLength} bytes without a terminator; check the scanner's suffix (CR or CR LF).");
            }

            _buffer.Add(b);
        }

        return codes ?? (IReadOnlyList<ScannedCode>)[];
    }

    /// <summary>Completes a pending frame that has no terminator (the scanner was configured without suffix and paused).</summary>
    /// <returns>The code, or null when nothing is pending.</returns>
    public ScannedCode? Flush() => _buffer.Count > 0 ? Complete() : null;

    /// <summary>Drops a pending partial frame (the device went away in the middle of a frame: its end will never come).</summary>
    /// <returns>Whether bytes were dropped.</returns>
    internal bool DiscardPending()
    {
        var dropped = _buffer.Count > 0;
        _buffer.Clear();
        _lastWasCr = false;
        return dropped;
    }

    /// <summary>Splits an AIM symbology identifier (<c>]</c>, code letter, modifier character) off a frame.</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>The identifier (or null) and the payload.</returns>
    public static (string? Identifier, ReadOnlyMemory<byte> Payload) SplitSymbologyIdentifier(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.Length >= 3 && span[0] == (byte)']' && char.IsAsciiLetter((char)span[1]) && char.IsAsciiLetterOrDigit((char)span[2]))
        {
            return (Encoding.ASCII.GetString(span[..3]), frame[3..]);
        }

        return (null, frame);
    }

    private ScannedCode Complete()
    {
        var raw = _buffer.ToArray();
        _buffer.Clear();
        var (id, payload) = SplitSymbologyIdentifier(raw);
        return new ScannedCode(Encoding.GetString(payload.Span), id, raw, _time.GetUtcNow());
    }
}
