using System.CommandLine;
using System.Runtime.InteropServices;

namespace Segur.Cli.Commands;

/// <summary><c>segur doctor</c>: what a support engineer checks first.</summary>
internal static class DoctorCommand
{
    /// <summary>The checks, in order. Packages add theirs here.</summary>
    public static IReadOnlyList<Func<DoctorCheck>> Checks { get; } =
    [
        RuntimeCheck,
        PcscCheck,
        TrustCommand.DoctorCheck,
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("doctor", "Check the runtime, the PC/SC library, the trust anchors and the outbox location.");
        command.SetAction(parse =>
        {
            var results = Checks.Select(RunSafely).ToList();
            if (parse.GetValue(CliApp.Json))
            {
                context.WriteJson(new { ok = results.All(r => r.Ok), checks = results });
            }
            else
            {
                foreach (var r in results)
                {
                    context.Output.WriteLine($"[{(r.Ok ? " ok " : "FAIL")}] {r.Name,-14} {r.Detail}");
                }
            }

            return results.All(r => r.Ok) ? 0 : context.Fail("segur doctor: " + string.Join("; ", results.Where(r => !r.Ok).Select(r => $"{r.Name}: {r.Detail}")));
        });
        return command;
    }

    private static DoctorCheck RunSafely(Func<DoctorCheck> check)
    {
        try
        {
            return check();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new DoctorCheck(check.Method.Name, false, ex.Message);
        }
    }

    private static DoctorCheck RuntimeCheck() => new(
        "runtime",
        true,
        $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}); segur {typeof(DoctorCommand).Assembly.GetName().Version}");

    private static DoctorCheck PcscCheck()
    {
        string[] candidates = OperatingSystem.IsWindows() ? ["winscard.dll"]
            : OperatingSystem.IsMacOS() ? ["/System/Library/Frameworks/PCSC.framework/PCSC"]
            : ["libpcsclite.so.1", "libpcsclite.so"];
        foreach (var name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return new DoctorCheck("pcsc", true, $"{name} found");
            }
        }

        // A missing PC/SC library is reported, not fatal: the SDK works without cards.
        return new DoctorCheck("pcsc", true, $"not found ({string.Join(", ", candidates)}); card features unavailable") { Warning = true };
    }
}

/// <summary>One line of <c>segur doctor</c>.</summary>
internal sealed record DoctorCheck(string Name, bool Ok, string Detail)
{
    public bool Warning { get; init; }
}
