using System.Buffers.Binary;

namespace Segur.Cps;

/// <summary>
/// SHA-256 split between host and card for PSO HASH (CPS3 signature key: the card does the last hash step). The host
/// hashes every complete 64-byte block but the last block of the message and sends the intermediate state (eight
/// big-endian words), the number of bits already hashed (8 bytes, big-endian) and the remaining 1 to 64 bytes; the card
/// pads and finishes. The counter semantics are an assumption (not public): check on a real card.
/// </summary>
internal static class Sha256Partial
{
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private static readonly uint[] Initial = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    /// <summary>The state after the initial value (no byte hashed yet).</summary>
    public static byte[] InitialState => WriteState(Initial);

    /// <summary>Hashes all complete blocks but the last and returns the intermediate state (32 bytes), the bits hashed
    /// and the remaining bytes (1 to 64; empty only for an empty message).</summary>
    public static (byte[] State, ulong BitsHashed, byte[] Remainder) Split(ReadOnlySpan<byte> data)
    {
        var blocks = data.Length == 0 ? 0 : (data.Length - 1) / 64;
        var h = (uint[])Initial.Clone();
        for (var i = 0; i < blocks; i++)
        {
            Compress(h, data.Slice(i * 64, 64));
        }

        return (WriteState(h), (ulong)blocks * 512, data[(blocks * 64)..].ToArray());
    }

    /// <summary>Finishes a hash from an intermediate state, the bits already hashed and the remaining bytes (what the
    /// card does on PSO HASH).</summary>
    public static byte[] Finish(ReadOnlySpan<byte> state, ulong bitsHashed, ReadOnlySpan<byte> remainder)
    {
        if (state.Length != 32 || bitsHashed % 512 != 0)
        {
            throw new ArgumentException("A SHA-256 intermediate state has 32 bytes and a whole number of blocks.", nameof(state));
        }

        var h = new uint[8];
        for (var i = 0; i < 8; i++)
        {
            h[i] = BinaryPrimitives.ReadUInt32BigEndian(state[(i * 4)..]);
        }

        var total = bitsHashed + ((ulong)remainder.Length * 8);
        var tail = new byte[(((remainder.Length + 9) + 63) / 64) * 64];
        remainder.CopyTo(tail);
        tail[remainder.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(tail.AsSpan(tail.Length - 8), total);
        for (var i = 0; i < tail.Length; i += 64)
        {
            Compress(h, tail.AsSpan(i, 64));
        }

        return WriteState(h);
    }

    private static byte[] WriteState(uint[] h)
    {
        var result = new byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(i * 4), h[i]);
        }

        return result;
    }

    private static void Compress(uint[] h, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        for (var i = 16; i < 64; i++)
        {
            var s0 = uint.RotateRight(w[i - 15], 7) ^ uint.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
            var s1 = uint.RotateRight(w[i - 2], 17) ^ uint.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (var i = 0; i < 64; i++)
        {
            var s1 = uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25);
            var ch = (e & f) ^ (~e & g);
            var t1 = hh + s1 + ch + K[i] + w[i];
            var s0 = uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22);
            var maj = (a & b) ^ (a & c) ^ (b & c);
            var t2 = s0 + maj;
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}
