using System.CommandLine;
using System.Runtime.InteropServices;
using Segur.Dmp.Client;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;

namespace Segur.Cli.Commands;

/// <summary><c>segur simulate dmp</c>: runs the DMP simulator of Segur.Testing until Ctrl+C, with test credentials
/// written to a private temporary folder (deleted on exit).</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var simulate = new Command("simulate", "Run a local simulator of a national service for development and tests (never a real service).");
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (default: a free port)." };
        var http = new Option<bool>("--http") { Description = "Plain HTTP without mutual TLS (unit tests only)." };
        var dmp = new Command("dmp", "Run the DMP simulator (registry, repository, patients, habilitations) until Ctrl+C.");
        dmp.Options.Add(port);
        dmp.Options.Add(http);
        dmp.SetAction(async (parse, cancellationToken) =>
        {
            var portValue = parse.GetValue(port);
            if (portValue is < 0 or > 65535)
            {
                return context.Fail("segur simulate dmp: --port must be between 0 and 65535.");
            }

            return await RunDmpAsync(context, portValue, parse.GetValue(http), parse.GetValue(CliApp.Json), cancellationToken).ConfigureAwait(false);
        });
        simulate.Subcommands.Add(dmp);
        return simulate;
    }

    private static async Task<int> RunDmpAsync(CliContext context, int port, bool http, bool json, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "segur-simulate-dmp-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            using var pki = TestPki.Create(context.Time, "DMP SIMULATOR");
            var simulator = await DmpSimulator.StartAsync(new DmpSimulatorOptions
            {
                Pki = pki, Port = port, UseHttp = http, TimeProvider = context.Time,
            }, cancellationToken).ConfigureAwait(false);
            await using var stopSimulator = simulator.ConfigureAwait(false);
            await WriteCredentialsAsync(pki, folder, cancellationToken).ConfigureAwait(false);
            var services = Enum.GetValues<DmpService>().ToDictionary(s => s.ToString().ToLowerInvariant(), s => simulator.GetServiceUri(s).ToString());
            if (json)
            {
                context.WriteJson(new
                {
                    baseAddress = simulator.BaseAddress.ToString(),
                    services,
                    mutualTls = !http,
                    credentials = folder,
                    password = TestPki.DefaultPassword,
                    patients = DmpSimulator.TestPatients,
                    professionals = DmpSimulator.TestProfessionals,
                });
            }
            else
            {
                context.Output.WriteLine($"DMP simulator: {simulator.BaseAddress} ({(http ? "plain HTTP" : "HTTPS, mutual TLS")})");
                foreach (var (name, uri) in services)
                {
                    context.Output.WriteLine($"  {name,-14}{uri}");
                }

                context.Output.WriteLine($"Test credentials: {folder} (ca.pem, client-auth.p12, org-sign.p12, card-{DmpSimulator.TestProfessionals[0]}.p12; password {TestPki.DefaultPassword})");
                context.Output.WriteLine($"Test patients: {string.Join(", ", DmpSimulator.TestPatients)} (OID 1.2.250.1.213.1.4.10). Press Ctrl+C to stop.");
            }

            await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

            // The simulator's web host registers its own SIGINT/SIGTERM handlers after System.CommandLine's and cancels
            // them (the process then never ended on Ctrl+C or kill): handle both here, registered last so called first.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }

            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly.
            }

            context.Error.WriteLine("DMP simulator stopped.");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes ca.pem, client-auth.p12, org-sign.p12 and card-&lt;id&gt;.p12 (also used by the CLI tests).</summary>
    internal static async Task WriteCredentialsAsync(TestPki pki, string folder, CancellationToken cancellationToken)
    {
        // One PEM block per line group: ExportCertificatePem ends without a newline, and concatenated blocks are not read back.
        var ca = string.Join('\n', TestPki.ExportCertificatePem(pki.Root), TestPki.ExportCertificatePem(pki.OrganisationsCa), TestPki.ExportCertificatePem(pki.PersonsCa)) + "\n";
        await File.WriteAllTextAsync(Path.Combine(folder, "ca.pem"), ca, cancellationToken).ConfigureAwait(false);
        var clientAuth = pki.IssueOrganisationCertificate("10B0127189", "DMP-AUTH-CLI");
        var orgSign = pki.IssueOrganisationCertificate("10B0127189", "DMP-SIGN");
        var card = pki.IssuePersonalCertificate(DmpSimulator.TestProfessionals[0], "MEDECIN", "Jean", "Médecin");
        await File.WriteAllBytesAsync(Path.Combine(folder, "client-auth.p12"), TestPki.ExportPkcs12(clientAuth, TestPki.DefaultPassword), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(folder, "org-sign.p12"), TestPki.ExportPkcs12(orgSign, TestPki.DefaultPassword), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"card-{DmpSimulator.TestProfessionals[0]}.p12"),
            TestPki.ExportPkcs12(card, TestPki.DefaultPassword), cancellationToken).ConfigureAwait(false);
    }
}
