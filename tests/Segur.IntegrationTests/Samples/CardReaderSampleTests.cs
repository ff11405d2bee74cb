using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Segur.IntegrationTests.Cps;

namespace Segur.IntegrationTests.Samples;

/// <summary>The card reader sample, run non-interactively against the virtual card behind pcscd (SDK → libpcsclite →
/// pcscd → vpcd → VirtualCpsCard): holder on insertion, PIN from SEGUR_CPS_PIN, signature checked with the
/// certificate, clean stop on SIGINT (Ctrl+C).</summary>
[Collection(PcscdCollection.Name)]
public sealed partial class CardReaderSampleTests
{
    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CardReader_VirtualCardRightPin_ShowsHolderAndVerifiesSignature()
    {
        await Pcscd.WaitForCardAsync(present: false); // a previous test's card must be gone first

        var (exit, output) = await RunToEndAsync("1234", "--virtual", "--once", "--vpcd-port", Pcscd.VpcdPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exit == 0, output);
        Assert.Contains($"Card inserted in '{Pcscd.Reader}': Cps3", output, StringComparison.Ordinal);
        Assert.Contains("Holder: CAMILLE MEDECIN-TEST, Médecin; Cps n° 80026042 (test card)", output, StringComparison.Ordinal);
        Assert.Contains("National id: 899700075122 (Rpps 99700075122)", output, StringComparison.Ordinal);
        Assert.Contains("PIN verified (3/3 tries left).", output, StringComparison.Ordinal);
        Assert.Contains("Signature verified with the certificate's public key (RSA 2048, SHA-256, 256 bytes).", output, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", output, StringComparison.Ordinal); // the PIN is never printed
        Assert.EndsWith("Stopped.", output.TrimEnd(), StringComparison.Ordinal);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CardReader_VirtualCardWrongPin_ReportsTriesLeftAndExits2()
    {
        await Pcscd.WaitForCardAsync(present: false);

        var (exit, output) = await RunToEndAsync("0000", "--virtual", "--once", "--reader", Pcscd.Reader);

        Assert.True(exit == 2, output);
        Assert.Contains("PIN refused: 2 tries left.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature", output, StringComparison.Ordinal);
    }

    [IntegrationFact("SEGUR_TEST_PCSCD")]
    public async Task CardReader_CtrlC_StopsCleanlyAndReleasesTheCard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // SIGINT via kill(2) below
        }

        await Pcscd.WaitForCardAsync(present: false);
        using var process = Start("1234", "--virtual");
        var output = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // safety net, not a timing assert
        try
        {
            // Keeps watching after the first card: wait until it has done its work, then press Ctrl+C.
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("Signature verified", StringComparison.Ordinal))
                {
                    break;
                }
            }

            Assert.Equal(0, kill(process.Id, SigInt));
            output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, output + await process.StandardError.ReadToEndAsync());
        Assert.EndsWith("Stopped.", output.ToString().TrimEnd(), StringComparison.Ordinal);
        await Pcscd.WaitForCardAsync(present: false); // the virtual card was removed on the way out
    }

    private const int SigInt = 2;

    private static Process Start(string pin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // non-interactive: the PIN comes from SEGUR_CPS_PIN
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Segur.Samples.CardReader.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SEGUR_CPS_PIN"] = pin;
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    private static async Task<(int Exit, string Output)> RunToEndAsync(string pin, params string[] args)
    {
        using var process = Start(pin, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // safety net, not a timing assert
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output + await error);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
