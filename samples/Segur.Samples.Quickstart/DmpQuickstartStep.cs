using System.Collections.Concurrent;
using System.Text;
using Segur;
using Segur.Audit;
using Segur.Cps;
using Segur.Dmp.Cda;
using Segur.Ins;
using Segur.Outbox;

/// <summary>Quick start step: a CDA N1 for the patient, handed to the durable queue while the network is down, sent
/// once when it comes back. The DMP client is not in the SDK yet: the handler delivers to an in-memory receiver that
/// accepts each document id once, as the DMP does.</summary>
internal static class DmpQuickstartStep
{
    public static async Task RunAsync(QualifiedIns patient, CpsCardInfo pharmacist, string workFolder, IAuditTrail audit)
    {
        var cda = new CdaDocumentBuilder().BuildN1(new CdaHeader
        {
            Patient = new CdaPatient
            {
                Ins = patient.Matricule.Value,
                InsOid = patient.Oid.Value,
                BirthName = patient.Traits.BirthName,
                FirstNames = [.. patient.Traits.GivenNames],
                Sex = patient.Traits.Sex == InsSex.Female ? CdaAdministrativeGender.Female : CdaAdministrativeGender.Male,
                BirthDate = patient.Traits.BirthDate.ToDateOnly() ?? throw new InvalidOperationException("Lunar birth date."),
                BirthPlaceCode = patient.Traits.BirthPlace,
            },
            Author = new CdaAuthor
            {
                PsIdNat = pharmacist.NationalId,
                FamilyName = pharmacist.LastName ?? "PHARMACIEN",
                GivenName = pharmacist.FirstName,
                Specialty = new CdaCode("G15_21", "1.2.250.1.213.1.1.4.5"),
                Organization = new CdaOrganization { IdType = CdaOrganizationIdType.Finess, Identifier = "750712184", Name = "Pharmacie du quick start" },
            },
            TypeCode = CdaCode.FromLoinc("11488-4"),
            Title = "Compte rendu d'entretien pharmaceutique",
        }, MinimalPdf(), "application/pdf");
        Console.WriteLine($"5. CDA R2 N1 built: {cda.Content.Length} bytes, document {cda.Reference!.DocumentId}, PDF {cda.Pdf?.Version}");

        var receiver = new ConcurrentDictionary<string, int>();
        var network = new OutboxPrecondition("network", satisfied: false, "dmp.feed");
        await using var outbox = new DurableOutbox(new OutboxOptions { DatabasePath = Path.Combine(workFolder, "outbox.db") });
        await using var processor = new OutboxProcessor(outbox, [new ReceiverHandler(receiver, audit)], [network]);
        using var stop = new CancellationTokenSource();
        var running = processor.RunAsync(stop.Token);

        var request = new OutboxEnqueueRequest { Kind = "dmp.feed", Payload = cda.Content, IdempotencyKey = cda.Reference!.DocumentId, PartitionKey = "patient-1" };
        var queued = await outbox.EnqueueAsync(request);
        var again = await outbox.EnqueueAsync(request);
        var item = await WaitForAsync(outbox, queued.OperationId, s => s == OutboxItemState.Waiting);
        Console.WriteLine($"6. Network cut: document queued on disk ({item.State}, waiting for {item.WaitingFor}); same document again → duplicate: {again.Duplicate}");

        network.Set(true);
        item = await WaitForAsync(outbox, queued.OperationId, s => s == OutboxItemState.Sent);
        Console.WriteLine($"   Network back: {item.State} after {item.Attempts} attempt(s); the receiver accepted it {receiver.Values.Sum()} time(s)");
        await stop.CancelAsync();
        await running;
    }

    private static async Task<OutboxItem> WaitForAsync(DurableOutbox outbox, Guid id, Func<OutboxItemState, bool> state)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await outbox.GetAsync(id) is { } item && state(item.State))
            {
                return item;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The outbox item did not reach the expected state.");
    }

    private static byte[] MinimalPdf() => Encoding.Latin1.GetBytes(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

    private sealed class ReceiverHandler(ConcurrentDictionary<string, int> receiver, IAuditTrail audit) : IOutboxHandler
    {
        public string Kind => "dmp.feed";

        public async Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default)
        {
            var key = context.Item.IdempotencyKey!;
            if (context.IsRetry && receiver.ContainsKey(key))
            {
                return; // already accepted by the receiver: never a silent duplicate
            }

            receiver.AddOrUpdate(key, 1, (_, n) => n + 1);
            await audit.WriteAsync(new AuditRecord { Timestamp = TimeProvider.System.GetUtcNow(), Actor = "quickstart", Action = "dmp.feed", Target = key, Outcome = "success" }, cancellationToken);
        }
    }
}
