using System.Globalization;
using Segur.Ins;
using Segur.Ins.Datamatrix;

namespace Segur.IntegrationTests.Ins;

/// <summary>
/// Symbols produced by the SDK's own ECC200 encoder are decoded by two independent decoders (zxing-cpp and libdmtx)
/// and must give back exactly the content encoded, GS bytes included.
/// </summary>
public sealed class InsDatamatrixDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("segur-dm-").FullName;

    public static TheoryData<string> Encodations => new() { nameof(DataMatrixEncodation.C40), nameof(DataMatrixEncodation.Mixed) };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [IntegrationFact("SEGUR_TEST_ZXINGREADER", "SEGUR_TEST_DMTXREAD")]
    public void InsIdentities_DecodedByZxingAndLibdmtx_GiveTheExactContent()
    {
        var identities = Identities();
        Assert.True(identities.Count >= 30);
        var sizes = new SortedSet<int>();
        var failures = new List<string>();
        foreach (var (name, ins) in identities)
        {
            var content = InsDatamatrix.CreateContent(ins);
            foreach (var encodation in new[] { DataMatrixEncodation.C40, DataMatrixEncodation.Mixed })
            {
                var symbol = InsDatamatrix.CreateSymbol(ins, encodation);
                sizes.Add(symbol.Size);
                var png = Path.Combine(_dir, $"{name}-{encodation}.png");
                File.WriteAllBytes(png, symbol.ToPng(moduleSize: 4, quietZone: 2));
                Check(failures, $"{name}/{encodation}/zxing", content, Decoders.ZXing(png));
                Check(failures, $"{name}/{encodation}/dmtx", content, Decoders.Dmtx(png));
            }

            // What a scanner returns parses back to the same identity.
            var parsed = InsDatamatrix.ParseContent(content);
            Assert.Equal(ins.Traits, parsed.Traits);
            Assert.Equal(ins.Matricule, parsed.Matricule);
            Assert.Same(ins.Oid, parsed.Oid);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(sizes.Count >= 3, "The identities should span several symbol sizes: " + string.Join(",", sizes));
    }

    [IntegrationFact("SEGUR_TEST_ZXINGREADER", "SEGUR_TEST_DMTXREAD")]
    public void SvgAndModuleSizes_PngAtSeveralScales_DecodeIdentically()
    {
        var (_, ins) = Identities()[0];
        var content = InsDatamatrix.CreateContent(ins);
        var failures = new List<string>();
        foreach (var moduleSize in new[] { 2, 3, 5, 8 })
        {
            var png = Path.Combine(_dir, $"scale-{moduleSize}.png");
            File.WriteAllBytes(png, InsDatamatrix.CreateSymbol(ins).ToPng(moduleSize, quietZone: 1));
            Check(failures, $"m{moduleSize}/zxing", content, Decoders.ZXing(png));
            Check(failures, $"m{moduleSize}/dmtx", content, Decoders.Dmtx(png));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every size the encoder claims, reached by natural size selection (text that just fits) and by a forced
    /// minimum size, with characters from every C40 set (basic, shift 1 GS, shift 2 punctuation, shift 3 lower case).
    /// zxing-cpp 1.4.0 cannot read any 144x144 symbol (not even libdmtx's own), so 144x144 is checked with libdmtx and
    /// against libdmtx's encoder in <see cref="AllSizes_CodewordsMatchLibdmtxEncoder"/>.</summary>
    [IntegrationFact("SEGUR_TEST_ZXINGREADER", "SEGUR_TEST_DMTXREAD")]
    public void AllSizes_DecodedByBothDecoders()
    {
        var failures = new List<string>();
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
        foreach (var size in DataMatrixSymbol.SupportedSizes)
        {
            var capacity = SizeCapacity(size);
            var n = (capacity - 1) * 3 / 2; // basic-set characters: 230 + 2 codewords per 3 characters
            var text = string.Concat(Enumerable.Range(0, n).Select(i => alphabet[(i * 7 + size) % alphabet.Length]));
            var natural = DataMatrixSymbol.Encode(text);
            Assert.Equal(size, natural.Size);
            var special = "IS01\u001DS3JEANNE MARIE-ANGE\u001DS4D'ORNANO-MARTIN.abc{}~" + size.ToString(CultureInfo.InvariantCulture);
            foreach (var (label, content, symbol) in new[]
            {
                ("natural", text, natural),
                ("mixed", text, DataMatrixSymbol.Encode(text, DataMatrixEncodation.Mixed)),
                ("forced", special, DataMatrixSymbol.Encode(special, DataMatrixEncodation.C40, minimumSize: size)),
            })
            {
                var png = Path.Combine(_dir, $"size{size}-{label}.png");
                File.WriteAllBytes(png, symbol.ToPng(moduleSize: size > 100 ? 3 : 4, quietZone: 2));
                if (size < 144)
                {
                    Check(failures, $"{size}/{label}/zxing", content, Decoders.ZXing(png));
                }

                Check(failures, $"{size}/{label}/dmtx", content, Decoders.Dmtx(png));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The codewords libdmtx reads from our symbols equal those it reads from symbols its own encoder made
    /// (data, padding, Reed-Solomon and block interleaving), for every size including 144x144.</summary>
    [IntegrationFact("SEGUR_TEST_DMTXREAD", "SEGUR_TEST_DMTXWRITE")]
    public void AllSizes_CodewordsMatchLibdmtxEncoder()
    {
        var failures = new List<string>();
        foreach (var size in DataMatrixSymbol.SupportedSizes)
        {
            const string text = "ABC"; // one C40 triplet: 3 codewords, fits 10x10 exactly; padding fills the rest
            var ours = Path.Combine(_dir, $"ours{size}.png");
            var theirs = Path.Combine(_dir, $"theirs{size}.png");
            File.WriteAllBytes(ours, DataMatrixSymbol.Encode(text, DataMatrixEncodation.C40, minimumSize: size).ToPng(3, 2));
            Decoders.DmtxWrite(text, size, theirs);
            var expected = Decoders.DmtxCodewords(theirs);
            var actual = Decoders.DmtxCodewords(ours);
            if (expected != actual || string.IsNullOrWhiteSpace(actual))
            {
                failures.Add($"{size}x{size}: codewords differ from libdmtx's encoder");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static int SizeCapacity(int size) => size switch
    {
        10 => 3, 12 => 5, 14 => 8, 16 => 12, 18 => 18, 20 => 22, 22 => 30, 24 => 36, 26 => 44, 32 => 62, 36 => 86, 40 => 114,
        44 => 144, 48 => 174, 52 => 204, 64 => 280, 72 => 368, 80 => 456, 88 => 576, 96 => 696, 104 => 816, 120 => 1050,
        132 => 1304, 144 => 1558, _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    private static void Check(List<string> failures, string label, string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            failures.Add($"{label}: expected [{Escape(expected)}] got [{Escape(actual)}]");
        }
    }

    private static string Escape(string s) => s.Replace("\u001D", "<GS>", StringComparison.Ordinal);

    private static List<(string Name, QualifiedIns Ins)> Identities()
    {
        var rows = new (string Birth, string Given, InsSex Sex, string Date, string? Place, string Number, InsOid Oid)[]
        {
            ("D'ORNANO-MARTIN", "JEANNE MARIE-ANGE", InsSex.Female, "1985-03-14", "2A004", "285032A004123", InsOid.TestNir),
            ("ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26", "2A020", "297022A020778", InsOid.Nir),
            ("ADRTROIS", "TOUSSAINT", InsSex.Male, "1960-01-01", "2B020", "160012B020777", InsOid.Nir),
            ("CORSE", "ANTHONY", InsSex.Male, "1990-05-12", "2B020", "190052B020123", InsOid.Nir),
            ("TCHITCHI", "CATARINA BELLA", InsSex.Female, "1936-06-21", "63220", "2360663220836", InsOid.Nir),
            ("NESSI", "MICHELANGELO", InsSex.Male, "2010-08-07", "63220", "1100863220830", InsOid.Nir),
            ("ECETINSI", "PIERRE-ALAIN MURIEL FLORIANT", InsSex.Male, "2009-07-14", "63220", "1090763220834", InsOid.Nir),
            ("ADRUN", "ZOE", InsSex.Female, "1975-12-31", "63220", "2751263220123", InsOid.Nir),
            ("DE VINCI", "LEONARDO", InsSex.Male, "2014-02-01", null, "1140299134001", InsOid.Nir),
            ("HOUILLES", "PIERRE PAUL JACQUES", InsSex.Male, "1993-01-27", null, "1930175056789", InsOid.Nir),
            ("ADRDEUX", "LAURENT", InsSex.Male, "1981-01-01", null, "1810175123456", InsOid.Nir),
            ("PATB-QUATRE", "LAURENCE", InsSex.Female, "1907-05-25", "75056", "2070575056001", InsOid.Nir),
            ("PROVISOIRE", "MATRICULE", InsSex.Male, "2001-01-01", null, "7010199999001", InsOid.Nia),
            ("DUPONT--DURAND", "MARIE", InsSex.Female, "1950-10-10", "13055", "2501013055042", InsOid.Nir),
            ("'T HOOFT", "GERARDUS", InsSex.Male, "1946-07-05", "99135", "1460799135010", InsOid.Nir),
            ("N'DIAYE", "AMINATA N'DEYE", InsSex.Female, "1999-11-30", "99341", "2991199341777", InsOid.Nir),
            ("LE GOFF", "YANN-ERWAN", InsSex.Male, "1988-08-08", "29019", "1880829019321", InsOid.Nir),
            ("O", "E", InsSex.Female, "2020-02-29", null, "2200275056999", InsOid.Nir),
            ("MARTIN", "JEAN-CHRISTOPHE PIERRE-MARIE LOUIS", InsSex.Male, "1972-04-18", "69123", "1720469123456", InsOid.DemonstrationNir),
            ("BERNARD", "ANNE", InsSex.Female, "1963-09-09", "2A247", "263092A247001", InsOid.Nir),
            ("SANTONI", "PAUL-FRANCOIS", InsSex.Male, "1955-03-03", "2B033", "155032B033002", InsOid.Nir),
            ("GARCIA-HAMMADI", "SOFIA", InsSex.Female, "2003-06-15", "31555", "2030631555345", InsOid.Nir),
            ("VAN DER BERG", "PIETER JAN", InsSex.Male, "1979-12-01", "99135", "1791299135678", InsOid.Nir),
            ("DA SILVA SANTOS", "MARIA DA CONCEICAO", InsSex.Female, "1968-02-14", "99139", "2680299139111", InsOid.Nir),
            ("SSSSSS", "SASKIA S", InsSex.Female, "1991-01-31", "59350", "2910159350222", InsOid.Nir),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRS", "ALEXANDRE", InsSex.Male, "1980-05-05", "75056", "1800575056123", InsOid.Nir),
            ("MONTMORENCY-LAVAL", "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRS", InsSex.Male, "1930-06-30", "75056", "1300675056987", InsOid.Nir),
            (string.Concat(Enumerable.Repeat("D'ABO-", 16)) + "ABCD", string.Concat(Enumerable.Repeat("JEAN-MARIE ", 8)) + "JEAN-MARIE", InsSex.Male, "1945-05-08", "2A004", "145052A004555", InsOid.TestNir),
            (string.Concat(Enumerable.Repeat("DE LA ", 15)) + "ROCHEFOUCA", string.Concat(Enumerable.Repeat("ANNE-SO ", 12)) + "ANNE", InsSex.Female, "2000-01-01", null, "2000199999999", InsOid.DemonstrationNir),
            ("L'HERMITE", "ELOISE", InsSex.Female, "1977-07-07", "2B096", "277072B096333", InsOid.Nir),
            ("DUBOIS", "LEA", InsSex.Female, "2024-12-31", "44109", "2241244109001", InsOid.Nir),
            ("MOREAU-D'ALBERT--SAINT-JUST", "JEAN-BAPTISTE", InsSex.Male, "1961-11-11", "33063", "1611133063444", InsOid.Nir),
        };

        var list = new List<(string, QualifiedIns)>();
        var at = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            var traits = InsTraits.Create(r.Birth, r.Given, r.Sex, BirthDate.ParseIso(r.Date), r.Place);
            var record = IdentityRecord.CreateProvisional(traits, options: new IdentityRecordOptions { AllowTestOids = true });
            var retrieved = InsIdentity.Create(traits, new InsIdentifier(InsMatricule.FromNumber(r.Number), r.Oid));
            record.Qualify(retrieved, new IdentityCheck(IdentityCheck.Passport, at));
            list.Add(($"id{i:00}", record.GetShareableIns()));
        }

        return list;
    }
}
