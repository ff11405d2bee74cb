namespace Segur.Cps.Apdu;

/// <summary>An ISO 7816-4 command APDU (CLA INS P1 P2 [Lc data] [Le]), short or extended length.</summary>
public sealed class CommandApdu
{
    /// <summary>Creates a command.</summary>
    /// <param name="cla">Class byte.</param>
    /// <param name="ins">Instruction byte.</param>
    /// <param name="p1">Parameter 1.</param>
    /// <param name="p2">Parameter 2.</param>
    /// <param name="data">Command data (Nc bytes, up to 65535).</param>
    /// <param name="ne">Expected response length Ne (null: none; 256 short / 65536 extended means "all").</param>
    /// <exception cref="ArgumentOutOfRangeException">Data longer than 65535 bytes or Ne outside 1..65536.</exception>
    public CommandApdu(byte cla, byte ins, byte p1, byte p2, ReadOnlyMemory<byte> data = default, int? ne = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, 65535, nameof(data));
        if (ne is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(ne));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 65536, nameof(ne));
        }

        Cla = cla;
        Ins = ins;
        P1 = p1;
        P2 = p2;
        Data = data;
        Ne = ne;
    }

    /// <summary>Class byte (logical channel in its low bits).</summary>
    public byte Cla { get; }

    /// <summary>Instruction byte.</summary>
    public byte Ins { get; }

    /// <summary>Parameter 1.</summary>
    public byte P1 { get; }

    /// <summary>Parameter 2.</summary>
    public byte P2 { get; }

    /// <summary>Command data.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Expected response length (null: no response data expected).</summary>
    public int? Ne { get; }

    /// <summary>Whether this command needs extended length encoding (data over 255 bytes or Ne over 256).</summary>
    public bool IsExtended => Data.Length > 255 || Ne > 256;

    /// <summary>Whether the command holds sensitive data (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) that
    /// must never be traced.</summary>
    public bool IsSensitive => Ins is 0x20 or 0x24 or 0x2C;

    /// <summary>Returns a copy with another Ne (used to re-send after <c>6C xx</c>).</summary>
    /// <param name="ne">The new expected length.</param>
    /// <returns>The new command.</returns>
    public CommandApdu WithNe(int? ne) => new(Cla, Ins, P1, P2, Data, ne);

    /// <summary>Encodes the command (ISO 7816-4 §5.1 cases 1 to 4, short or extended).</summary>
    /// <param name="omitLe">Leave Le out (case-4 commands on T=0, where the card answers <c>61 xx</c>).</param>
    /// <returns>The APDU bytes.</returns>
    public byte[] ToBytes(bool omitLe = false)
    {
        var ne = omitLe && Data.Length > 0 ? null : Ne;
        var extended = Data.Length > 255 || ne > 256;
        var length = 4;
        if (Data.Length > 0)
        {
            length += (extended ? 3 : 1) + Data.Length;
        }

        if (ne is not null)
        {
            length += extended ? (Data.Length > 0 ? 2 : 3) : 1;
        }

        var bytes = new byte[length];
        bytes[0] = Cla;
        bytes[1] = Ins;
        bytes[2] = P1;
        bytes[3] = P2;
        var at = 4;
        if (Data.Length > 0)
        {
            if (extended)
            {
                bytes[at++] = 0;
                bytes[at++] = (byte)(Data.Length >> 8);
                bytes[at++] = (byte)Data.Length;
            }
            else
            {
                bytes[at++] = (byte)Data.Length;
            }

            Data.Span.CopyTo(bytes.AsSpan(at));
            at += Data.Length;
        }

        if (ne is { } n)
        {
            if (extended)
            {
                if (Data.Length == 0)
                {
                    bytes[at++] = 0;
                }

                var le = n == 65536 ? 0 : n;
                bytes[at++] = (byte)(le >> 8);
                bytes[at] = (byte)le;
            }
            else
            {
                bytes[at] = (byte)(n == 256 ? 0 : n);
            }
        }

        return bytes;
    }

    /// <summary>A header-only description for traces: never the data (which may hold a PIN).</summary>
    /// <returns>e.g. <c>00 A4 04 0C Lc=13</c>.</returns>
    public override string ToString() => $"{Cla:X2} {Ins:X2} {P1:X2} {P2:X2} Lc={Data.Length} Ne={(Ne?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")}";
}
