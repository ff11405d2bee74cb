using System.Text.Json;
using Segur.Testing.Insi;
using Segur.Testing.Pki;

namespace Segur.Cli.Tests;

public sealed class InsiCommandTests
{
    [Fact]
    public async Task RunAsync_InsiSearchAgainstSimulator_PrintsInsAndExitsZero()
    {
        await using var simulator = await InsiSimulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory("segur-cli-insi");
        try
        {
            var p12 = Path.Combine(dir.FullName, "org.p12");
            await File.WriteAllBytesAsync(p12, TestPki.ExportPkcs12(simulator.Pki.IssueOrganisationCertificate("3123456789"), "pw-cli"));
            var ca = Path.Combine(dir.FullName, "ca.pem");
            await File.WriteAllTextAsync(ca, TestPki.ExportCertificatePem(simulator.Pki.Root) + "\n" + TestPki.ExportCertificatePem(simulator.Pki.OrganisationsCa));
            Environment.SetEnvironmentVariable("SEGUR_CLI_TEST_P12_PASSWORD", "pw-cli");
            string[] common = ["insi", "search", "--endpoint", simulator.Endpoint.ToString(), "--p12", p12, "--p12-password-env", "SEGUR_CLI_TEST_P12_PASSWORD",
                "--ca", ca, "--no-revocation", "--sex", "F", "--birth-date", "1997-02-26"];

            var output = new StringWriter();
            var error = new StringWriter();
            var code = await CliApp.RunAsync([.. common, "--birth-name", "ADRTROIS", "--first-names", "DOMINIQUE", "--birth-place", "2A020", "--idam", "TESTSGIE0000"], output, error);

            Assert.True(code == 0, error.ToString());
            Assert.Contains("INS        297022A02077878 (1.2.250.1.213.1.4.8)", output.ToString(), StringComparison.Ordinal);

            var json = new StringWriter();
            code = await CliApp.RunAsync([.. common, "--birth-name", "HOUILLES", "--first-names", "PIERRE", "--json", "--idam", "TESTSGIE0000"], json, error);
            Assert.Equal(2, code);
            using var document = JsonDocument.Parse(json.ToString());
            Assert.Equal("01", document.RootElement.GetProperty("returnCode").GetString());
            Assert.Equal("TryOtherFirstNames", document.RootElement.GetProperty("nextStep").GetString());

            var failed = new StringWriter();
            code = await CliApp.RunAsync([.. common, "--birth-name", "ADRTROIS", "--first-names", "DOMINIQUE", "--idam", "NOPE"], new StringWriter(), failed);
            Assert.Equal(1, code);
            Assert.StartsWith("SGR-2520:", failed.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
