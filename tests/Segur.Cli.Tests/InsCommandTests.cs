using System.Text.Json;

namespace Segur.Cli.Tests;

public sealed class InsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("segur-cli-ins-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("297022A020778", "78")]
    [InlineData("160012B020777", "13")]
    [InlineData("1090763220834", "89")]
    public async Task Key_ThirteenCharacters_PrintsTheKey(string number, string key)
    {
        var (exit, output, _) = await RunAsync("ins", "key", number);
        Assert.Equal(0, exit);
        Assert.Equal(key, output.Trim());
    }

    [Fact]
    public async Task Key_FifteenCharacters_ChecksTheKey()
    {
        Assert.Equal(0, (await RunAsync("ins", "key", "297022A02077878")).Exit);
        var (exit, _, error) = await RunAsync("ins", "key", "297022A02077877");
        Assert.Equal(1, exit);
        Assert.Contains("SGR-2004", error, StringComparison.Ordinal);
        Assert.Contains("expected 78", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_BadLength_FailsWithCode()
    {
        var (exit, _, error) = await RunAsync("ins", "key", "12345");
        Assert.Equal(1, exit);
        Assert.StartsWith("SGR-2002", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Json_ReportsValidity()
    {
        var (exit, output, _) = await RunAsync("ins", "check", "236066322083656", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(1, (await RunAsync("ins", "check", "236066322083657")).Exit);
        Assert.Equal(1, (await RunAsync("ins", "check", "2360663220836")).Exit);
    }

    [Fact]
    public async Task Datamatrix_PrintsExactContent_AndWritesImages()
    {
        var png = Path.Combine(_dir, "ins.png");
        var svg = Path.Combine(_dir, "ins.svg");
        var (exit, output, error) = await RunAsync(
            "ins", "datamatrix", "--matricule", "285032A004123", "--oid", "1.2.250.1.213.1.4.10", "--birth-name", "D'ORNANO-MARTIN",
            "--first-names", "JEANNE MARIE-ANGE", "--sex", "F", "--birth-date", "1985-03-14", "--birth-place", "2A004",
            "--png", png, "--svg", svg, "--module-size", "3");
        Assert.True(exit == 0, error);
        Assert.Equal("IS010000000000000000000000S1285032A00412371S21.2.250.1.213.1.4.10S3JEANNE MARIE-ANGE\u001DS4D'ORNANO-MARTIN\u001DS5FS614-03-1985S72A004\n", output);
        Assert.Equal(0x89, File.ReadAllBytes(png)[0]);
        Assert.StartsWith("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datamatrix_NotRnivForm_ProposesNormalisedValues()
    {
        var (exit, _, error) = await RunAsync(
            "ins", "datamatrix", "--ins", "285032A00412371", "--oid", "1.2.250.1.213.1.4.8", "--birth-name", "d’Ornano",
            "--first-names", "Jeanne", "--sex", "F", "--birth-date", "1985-03-14");
        Assert.Equal(1, exit);
        Assert.Contains("--birth-name \"D'ORNANO\"", error, StringComparison.Ordinal);
        Assert.Contains("--first-names \"JEANNE\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datamatrix_BadKey_Fails()
    {
        var (exit, _, error) = await RunAsync(
            "ins", "datamatrix", "--ins", "285032A00412372", "--oid", "1.2.250.1.213.1.4.8", "--birth-name", "MARTIN",
            "--first-names", "JEANNE", "--sex", "F", "--birth-date", "1985-03-14", "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(1, exit);
        Assert.StartsWith("SGR-2004", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.png")));
    }

    [Fact]
    public async Task ParseDatamatrix_File_PrintsIdentityJson()
    {
        var file = Path.Combine(_dir, "scan.txt");
        await File.WriteAllTextAsync(file, "]d1IS010000000000000000000000S1285032A00412371S21.2.250.1.213.1.4.8\u001DS3JEANNE MARIE-ANGE\u001DS4D'ORNANO-MARTIN\u001DS5FS614-03-1985S72A004\r\n");
        var (exit, output, error) = await RunAsync("ins", "parse-datamatrix", file);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("285032A00412371", json.RootElement.GetProperty("matricule").GetString());
        Assert.Equal("Nir", json.RootElement.GetProperty("oidKind").GetString());
        Assert.Equal("1985-03-14", json.RootElement.GetProperty("birthDate").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("givenNames").GetArrayLength());
    }

    [Fact]
    public async Task ParseDatamatrix_BadContent_FailsWithCode()
    {
        var file = Path.Combine(_dir, "bad.txt");
        await File.WriteAllTextAsync(file, "IS02");
        var (exit, _, error) = await RunAsync("ins", "parse-datamatrix", file);
        Assert.Equal(1, exit);
        Assert.StartsWith("SGR-2061", error, StringComparison.Ordinal);
    }
}
