using System.Diagnostics;
using Segur.Cps.Pcsc;

namespace Segur.IntegrationTests.Cps;

/// <summary>Every test touching pcscd/vpcd runs in this one non-parallel collection: there is one vpcd slot and one
/// pcscd per machine, and some tests stop and restart it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PcscdCollection
{
    public const string Name = "pcscd";
}

/// <summary>Helpers around the pcscd started by tests/env/components/pcscd-vpcd.sh.</summary>
internal static class Pcscd
{
    public const string Reader = "Virtual PCD 00 00";

    public static int VpcdPort => int.Parse(TestEnv.Require("SEGUR_TEST_VPCD_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static void Stop() => Run(TestEnv.Require("SEGUR_TEST_PCSCD_STOP"));

    public static void Start() => Run(TestEnv.Require("SEGUR_TEST_PCSCD_START"));

    /// <summary>Waits (bounded, as a safety timeout) until the reader shows the wanted presence.</summary>
    public static async Task WaitForCardAsync(bool present, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                using var context = SmartCardContext.Establish();
                if (context.GetReaderStates([Reader]).Single().CardPresent == present)
                {
                    return;
                }
            }
            catch (SegurCardException) when (!cts.IsCancellationRequested)
            {
                // service restarting
            }

            await Task.Delay(100, cts.Token);
        }
    }

    private static void Run(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardError = true })!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException(script + " did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
