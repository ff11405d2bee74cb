using System.Text.Json;
using System.Xml.Linq;
using Segur.Dmp;
using Segur.Dmp.Tests.Cda;
using Segur.Ins;

namespace Segur.Cli.Tests;

public sealed class CdaCommandTests : IDisposable
{
    private static readonly XNamespace V3 = "urn:hl7-org:v3";
    private readonly string _dir = Directory.CreateTempSubdirectory("segur-cli-cda-").FullName;
    private readonly string _pdf;
    private readonly string _out;

    public CdaCommandTests()
    {
        _pdf = Path.Combine(_dir, "report.pdf");
        _out = Path.Combine(_dir, "n1.xml");
        File.WriteAllBytes(_pdf, CdaTestData.Pdf());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string[] Args(params (string Name, string? Value)[] overrides)
    {
        var values = new List<(string Name, string? Value)>
        {
            ("--pdf", _pdf), ("--out", _out), ("--title", "Compte rendu de consultation"), ("--type-code", "11488-4"),
            ("--matricule", "279035121518989"), ("--oid", "1.2.250.1.213.1.4.10"), ("--birth-name", "PAT-TROIS"),
            ("--first-names", "DOMINIQUE MARIE-LOUISE"), ("--sex", "F"), ("--birth-date", "1979-03-28"), ("--birth-place", "51215"),
            ("--author-id", "899900063480"), ("--author-family", "OFFICINE"), ("--author-given", "Paul"),
            ("--organization-finess", "750012346"), ("--organization-name", "Pharmacie du Test"), ("--author-specialty", "G15_21"),
        };
        foreach (var (name, value) in overrides)
        {
            values.RemoveAll(v => v.Name == name);
            if (value is not null)
            {
                values.Add((name, value));
            }
        }

        return ["cda", "n1", .. values.SelectMany(v => new[] { v.Name, v.Value! })];
    }

    [Fact]
    public async Task N1_ValidArguments_WritesCdaValidAgainstXsd()
    {
        var (exit, output, error) = await RunAsync(Args());

        Assert.True(exit == 0, error);
        Assert.Contains("wrote " + _out, output, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(_out);
        Assert.Empty(CdaTestData.ValidateAgainstXsd(bytes));
        var root = XDocument.Load(new MemoryStream(bytes)).Root!;
        Assert.Equal("Compte rendu de consultation", (string?)root.Element(V3 + "title"));
        var patientIds = root.Descendants(V3 + "patientRole").Single().Elements(V3 + "id").Select(e => (string?)e.Attribute("extension")).ToList();
        Assert.Contains("279035121518989", patientIds);
        Assert.Equal("899900063480", (string?)root.Element(V3 + "author")!.Element(V3 + "assignedAuthor")!.Element(V3 + "id")!.Attribute("extension"));
        Assert.Equal(Convert.ToBase64String(CdaTestData.Pdf()), string.Concat(((string?)root.Descendants(V3 + "text").Single())!.Where(c => !char.IsWhiteSpace(c))));
    }

    [Fact]
    public async Task N1_Json_ReportsIdsAndReplacement()
    {
        var (exit, output, error) = await RunAsync(Args(("--replaces", "2.25.1"), ("--replaces-set-id", "2.25.2"), ("--replaces-version", "1"), ("--confidentiality", "R")).Append("--json").ToArray());

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("2.25.2", json.RootElement.GetProperty("setId").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("versionNumber").GetInt32());
        var root = XDocument.Load(_out).Root!;
        Assert.Equal("RPLC", (string?)root.Element(V3 + "relatedDocument")!.Attribute("typeCode"));
        Assert.Equal("R", (string?)root.Element(V3 + "confidentialityCode")!.Attribute("code"));
    }

    [Fact]
    public async Task N1_MissingOptions_OneLineErrorNamingThem()
    {
        var (exit, _, error) = await RunAsync(Args(("--matricule", null), ("--author-id", null)));

        Assert.Equal(1, exit);
        Assert.Equal("segur cda n1: missing --matricule, --author-id.", error.Trim());
        Assert.False(File.Exists(_out));
    }

    [Theory]
    [InlineData("--matricule", "279035121518988", "SGR-2004")]              // INS key wrong
    [InlineData("--organization-finess", "750012345", DmpErrorCodes.CdaIdentifierInvalid)] // FINESS Luhn key wrong
    [InlineData("--author-id", "899900063481", DmpErrorCodes.CdaIdentifierInvalid)]        // RPPS Luhn key wrong
    [InlineData("--type-code", "99999-9", DmpErrorCodes.CdaCodeNotInValueSet)]
    [InlineData("--sex", "X", InsErrorCodes.SexInvalid)]
    [InlineData("--birth-date", "1979-13-28", InsErrorCodes.BirthDateInvalid)]
    public async Task N1_InvalidValue_OneLineErrorWithCode(string option, string value, string code)
    {
        var (exit, _, error) = await RunAsync(Args((option, value)));

        Assert.Equal(1, exit);
        Assert.StartsWith(code, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(_out));
    }

    [Fact]
    public async Task N1_NotAPdf_ClearError()
    {
        await File.WriteAllTextAsync(_pdf, "hello, not a PDF");

        var (exit, _, error) = await RunAsync(Args());

        Assert.Equal(1, exit);
        Assert.StartsWith(DmpErrorCodes.CdaContentNotPdf, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task N1_LunarBirthDateOrPartialReplacement_OneLineError()
    {
        var lunar = await RunAsync(Args(("--birth-date", "1979-00-00")));
        var partial = await RunAsync(Args(("--replaces", "2.25.1")));

        Assert.Equal(1, lunar.Exit);
        Assert.Contains("lunar", lunar.Error, StringComparison.Ordinal);
        Assert.Equal(1, partial.Exit);
        Assert.Contains("--replaces-set-id", partial.Error, StringComparison.Ordinal);
    }
}
