using System.Text;
using Segur.Audit;
using Segur.Cps;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Queue;
using Segur.Identifiers;
using Segur.Ins;
using Segur.Outbox;
using Segur.Soap;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;

/// <summary>Quick start step: a CDA N1 for the patient, handed to the DMP send queue while the network is down, sent once
/// to the DMP simulator when it comes back.</summary>
internal static class DmpQuickstartStep
{
    private const string Structure = "10B0127189"; // the pharmacy's Struct_IdNat (ANS test identifier), OU of its ORG SIGN certificate

    public static async Task RunAsync(QualifiedIns patient, CpsCardInfo pharmacist, string workFolder, IAuditTrail audit)
    {
        var professional = pharmacist.ProfessionalId ?? throw new InvalidOperationException($"The card's national id is not a valid PS_IdNat: {pharmacist.NationalIdIssue}");
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
                PsIdNat = professional.Value,
                FamilyName = pharmacist.LastName ?? "PHARMACIEN",
                GivenName = pharmacist.FirstName,
                Specialty = new CdaCode("G15_21", "1.2.250.1.213.1.1.4.5"),
                Organization = new CdaOrganization { IdType = CdaOrganizationIdType.Finess, Identifier = "750712184", Name = "Pharmacie du quick start" },
            },
            TypeCode = CdaCode.FromLoinc("11488-4"),
            Title = "Compte rendu d'entretien pharmaceutique",
        }, MinimalPdf(), "application/pdf");
        Console.WriteLine($"5. CDA R2 N1 built: {cda.Content.Length} bytes, document {cda.Reference!.DocumentId}, PDF {cda.Pdf?.Version}");

        // The DMP simulator (HTTP on 127.0.0.1) and a DMP client signing its VIHF and lot with the pharmacy's ORG SIGN
        // certificate (from the simulator's test PKI; in production: IGC-Santé certificates and the GIE SESAM-Vitale host).
        await using var dmp = await DmpSimulator.StartAsync(new DmpSimulatorOptions { UseHttp = true });
        dmp.AddPatient(new DmpSimulatorPatient(patient.Matricule.Value, patient.Oid.Value) { FamilyName = patient.Traits.BirthName });
        using var signerCertificate = dmp.Pki.IssueOrganisationCertificate(Structure, "DMP-SIGN");
        using var signer = TestPki.CreateCredential(signerCertificate);
        var dmpPatient = DmpPatient.FromQualifiedIns(patient);
        var consents = new InMemoryDmpConsentStore();
        await consents.SetAsync(dmpPatient.Ins, new DmpPatientConsent { PatientInformed = true }); // informed once (CSP L.1110-12)
        using var http = new HttpClient();
        var client = new DmpClient(new DmpClientOptions
        {
            BaseAddress = new Uri(dmp.BaseAddress, DmpSimulator.ServicesPath),
            LpsName = "Segur quick start",
            LpsVersion = "1.0",
            HomologationNumber = "TEST-0001",
            VihfSigner = signer,
            ConsentStore = consents,
            AuditTrail = audit,
        }, new HttpSoapTransport(http));

        // The queue on the durable outbox: on disk before EnqueueAsync returns, sent when the network is back.
        var network = new ManualDmpSignal(false);
        await using var outbox = new DurableOutbox(new OutboxOptions { DatabasePath = Path.Combine(workFolder, "outbox.db"), PollInterval = TimeSpan.FromSeconds(1) });
        var queue = new DmpSendQueue(outbox, client, network: network, audit: audit);
        await using var processor = new OutboxProcessor(outbox, queue.Handlers, queue.Preconditions);
        using var changes = queue.Observe(processor);
        var sent = new TaskCompletionSource<DmpQueueItem>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.ItemChanged += (_, e) =>
        {
            if (e.Item.State == DmpQueueItemState.Sent)
            {
                sent.TrySetResult(e.Item);
            }
        };
        using var stop = new CancellationTokenSource();
        var running = processor.RunAsync(stop.Token);

        var request = new DmpSendRequest
        {
            Patient = dmpPatient,
            Document = new DmpDocument { Cda = cda.Content, ClassCode = new CdaCode("10", "1.2.250.1.213.1.1.4.1", "Compte rendu") },
            User = new DmpUserContext
            {
                Mode = DmpAuthenticationMode.Indirect,
                User = professional,
                FamilyName = pharmacist.LastName ?? "PHARMACIEN",
                GivenName = pharmacist.FirstName,
                Structure = OrganizationIdentifier.Parse(Structure),
                Roles = [new DmpRole("21", "1.2.250.1.71.1.2.7", "Pharmacien"), new DmpRole("G15_21", "1.2.250.1.213.1.1.4.5")],
            },
        };
        var queued = await queue.EnqueueAsync(request);
        var again = await queue.EnqueueAsync(request);
        var item = await WaitForNetworkAsync(queue, queued.Id);
        Console.WriteLine($"6. Network cut: document queued on disk ({item.State}); same document again → duplicate: {again.Id == queued.Id}");

        network.Set(true);
        item = await sent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"   Network back: {item.State} after {item.Attempts} attempt(s); the DMP simulator stored it {dmp.CountStoredSubmissions(cda.Reference.DocumentId)} time(s)");

        // TD0.2: the DMP exists; the pharmacist fed it without an authorisation on it (consulting would need one).
        var status = await client.TestExistenceAsync(dmpPatient, request.User);
        Console.WriteLine($"7. DMP test (TD0.2): {status.State}, your authorisation: {status.Authorization} (feeding needs none; consulting does)");
        await stop.CancelAsync();
        await running;
    }

    private static async Task<DmpQueueItem> WaitForNetworkAsync(DmpSendQueue queue, Guid id)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await queue.GetAsync(id) is { State: DmpQueueItemState.WaitingForNetwork } item)
            {
                return item;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The document did not start waiting for the network.");
    }

    private static byte[] MinimalPdf() => Encoding.Latin1.GetBytes(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
}
