using System.Text.Json;
using Segur.Dmp.Tests.Cda;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;

namespace Segur.Cli.Tests;

/// <summary>A DMP simulator over HTTPS with mutual TLS and the credentials folder <c>segur simulate dmp</c> writes.</summary>
public sealed class DmpCliFixture : IAsyncLifetime
{
    public const string PasswordVariable = "SEGUR_CLI_TEST_DMP_PASSWORD";

    public TestPki Pki { get; private set; } = null!;

    public DmpSimulator Simulator { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("segur-cli-dmp-").FullName;

    public string Credentials => Path.Combine(Folder, "credentials");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(PasswordVariable, TestPki.DefaultPassword);
        Pki = TestPki.Create(TimeProvider.System, "DMP CLI TESTS");
        Simulator = await DmpSimulator.StartAsync(new DmpSimulatorOptions { Pki = Pki });
        Directory.CreateDirectory(Credentials);
        await Commands.SimulateCommand.WriteCredentialsAsync(Pki, Credentials, CancellationToken.None); // what 'segur simulate dmp' writes
        await File.WriteAllBytesAsync(Path.Combine(Folder, "report.pdf"), CdaTestData.Pdf());
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        Pki.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

public sealed class DmpCommandTests(DmpCliFixture fixture) : IClassFixture<DmpCliFixture>
{
    private const string Patient = "279035121518989";
    private const string Oid = "1.2.250.1.213.1.4.10";

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Connection options: the simulator's printed address, its credentials folder, the indirect user.</summary>
    private string[] Connection =>
    [
        "--endpoint", fixture.Simulator.BaseAddress.ToString(), "--credentials", fixture.Credentials,
        "--p12-password-env", DmpCliFixture.PasswordVariable, "--no-revocation",
        "--user", DmpSimulator.TestProfessionals[0], "--family-name", "MEDECIN", "--given-name", "Jean",
    ];

    private static string[] PatientTraits(string matricule = Patient) =>
        ["--matricule", matricule, "--oid", Oid, "--birth-name", "PAT-TROIS", "--first-names", "DOMINIQUE MARIE-LOUISE", "--sex", "F", "--birth-date", "1979-03-28"];

    /// <summary>Builds an N1 with <c>segur cda n1</c> and returns its path, id and set id.</summary>
    private async Task<(string Path, string Id, string SetId)> BuildCdaAsync(string name, params string[] extra)
    {
        var path = Path.Combine(fixture.Folder, name + ".xml");
        var (exit, output, error) = await RunAsync(["cda", "n1", "--pdf", Path.Combine(fixture.Folder, "report.pdf"), "--out", path,
            "--title", "Compte rendu " + name, "--type-code", "11488-4", "--matricule", Patient, "--oid", Oid, "--birth-name", "PAT-TROIS",
            "--first-names", "DOMINIQUE MARIE-LOUISE", "--sex", "F", "--birth-date", "1979-03-28", "--birth-place", "51215",
            "--author-id", DmpSimulator.TestProfessionals[0], "--author-family", "MEDECIN", "--author-given", "Jean",
            "--organization-finess", "750012346", "--json", .. extra]);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        return (path, json.RootElement.GetProperty("documentId").GetString()!, json.RootElement.GetProperty("setId").GetString()!);
    }

    [Fact]
    public async Task SendReplace_NextVersion_DeprecatesThePreviousOne()
    {
        var (first, firstId, setId) = await BuildCdaAsync("v1");
        var (sent, _, sentError) = await RunAsync(["dmp", "send", .. Connection, "--cda", first, "--class-code", "10", "--patient-informed"]);
        Assert.True(sent == 0, sentError);
        var (second, secondId, _) = await BuildCdaAsync("v2", "--replaces", firstId, "--replaces-set-id", setId, "--replaces-version", "1");

        var (exit, output, error) = await RunAsync(["dmp", "send", .. Connection, "--cda", second, "--class-code", "10", "--patient-informed", "--consent",
            "--replace", firstId, "--json"]);

        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(secondId, json.RootElement.GetProperty("uniqueId").GetString());
            Assert.Equal(firstId, json.RootElement.GetProperty("replaces").GetString());
        }

        var (_, deprecated, _) = await RunAsync(["dmp", "search", .. Connection, "--patient-cda", second, "--consent", "--status", "deprecated", "--json"]);
        Assert.Contains(firstId, deprecated, StringComparison.Ordinal);
        Assert.DoesNotContain(secondId, deprecated, StringComparison.Ordinal);
        var (_, approved, _) = await RunAsync(["dmp", "search", .. Connection, "--patient-cda", second, "--consent", "--json"]);
        Assert.Contains(secondId, approved, StringComparison.Ordinal);
        Assert.DoesNotContain(firstId, approved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_UnknownStatus_ExitsTwo()
    {
        var (exit, _, error) = await RunAsync(["dmp", "search", .. Connection, .. PatientTraits(), "--consent", "--status", "lost"]);

        Assert.Equal(2, exit);
        Assert.Contains("--status must be", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSearchGet_CdaFromCdaN1_RoundTripsThroughTheSimulator()
    {
        var (cda, id, _) = await BuildCdaAsync("roundtrip");

        var (sendExit, sendOutput, sendError) = await RunAsync(["dmp", "send", .. Connection, "--cda", cda, "--class-code", "10", "--patient-informed"]);
        Assert.True(sendExit == 0, sendError);
        Assert.Contains("Sent " + id, sendOutput, StringComparison.Ordinal);
        Assert.Equal(1, fixture.Simulator.CountStoredSubmissions(id));

        var (searchExit, searchOutput, searchError) = await RunAsync(["dmp", "search", .. Connection, .. PatientTraits(), "--consent", "--type-code", "11488-4", "--json"]);
        Assert.True(searchExit == 0, searchError);
        using (var json = JsonDocument.Parse(searchOutput))
        {
            var entry = Assert.Single(json.RootElement.EnumerateArray(), e => e.GetProperty("uniqueId").GetString() == id);
            Assert.Equal("Approved", entry.GetProperty("status").GetString());
            Assert.Equal("11488-4", entry.GetProperty("typeCode").GetString());
            Assert.Equal("Compte rendu roundtrip", entry.GetProperty("title").GetString());
        }

        var (tableExit, table, _) = await RunAsync(["dmp", "search", .. Connection, "--patient-cda", cda, "--consent"]);
        Assert.Equal(0, tableExit);
        Assert.Contains(id, table, StringComparison.Ordinal);
        Assert.StartsWith("UNIQUE ID", table, StringComparison.Ordinal);

        var copy = Path.Combine(fixture.Folder, "roundtrip-copy.xml");
        var (getExit, getOutput, getError) = await RunAsync(["dmp", "get", .. Connection, .. PatientTraits(), "--consent", "--unique-id", id, "--out", copy]);
        Assert.True(getExit == 0, getError);
        Assert.Equal(await File.ReadAllBytesAsync(cda), await File.ReadAllBytesAsync(copy));
        Assert.Contains("text/xml", getOutput, StringComparison.Ordinal);

        var pdf = Path.Combine(fixture.Folder, "roundtrip.pdf");
        var (bodyExit, _, bodyError) = await RunAsync(["dmp", "get", .. Connection, .. PatientTraits(), "--consent", "--unique-id", id, "--out", pdf, "--body"]);
        Assert.True(bodyExit == 0, bodyError);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fixture.Folder, "report.pdf")), await File.ReadAllBytesAsync(pdf));
    }

    [Fact]
    public async Task Send_SameCdaTwice_ReportsTheRegistryDuplicateRefusal()
    {
        var (cda, id, _) = await BuildCdaAsync("twice");
        string[] args = ["dmp", "send", .. Connection, "--cda", cda, "--class-code", "10", "--patient-informed"];
        var (first, _, firstError) = await RunAsync(args);
        Assert.True(first == 0, firstError);

        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("segur dmp send: SGR-4310", line, StringComparison.Ordinal);
        Assert.Contains("XDSDuplicateUniqueIdInRegistry", line, StringComparison.Ordinal);
        Assert.Equal(1, fixture.Simulator.CountStoredSubmissions(id));
    }

    [Fact]
    public async Task Send_PatientNotDeclaredInformed_IsRefusedBeforeTheCall()
    {
        var (cda, id, _) = await BuildCdaAsync("uninformed");

        var (exit, _, error) = await RunAsync(["dmp", "send", .. Connection, "--cda", cda, "--class-code", "10"]);

        Assert.Equal(1, exit);
        Assert.StartsWith("segur dmp send: SGR-44", error, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Simulator.CountReceivedSubmissions(id));
    }

    [Fact]
    public async Task Search_DirectModeWithTheCardOfTheCredentialsFolder_ListsDocuments()
    {
        var (cda, id, _) = await BuildCdaAsync("direct");
        string[] direct =
        [
            "--endpoint", fixture.Simulator.BaseAddress.ToString(), "--credentials", fixture.Credentials, "--p12-password-env", DmpCliFixture.PasswordVariable,
            "--no-revocation", "--mode", "direct", "--structure", "10B0127189",
        ];
        var (sendExit, _, sendError) = await RunAsync(["dmp", "send", .. direct, "--cda", cda, "--class-code", "10", "--patient-informed"]);
        Assert.True(sendExit == 0, sendError);

        var (exit, output, error) = await RunAsync(["dmp", "search", .. direct, .. PatientTraits(), "--consent", "--json"]);

        Assert.True(exit == 0, error);
        Assert.Contains(id, output, StringComparison.Ordinal);
        Assert.Contains(fixture.Simulator.ReceivedVihfs, v => v.Mode == "DIRECTE" && v.SubjectId == DmpSimulator.TestProfessionals[0]);
    }

    [Fact]
    public async Task TestExistence_KnownPatient_PrintsActiveDmpAndAuthorisation()
    {
        var (exit, output, error) = await RunAsync(["dmp", "test-existence", .. Connection, .. PatientTraits(), "--json"]);

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("Active", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("Valid", json.RootElement.GetProperty("authorization").GetString());
        Assert.True(json.RootElement.GetProperty("isTreatingPhysician").GetBoolean());
        Assert.Contains(fixture.Simulator.ReceivedVihfs, v => v.Action == "urn:hl7-org:v3:PRPA_IN201307UV02" && v.Error is null);
    }

    [Fact]
    public async Task TestExistence_PatientWithOpposition_ListsItInText()
    {
        var (exit, output, error) = await RunAsync(["dmp", "test-existence", .. Connection, .. PatientTraits(DmpSimulator.TestPatients[1])]);

        Assert.True(exit == 0, error);
        Assert.Contains("DMP                 Active", output, StringComparison.Ordinal);
        Assert.Contains("OPPOSITION_BRIS_DE_GLACE", output, StringComparison.Ordinal);
        Assert.Contains("Mon espace santé    no", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("277076322082910")] // known to the simulator, no DMP
    [InlineData("185017512345609")] // unknown to the simulator
    public async Task TestExistence_PatientWithoutDmp_ExitsTwo(string matricule)
    {
        var (exit, output, error) = await RunAsync(["dmp", "test-existence", .. Connection, .. PatientTraits(matricule), "--json"]);

        Assert.True(exit == 2, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("NotFound", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Get_UnknownUniqueId_ExitsTwoWithReason()
    {
        var (exit, _, error) = await RunAsync(["dmp", "get", .. Connection, .. PatientTraits(), "--consent", "--unique-id", "2.25.1234", "--out", Path.Combine(fixture.Folder, "none.xml")]);

        Assert.Equal(2, exit);
        Assert.Contains("no document 2.25.1234", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(fixture.Folder, "none.xml")));
    }

    [Fact]
    public async Task Search_WithoutConsent_IsRefusedWithTheAccessCode()
    {
        var (exit, _, error) = await RunAsync(["dmp", "search", .. Connection, .. PatientTraits()]);

        Assert.Equal(1, exit);
        Assert.StartsWith("segur dmp search: SGR-44", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WrongCa_FailsWithOneTlsLine()
    {
        using var other = TestPki.Create(TimeProvider.System, "OTHER CA");
        var ca = Path.Combine(fixture.Folder, "other-ca.pem");
        await File.WriteAllTextAsync(ca, TestPki.ExportCertificatePem(other.Root));

        var (exit, output, error) = await RunAsync(["dmp", "search", .. Connection, "--ca", ca, .. PatientTraits(), "--consent"]);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("segur dmp search: SGR-1501", line, StringComparison.Ordinal);
        Assert.Contains("Cause: SGR-", line, StringComparison.Ordinal);
        Assert.Contains("other-ca.pem", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--endpoint", null, "--endpoint")]
    [InlineData("--endpoint", "not a url", "--endpoint")]
    [InlineData("--mode", "psc", "--mode")]
    [InlineData("--credentials", "/nonexistent/segur", "does not exist")]
    [InlineData("--p12-password-env", "SEGUR_CLI_TEST_DMP_UNSET", "SEGUR_CLI_TEST_DMP_UNSET")]
    [InlineData("--user", null, "--user")]
    [InlineData("--access-mode", "sometimes", "--access-mode")]
    public async Task Search_BadConnectionOption_ExitsTwoWithOneLine(string option, string? value, string expected)
    {
        var args = Replace(Connection, option, value);

        var (exit, _, error) = await RunAsync(["dmp", "search", .. args, .. PatientTraits(), "--consent"]);

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("segur dmp search: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_MissingTraits_ExitsTwoNamingThem()
    {
        var (exit, _, error) = await RunAsync(["dmp", "search", .. Connection, "--matricule", Patient, "--oid", Oid, "--consent"]);

        Assert.Equal(2, exit);
        Assert.Contains("--birth-name, --first-names, --sex, --birth-date", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WrongPassword_FailsWithTheCredentialCode()
    {
        Environment.SetEnvironmentVariable("SEGUR_CLI_TEST_DMP_WRONG", "not-the-password");

        var (exit, _, error) = await RunAsync(["dmp", "search", .. Replace(Connection, "--p12-password-env", "SEGUR_CLI_TEST_DMP_WRONG"), .. PatientTraits(), "--consent"]);

        Assert.Equal(1, exit);
        Assert.StartsWith("segur dmp search: SGR-1331", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_MissingOrUnreadableCda_FailsWithReason()
    {
        var (missingExit, _, missingError) = await RunAsync(["dmp", "send", .. Connection, "--class-code", "10", "--patient-informed"]);
        Assert.Equal(2, missingExit);
        Assert.Contains("--cda is required", missingError, StringComparison.Ordinal);

        var (noFileExit, _, noFileError) = await RunAsync(["dmp", "send", .. Connection, "--cda", Path.Combine(fixture.Folder, "absent.xml"), "--class-code", "10"]);
        Assert.Equal(2, noFileExit);
        Assert.Contains("does not exist", noFileError, StringComparison.Ordinal);

        var notCda = Path.Combine(fixture.Folder, "not-cda.xml");
        await File.WriteAllTextAsync(notCda, "<html/>");
        var (badExit, _, badError) = await RunAsync(["dmp", "send", .. Connection, "--cda", notCda, "--class-code", "10", "--patient-informed"]);
        Assert.Equal(1, badExit);
        Assert.StartsWith("segur dmp send: SGR-4101", badError, StringComparison.Ordinal);

        var (classExit, _, classError) = await RunAsync(["dmp", "send", .. Connection, "--cda", notCda]);
        Assert.Equal(2, classExit);
        Assert.Contains("--class-code", classError, StringComparison.Ordinal);
    }

    /// <summary>The arguments with <paramref name="option"/>'s value replaced, or the option removed when null.</summary>
    private static string[] Replace(string[] args, string option, string? value)
    {
        var list = args.ToList();
        var index = list.IndexOf(option);
        if (index >= 0)
        {
            list.RemoveRange(index, 2);
        }

        if (value is not null)
        {
            list.AddRange([option, value]);
        }

        return [.. list];
    }
}
