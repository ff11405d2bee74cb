using BenchmarkDotNet.Attributes;
using Segur.Ins;
using Segur.Ins.Datamatrix;

namespace Segur.Benchmarks;

/// <summary>Cost of printing an INS Datamatrix: content, ECC200 encoding (C40, Reed-Solomon, placement) and PNG/SVG.</summary>
[MemoryDiagnoser]
public class InsDatamatrixBenchmarks
{
    private QualifiedIns _ins = null!;
    private DataMatrixSymbol _symbol = null!;

    [GlobalSetup]
    public void Setup()
    {
        var traits = InsTraits.Create("D'ORNANO-MARTIN", "JEANNE MARIE-ANGE", InsSex.Female, BirthDate.Create(1985, 3, 14), "2A004");
        var record = IdentityRecord.CreateProvisional(traits);
        record.Qualify(
            InsIdentity.Create(traits, new InsIdentifier(InsMatricule.Parse("285032A00412371"), InsOid.Nir)),
            new IdentityCheck(IdentityCheck.NationalIdentityCard, new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)));
        _ins = record.GetShareableIns();
        _symbol = InsDatamatrix.CreateSymbol(_ins);
    }

    [Benchmark(Baseline = true)]
    public int EncodeToPng() => InsDatamatrix.CreateSymbol(_ins).ToPng(moduleSize: 4).Length;

    [Benchmark]
    public int EncodeSymbolOnly() => InsDatamatrix.CreateSymbol(_ins).Size;

    [Benchmark]
    public int RenderSvg() => _symbol.ToSvg(moduleSize: 4).Length;
}
