// The Segur SDK quick start: a pharmacy's day, end to end, on embedded simulators and a virtual CPS card, with no
// setting to make. Each package adds its step here. Run with: dotnet run --project samples/Segur.Samples.Quickstart
using Segur;
using Segur.Audit;
using Segur.Diagnostics;

Console.WriteLine("Segur SDK quick start — a pharmacy's day on embedded simulators");
var workFolder = Path.Combine(Path.GetTempPath(), "segur-quickstart-" + Environment.ProcessId);
Directory.CreateDirectory(workFolder);

#region quick-start
// Every action the SDK takes on a national service is traced.
var audit = new JsonLinesAuditTrail(Path.Combine(workFolder, "audit.jsonl"));
await audit.WriteAsync(new AuditRecord
{
    Timestamp = TimeProvider.System.GetUtcNow(),
    Actor = "quickstart",
    Action = "quickstart.start",
    Outcome = "success",
});
#endregion

try
{
    Console.WriteLine($"0. Audit trail: {audit.Path}; telemetry sources: {string.Join(", ", SegurDiagnostics.All)}");

    // 1. The pharmacist inserts a CPS card (virtual card, in memory: no PC/SC service needed here).
    var pharmacist = await CardQuickstartStep.RunAsync();

    // 2. Pro Santé Connect session (embedded simulator, loopback redirect).
    var (pscSimulator, pscClient, pscSession) = await PscQuickstartStep.RunAsync();
    await using (pscSimulator)
    using (pscClient)
    using (pscSession)
    {
        // 3-4. INSi search from traits (simulator, organisation certificate), identity qualified on an ID check.
        var qualified = await InsQuickstartStep.RunAsync(workFolder, audit);

        // 5. CDA N1 for the patient, and 6. sent through the durable queue (network cut, queued, restored, sent once).
        await DmpQuickstartStep.RunAsync(qualified, pharmacist, workFolder, audit);
    }

    Console.WriteLine("8. MSSanté: not yet in the SDK (next package).");
    Console.WriteLine("Done.");
    return 0;
}
catch (SegurException ex)
{
    Console.Error.WriteLine($"Quick start failed: {ex.Message}");
    return 1;
}
finally
{
    try
    {
        Directory.Delete(workFolder, recursive: true);
    }
    catch (IOException)
    {
    }
}
