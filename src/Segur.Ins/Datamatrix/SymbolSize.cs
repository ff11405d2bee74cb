namespace Segur.Ins.Datamatrix;

/// <summary>One square ECC200 symbol size (ISO/IEC 16022 table 7).</summary>
internal sealed record SymbolSize(int Size, int RegionsPerSide, int DataCodewords, int EccCodewords, int Blocks)
{
    /// <summary>Every square ECC200 size, smallest first.</summary>
    public static readonly IReadOnlyList<SymbolSize> All =
    [
        new(10, 1, 3, 5, 1),
        new(12, 1, 5, 7, 1),
        new(14, 1, 8, 10, 1),
        new(16, 1, 12, 12, 1),
        new(18, 1, 18, 14, 1),
        new(20, 1, 22, 18, 1),
        new(22, 1, 30, 20, 1),
        new(24, 1, 36, 24, 1),
        new(26, 1, 44, 28, 1),
        new(32, 2, 62, 36, 1),
        new(36, 2, 86, 42, 1),
        new(40, 2, 114, 48, 1),
        new(44, 2, 144, 56, 1),
        new(48, 2, 174, 68, 1),
        new(52, 2, 204, 84, 2),
        new(64, 4, 280, 112, 2),
        new(72, 4, 368, 144, 4),
        new(80, 4, 456, 192, 4),
        new(88, 4, 576, 224, 4),
        new(96, 4, 696, 272, 4),
        new(104, 4, 816, 336, 6),
        new(120, 6, 1050, 408, 6),
        new(132, 6, 1304, 496, 8),
        new(144, 6, 1558, 620, 10),
    ];

    /// <summary>Data modules per region side (without the finder and timing patterns).</summary>
    public int RegionSize => Size / RegionsPerSide - 2;

    /// <summary>Side of the mapping matrix (all data regions together).</summary>
    public int MappingSize => RegionsPerSide * RegionSize;

    /// <summary>Error-correction codewords per interleaved block.</summary>
    public int EccPerBlock => EccCodewords / Blocks;
}
