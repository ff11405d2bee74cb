namespace Segur.Ins.Datamatrix;

/// <summary>How the Data Matrix encoder writes text into codewords.</summary>
public enum DataMatrixEncodation
{
    /// <summary>C40 throughout (three characters in two codewords), as the INS Datamatrix requires for its header.</summary>
    C40,

    /// <summary>C40, switching to ASCII digit pairs for digit runs long enough to save space (a forced C40 prefix, such
    /// as the INS header, is never switched).</summary>
    Mixed,
}

/// <summary>
/// A square ECC200 Data Matrix symbol, encoded by the SDK's own encoder (C40 / ASCII digit pairs, Reed-Solomon over
/// GF(256), interleaved blocks, ISO/IEC 16022 module placement), with PNG and SVG output.
/// </summary>
public sealed class DataMatrixSymbol
{
    private readonly bool[] _modules;

    private DataMatrixSymbol(int size, bool[] modules, int dataCodewords, byte[] codewords)
    {
        Size = size;
        _modules = modules;
        DataCodewordCount = dataCodewords;
        Codewords = codewords;
    }

    /// <summary>Modules per side, finder and timing patterns included, quiet zone excluded (10 to 144).</summary>
    public int Size { get; }

    /// <summary>How many data codewords the symbol holds (data and padding, without error correction).</summary>
    public int DataCodewordCount { get; }

    /// <summary>All codewords in placement order: data (padded) then interleaved error correction.</summary>
    public IReadOnlyList<byte> Codewords { get; }

    /// <summary>The square sizes the encoder supports (10x10 to 144x144).</summary>
    public static IReadOnlyList<int> SupportedSizes { get; } = SymbolSize.All.Select(s => s.Size).ToArray();

    /// <summary>Whether the module at column <paramref name="x"/>, row <paramref name="y"/> (from the top left) is dark.</summary>
    /// <param name="x">Column, 0 to <see cref="Size"/> − 1.</param>
    /// <param name="y">Row, 0 to <see cref="Size"/> − 1.</param>
    /// <returns>Whether the module is dark.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Outside the symbol.</exception>
    public bool IsDark(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Size);
        return _modules[(y * Size) + x];
    }

    /// <summary>Encodes text in the smallest square symbol that holds it.</summary>
    /// <param name="text">ASCII text (0–127), for example an INS Datamatrix content with its GS (0x1D) separators.</param>
    /// <param name="encodation">The encodation. Default: <see cref="DataMatrixEncodation.C40"/>.</param>
    /// <param name="minimumSize">The smallest side to use, for a uniform print size (0: the smallest that fits).</param>
    /// <returns>The symbol.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumSize"/> is above 144.</exception>
    /// <exception cref="SegurValidationException">A non-ASCII character (<see cref="InsErrorCodes.SymbolCharacters"/>) or too
    /// much data (<see cref="InsErrorCodes.SymbolCapacityExceeded"/>).</exception>
    public static DataMatrixSymbol Encode(string text, DataMatrixEncodation encodation = DataMatrixEncodation.C40, int minimumSize = 0) =>
        Encode(text, encodation, 0, minimumSize);

    /// <summary>Writes the symbol as a black-and-white PNG.</summary>
    /// <param name="moduleSize">Pixels per module. Default: 4.</param>
    /// <param name="quietZone">Light modules around the symbol (at least 1). Default: 2.</param>
    /// <returns>The PNG file bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="moduleSize"/> is not 1 to 100, or
    /// <paramref name="quietZone"/> not 1 to 100.</exception>
    public byte[] ToPng(int moduleSize = 4, int quietZone = 2)
    {
        CheckRendering(moduleSize, quietZone);
        return PngWriter.Write(this, moduleSize, quietZone);
    }

    /// <summary>Writes the symbol as an SVG document (one path, crisp edges), sized in pixels.</summary>
    /// <param name="moduleSize">Pixels per module. Default: 4.</param>
    /// <param name="quietZone">Light modules around the symbol (at least 1). Default: 2.</param>
    /// <returns>The SVG document.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="moduleSize"/> is not 1 to 100, or
    /// <paramref name="quietZone"/> not 1 to 100.</exception>
    public string ToSvg(int moduleSize = 4, int quietZone = 2)
    {
        CheckRendering(moduleSize, quietZone);
        return SvgWriter.Write(this, moduleSize, quietZone);
    }

    internal static DataMatrixSymbol Encode(string text, DataMatrixEncodation encodation, int c40Prefix, int minimumSize)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumSize, 144);
        if (!Enum.IsDefined(encodation))
        {
            throw new ArgumentOutOfRangeException(nameof(encodation));
        }

        var encoded = DataMatrixEncoder.Encode(text, encodation, c40Prefix, minimumSize);
        var size = encoded.Size;
        var all = AddErrorCorrection(encoded.Codewords, size);
        var mapping = Placement.Place(all, size.MappingSize);
        var modules = new bool[size.Size * size.Size];
        var n = size.RegionSize;
        var blockSide = n + 2;
        for (var y = 0; y < size.Size; y++)
        {
            for (var x = 0; x < size.Size; x++)
            {
                var bx = x % blockSide;
                var by = y % blockSide;
                bool dark;
                if (bx == 0 || by == blockSide - 1)
                {
                    dark = true; // L-shaped finder: left column and bottom row of each region.
                }
                else if (by == 0)
                {
                    dark = bx % 2 == 0; // Top timing pattern.
                }
                else if (bx == blockSide - 1)
                {
                    dark = by % 2 == 1; // Right timing pattern.
                }
                else
                {
                    var row = ((y / blockSide) * n) + by - 1;
                    var col = ((x / blockSide) * n) + bx - 1;
                    dark = mapping[(row * size.MappingSize) + col];
                }

                modules[(y * size.Size) + x] = dark;
            }
        }

        return new DataMatrixSymbol(size.Size, modules, size.DataCodewords, all);
    }

    private static byte[] AddErrorCorrection(byte[] data, SymbolSize size)
    {
        var blocks = size.Blocks;
        var eccPerBlock = size.EccPerBlock;
        var result = new byte[size.DataCodewords + size.EccCodewords];
        data.CopyTo(result, 0);
        for (var b = 0; b < blocks; b++)
        {
            var blockData = new List<byte>((size.DataCodewords / blocks) + 1);
            for (var i = b; i < data.Length; i += blocks)
            {
                blockData.Add(data[i]);
            }

            var ecc = ReedSolomon.Compute(blockData.ToArray(), eccPerBlock);
            for (var j = 0; j < eccPerBlock; j++)
            {
                result[size.DataCodewords + b + (j * blocks)] = ecc[j];
            }
        }

        return result;
    }

    private static void CheckRendering(int moduleSize, int quietZone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(moduleSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(moduleSize, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(quietZone, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quietZone, 100);
    }
}
