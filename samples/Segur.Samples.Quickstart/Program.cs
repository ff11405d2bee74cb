// The Segur SDK quick start: a pharmacy's day, end to end, on embedded simulators and a virtual CPS card.
// Each package adds its step here. Run with: dotnet run --project samples/Segur.Samples.Quickstart
using Segur;
using Segur.Audit;
using Segur.Diagnostics;

Console.WriteLine("Segur SDK quick start");
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

Console.WriteLine($"1. Audit trail written to {audit.Path}");
Console.WriteLine($"   Telemetry sources: {string.Join(", ", SegurDiagnostics.All)}");

// --- Segur.Psc step (PscQuickstartStep.cs) ---
var (pscSimulator, pscClient, pscSession) = await PscQuickstartStep.RunAsync();
// --- end Segur.Psc step ---
pscSession.Dispose();
pscClient.Dispose();
await pscSimulator.DisposeAsync();
Console.WriteLine("Done.");
return 0;
