using System.Globalization;

namespace Segur.Cps.Apdu;

/// <summary>An ISO 7816-4 status word (SW1 SW2).</summary>
/// <param name="Value">The two bytes as a big-endian number, e.g. <c>0x9000</c>.</param>
public readonly record struct StatusWord(ushort Value)
{
    /// <summary><c>90 00</c>: success.</summary>
    public static StatusWord Success => new(0x9000);

    /// <summary>Creates a status word from its two bytes.</summary>
    /// <param name="sw1">SW1.</param>
    /// <param name="sw2">SW2.</param>
    public StatusWord(byte sw1, byte sw2)
        : this((ushort)((sw1 << 8) | sw2))
    {
    }

    /// <summary>SW1.</summary>
    public byte Sw1 => (byte)(Value >> 8);

    /// <summary>SW2.</summary>
    public byte Sw2 => (byte)Value;

    /// <summary>Whether the command succeeded (<c>90 00</c>).</summary>
    public bool IsSuccess => Value == 0x9000;

    /// <summary>Whether more data waits for GET RESPONSE (<c>61 xx</c>).</summary>
    public bool IsMoreDataAvailable => Sw1 == 0x61;

    /// <summary>Whether the card asks to re-send with Le = SW2 (<c>6C xx</c>).</summary>
    public bool IsWrongLength => Sw1 == 0x6C;

    /// <summary>For <c>63 Cx</c> (verification failed), the number of tries left; otherwise null.</summary>
    public int? RemainingTries => Sw1 == 0x63 && (Sw2 & 0xF0) == 0xC0 ? Sw2 & 0x0F : null;

    /// <summary>The status word as <c>"90 00"</c>.</summary>
    /// <returns>The hexadecimal text.</returns>
    public override string ToString() => $"{Sw1.ToString("X2", CultureInfo.InvariantCulture)} {Sw2.ToString("X2", CultureInfo.InvariantCulture)}";
}
