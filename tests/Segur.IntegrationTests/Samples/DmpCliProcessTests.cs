using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Segur.IntegrationTests.Samples;

/// <summary>The README's DMP walk-through with the real <c>segur</c> process: <c>segur simulate dmp</c> in the
/// background, then <c>segur cda n1</c>, <c>segur dmp send</c>, <c>search</c> and <c>test-existence</c> against it over mutual TLS
/// with the credentials folder it wrote and the environment variables the README documents.</summary>
public class DmpCliProcessTests
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2); // safety net, not a timing assert

    [Fact]
    public async Task SegurProcess_SimulateThenSendAndSearch_SendsOnceAndListsTheDocument()
    {
        var work = Directory.CreateTempSubdirectory("segur-dmp-cli-e2e-");
        using var simulator = Start(["simulate", "dmp", "--json"], null);
        string? credentials = null;
        try
        {
            var announcement = await ReadJsonAnnouncementAsync(simulator);
            credentials = announcement.GetProperty("credentials").GetString()!;
            var environment = new Dictionary<string, string>
            {
                ["SEGUR_DMP_ENDPOINT"] = announcement.GetProperty("baseAddress").GetString()!,
                ["SEGUR_DMP_CREDENTIALS"] = credentials,
                ["SEGUR_DMP_P12_PASSWORD"] = announcement.GetProperty("password").GetString()!,
            };
            var pdf = Path.Combine(work.FullName, "report.pdf");
            await File.WriteAllBytesAsync(pdf, Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
            var cda = Path.Combine(work.FullName, "n1.xml");
            var built = await RunAsync(["cda", "n1", "--pdf", pdf, "--out", cda, "--title", "Compte rendu", "--type-code", "11488-4",
                "--matricule", "279035121518989", "--oid", "1.2.250.1.213.1.4.10", "--birth-name", "PAT-TROIS", "--first-names", "DOMINIQUE",
                "--sex", "F", "--birth-date", "1979-03-28", "--birth-place", "51215", "--author-id", "899900063480", "--author-family", "MEDECIN",
                "--author-given", "Jean", "--organization-finess", "750012346", "--json"], environment);
            Assert.True(built.Exit == 0, built.Error);
            using var buildJson = JsonDocument.Parse(built.Output);
            var uniqueId = buildJson.RootElement.GetProperty("documentId").GetString()!;
            string[] user = ["--user", "899900063480", "--family-name", "MEDECIN", "--no-revocation"];

            var sent = await RunAsync(["dmp", "send", .. user, "--cda", cda, "--class-code", "10", "--patient-informed"], environment);
            var again = await RunAsync(["dmp", "send", .. user, "--cda", cda, "--class-code", "10", "--patient-informed"], environment);
            var search = await RunAsync(["dmp", "search", .. user, "--patient-cda", cda, "--consent", "--json"], environment);
            var existence = await RunAsync(["dmp", "test-existence", .. user, "--patient-cda", cda], environment);

            Assert.True(sent.Exit == 0, sent.Error);
            Assert.Contains("Sent " + uniqueId, sent.Output, StringComparison.Ordinal);
            Assert.Equal(1, again.Exit);
            Assert.Contains("XDSDuplicateUniqueIdInRegistry", again.Error, StringComparison.Ordinal);
            Assert.True(search.Exit == 0, search.Error);
            using var found = JsonDocument.Parse(search.Output);
            Assert.Single(found.RootElement.EnumerateArray(), e => e.GetProperty("uniqueId").GetString() == uniqueId);
            Assert.True(existence.Exit == 0, existence.Error);
            Assert.Contains("Authorisation       Valid", existence.Output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(0, await StopAsync(simulator, null));
                Assert.False(Directory.Exists(credentials), "segur simulate dmp left its credentials folder behind");
            }
        }
        finally
        {
            await StopAsync(simulator, credentials);

            work.Delete(recursive: true);
        }
    }

    /// <summary>Stops the simulator as a user would (SIGTERM, like <c>kill %1</c>) and returns its exit code; it
    /// deletes its credentials folder. Killed (and the folder removed) only if it does not stop.</summary>
    private static async Task<int?> StopAsync(Process simulator, string? credentials)
    {
        int? exit = null;
        if (!simulator.HasExited && !OperatingSystem.IsWindows())
        {
            using var signal = Process.Start("kill", ["-TERM", simulator.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await signal.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(SafetyTimeout);
            try
            {
                await simulator.WaitForExitAsync(timeout.Token);
                exit = simulator.ExitCode;
            }
            catch (OperationCanceledException)
            {
                // Killed below.
            }
        }

        if (!simulator.HasExited)
        {
            simulator.Kill(entireProcessTree: true);
        }

        if (credentials is not null && Directory.Exists(credentials))
        {
            Directory.Delete(credentials, recursive: true);
        }

        return exit;
    }

    private static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "segur.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(SafetyTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Reads the indented JSON object <c>segur simulate dmp --json</c> prints once it listens.</summary>
    private static async Task<JsonElement> ReadJsonAnnouncementAsync(Process simulator)
    {
        using var timeout = new CancellationTokenSource(SafetyTimeout);
        var text = new StringBuilder();
        while (await simulator.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            text.AppendLine(line);
            if (line == "}")
            {
                using var json = JsonDocument.Parse(text.ToString());
                return json.RootElement.Clone();
            }
        }

        throw new InvalidOperationException("segur simulate dmp ended without announcing itself: " + await simulator.StandardError.ReadToEndAsync());
    }
}
