namespace Segur.Ins.Datamatrix;

/// <summary>Reed-Solomon error correction of ECC200: GF(256) with the primitive polynomial 0x12D, generator
/// polynomial with roots α¹..αᵏ.</summary>
internal static class ReedSolomon
{
    private static readonly int[] Exp = new int[512];
    private static readonly int[] Log = new int[256];

    static ReedSolomon()
    {
        var x = 1;
        for (var i = 0; i < 255; i++)
        {
            Exp[i] = x;
            Log[x] = i;
            x <<= 1;
            if (x >= 256)
            {
                x ^= 0x12D;
            }
        }

        for (var i = 255; i < 512; i++)
        {
            Exp[i] = Exp[i - 255];
        }
    }

    internal static int Multiply(int a, int b) => a == 0 || b == 0 ? 0 : Exp[Log[a] + Log[b]];

    /// <summary>Coefficients g[0..k] of (x − α¹)…(x − αᵏ), g[k] = 1 (highest degree last).</summary>
    internal static int[] Generator(int k)
    {
        var g = new int[k + 1];
        g[0] = 1;
        for (var i = 1; i <= k; i++)
        {
            // Multiply by (x + α^i) (minus is plus in GF(2^8)).
            var root = Exp[i];
            for (var j = i; j >= 1; j--)
            {
                g[j] = g[j - 1] ^ Multiply(g[j], root);
            }

            g[0] = Multiply(g[0], root);
        }

        return g;
    }

    /// <summary>The k error-correction codewords of a block: the remainder of data(x)·xᵏ divided by g(x).</summary>
    internal static byte[] Compute(ReadOnlySpan<byte> data, int k)
    {
        var g = Generator(k);
        var ecc = new int[k];
        foreach (var d in data)
        {
            var feedback = d ^ ecc[k - 1];
            for (var j = k - 1; j > 0; j--)
            {
                ecc[j] = ecc[j - 1] ^ Multiply(feedback, g[j]);
            }

            ecc[0] = Multiply(feedback, g[0]);
        }

        var result = new byte[k];
        for (var j = 0; j < k; j++)
        {
            result[j] = (byte)ecc[k - 1 - j];
        }

        return result;
    }
}
