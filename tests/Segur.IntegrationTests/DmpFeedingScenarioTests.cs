using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Polly;
using Segur.Dmp;
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
using Xunit.Abstractions;

namespace Segur.IntegrationTests;

/// <summary>
/// Automatic feeding end to end: 1,000 documents (with replacements) go through the DMP send queue on the SQLite outbox
/// to the DMP simulator over real HTTP on 127.0.0.1, while the simulator injects 5xx answers, timeouts before and after
/// commit and connection resets, the DMP becomes unreachable for a while without warning, the application says the
/// network is down for a while, and the processor is stopped and restarted halfway. The simulator must end with each
/// document exactly once and every replaced version deprecated.
/// </summary>
public sealed class DmpFeedingScenarioTests(ITestOutputHelper output)
{
    private const int Documents = 1000;
    private const int ReplaceEvery = 10; // every 10th document is a new version of the one queued just before
    private const string Professional = "899900063480";
    private const string Structure = "10B0127189";

    [Fact]
    public async Task FeedingScenario_ThousandDocumentsWithFaults_EachStoredExactlyOnce()
    {
        var started = Stopwatch.GetTimestamp();
        var folder = Directory.CreateTempSubdirectory("segur-dmp-scenario-");
        try
        {
            await using var simulator = await DmpSimulator.StartAsync(new DmpSimulatorOptions { UseHttp = true });
            // The two test patients with an active DMP; the professional is authorised on both, so the check before a retry
            // and the replacement's entryUUID lookup (TD3.1) are answered. (Without an authorisation the queue relies on the
            // DMP refusing a uniqueId it already has: covered by the unit tests.)
            var withDmp = DmpSimulator.TestPatients.Take(2).ToArray();
            var patients = withDmp.Select(Patient).ToArray();
            simulator.SetAuthorization(withDmp[1], Professional, DmpAuthorization.Valid);
            var consents = new InMemoryDmpConsentStore();
            foreach (var patient in patients)
            {
                await consents.SetAsync(patient.Ins, new DmpPatientConsent { PatientInformed = true, ConsultationConsent = true });
            }

            using var signerCertificate = simulator.Pki.IssueOrganisationCertificate(Structure, "DMP-SIGN");
            using var signer = TestPki.CreateCredential(signerCertificate);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            var client = new DmpClient(new DmpClientOptions
            {
                BaseAddress = new Uri(simulator.BaseAddress, DmpSimulator.ServicesPath),
                LpsName = "Segur scenario",
                LpsVersion = "1.0",
                HomologationNumber = "TEST-0001",
                VihfSigner = signer,
                ConsentStore = consents,
                NonIdempotentTimeout = TimeSpan.FromSeconds(1), // an injected timeout costs one second
                Pipeline = ResiliencePipeline.Empty, // the outbox retries; no hidden retries below it
            }, new HttpSoapTransport(http));

            // Faults on TD2.1 only for the timeouts (the others also hit the TD3.1 check before a retry).
            simulator.InjectRandomFault(new DmpFault(DmpFaultKind.HttpError) { HttpStatus = 503 }, 0.05, seed: 1);
            simulator.InjectRandomFault(new DmpFault(DmpFaultKind.ConnectionReset), 0.03, seed: 2);
            simulator.InjectRandomFault(new DmpFault(DmpFaultKind.TimeoutBeforeCommit), 0.02, seed: 3, target: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
            simulator.InjectRandomFault(new DmpFault(DmpFaultKind.TimeoutAfterCommit), 0.03, seed: 4, target: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");

            var databasePath = Path.Combine(folder.FullName, "outbox.db");
            var network = new ManualDmpSignal(true);
            var documents = BuildDocuments(patients);
            var ids = new List<Guid>();

            // First run: queue everything, send about half, then stop the processor.
            await using (var run = new Run(databasePath, client, network))
            {
                foreach (var (patient, cda) in documents)
                {
                    ids.Add((await run.Queue.EnqueueAsync(Request(patient, cda))).Id);
                }

                output.WriteLine($"queued {ids.Count} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
                run.Start();
                await WaitForAsync(run, sent => sent >= Documents / 4);
                simulator.NetworkDown = true; // an outage nobody announced: transport failures, back-off
                await Task.Delay(TimeSpan.FromSeconds(1));
                simulator.NetworkDown = false;
                await WaitForAsync(run, sent => sent >= Documents / 2);
                await run.StopAsync();
            }

            output.WriteLine($"first run stopped in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            await using (var run = new Run(databasePath, client, network))
            {
                network.Set(false); // the application knows the network is down: items wait without attempts
                run.Start();
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                var waiting = await run.Queue.ListAsync(new DmpQueueQuery { State = DmpQueueItemState.WaitingForNetwork, Limit = Documents });
                output.WriteLine($"{waiting.Count} waiting for the network");
                network.Set(true);
                await WaitForAsync(run, sent => sent == Documents);

                var items = await run.Queue.ListAsync(new DmpQueueQuery { Limit = Documents * 2 });
                Assert.Equal(Documents, items.Count);
                Assert.All(items, i => Assert.Equal(DmpQueueItemState.Sent, i.State));
                Assert.All(items, i => Assert.Equal(1, simulator.CountStoredSubmissions(i.UniqueId)));
                var replaced = items.Where(i => i.ReplacesUniqueId is not null).Select(i => i.ReplacesUniqueId!).ToHashSet(StringComparer.Ordinal);
                Assert.Equal(Documents / ReplaceEvery, replaced.Count);
                var ours = items.Select(i => i.UniqueId).ToHashSet(StringComparer.Ordinal);
                var stored = withDmp.SelectMany(simulator.GetDocuments).Where(e => ours.Contains(e.UniqueId)).ToList(); // not the Signature01 entries
                Assert.Equal(Documents, stored.Count);
                Assert.All(stored.Where(e => replaced.Contains(e.UniqueId)), e => Assert.Equal("Deprecated", e.Status));
                var ambiguousOnce = simulator.Requests.Count(r => r.Outcome.Contains("TimeoutAfterCommit", StringComparison.Ordinal));
                output.WriteLine($"requests {simulator.Requests.Count}, timeouts after commit {ambiguousOnce}, attempts {items.Sum(i => i.Attempts)}");
                Assert.True(ambiguousOnce > 0, "the scenario must include submissions committed without an answer");
            }

            output.WriteLine($"scenario done in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task WaitForAsync(Run run, Func<long, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4)); // safety net, not a timing assert
        while (true)
        {
            var statistics = await run.Outbox.GetStatisticsAsync(timeout.Token);
            var sent = (await run.Queue.ListAsync(new DmpQueueQuery { State = DmpQueueItemState.Sent, Limit = Documents * 2 }, timeout.Token)).Count;
            var rejected = await run.Queue.ListAsync(new DmpQueueQuery { State = DmpQueueItemState.Rejected, Limit = 5 }, timeout.Token);
            Assert.True(rejected.Count == 0, "rejected: " + string.Join("; ", rejected.Select(r => r.Error)));
            if (done(sent))
            {
                return;
            }

            Assert.True(statistics.Pending > 0, "nothing pending but not done");
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }
    }

    private static List<(DmpPatient Patient, CdaBuildResult Cda)> BuildDocuments(DmpPatient[] patients)
    {
        var builder = new CdaDocumentBuilder();
        var pdf = Encoding.Latin1.GetBytes("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
        var documents = new List<(DmpPatient, CdaBuildResult)>(Documents);
        for (var i = 0; i < Documents; i++)
        {
            if (i % ReplaceEvery == ReplaceEvery - 1)
            {
                var (patient, previous) = documents[^1];
                var header = Header(patient, $"Compte rendu {i} (corrigé)").AsReplacementOf(previous.Reference);
                documents.Add((patient, builder.BuildN1(header, pdf)));
            }
            else
            {
                var patient = patients[i % patients.Length];
                documents.Add((patient, builder.BuildN1(Header(patient, $"Compte rendu {i}"), pdf)));
            }
        }

        return documents;
    }

    private static CdaHeader Header(DmpPatient patient, string title) => new()
    {
        Patient = new CdaPatient
        {
            Ins = patient.Ins.Matricule.Value,
            InsOid = patient.Ins.Oid.Value,
            BirthName = patient.Traits.BirthName,
            FirstNames = [.. patient.Traits.GivenNames],
            Sex = CdaAdministrativeGender.Female,
            BirthDate = new DateOnly(1979, 3, 28),
        },
        Author = new CdaAuthor
        {
            PsIdNat = Professional,
            FamilyName = "OFFICINE",
            GivenName = "Paul",
            Specialty = new CdaCode("G15_21", "1.2.250.1.213.1.1.4.5"),
            Organization = new CdaOrganization { IdType = CdaOrganizationIdType.Finess, Identifier = "750712184", Name = "Pharmacie du scénario" },
        },
        TypeCode = CdaCode.FromLoinc("11488-4"),
        Title = title,
    };

    private static DmpPatient Patient(string matricule) => DmpPatient.Restore(
        new InsIdentifier(InsMatricule.Parse(matricule), InsOid.TestNir),
        InsTraits.Create("PAT-TROIS", "DOMINIQUE MARIE-LOUISE", InsSex.Female, BirthDate.Create(1979, 3, 28)));

    private static DmpSendRequest Request(DmpPatient patient, CdaBuildResult cda) => new()
    {
        Patient = patient,
        Document = new DmpDocument { Cda = cda.Content, ClassCode = new CdaCode("10", "1.2.250.1.213.1.1.4.1", "Compte rendu") },
        User = new DmpUserContext
        {
            Mode = DmpAuthenticationMode.Indirect,
            User = ProfessionalIdentifier.Parse(Professional),
            FamilyName = "OFFICINE",
            GivenName = "Paul",
            Structure = OrganizationIdentifier.Parse(Structure),
            Roles = [new DmpRole("21", "1.2.250.1.71.1.2.7", "Pharmacien"), new DmpRole("G15_21", "1.2.250.1.213.1.1.4.5")],
        },
    };

    /// <summary>One process's life: an outbox on the SQLite file, the queue and a running processor.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly OutboxProcessor _processor;
        private Task? _running;

        public Run(string databasePath, IDmpClient client, ManualDmpSignal network)
        {
            Outbox = new DurableOutbox(new OutboxOptions
            {
                DatabasePath = databasePath,
                MaxConcurrency = 4,
                RetryBaseDelay = TimeSpan.FromMilliseconds(100),
                RetryMaxDelay = TimeSpan.FromSeconds(1),
                PollInterval = TimeSpan.FromMilliseconds(250),
                CircuitBreakerFailureThreshold = 20,
                CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500),
                MaxAttempts = 1000,
                LeaseDuration = TimeSpan.FromSeconds(30),
            });
            Queue = new DmpSendQueue(Outbox, client, network: network);
            _processor = new OutboxProcessor(Outbox, Queue.Handlers, Queue.Preconditions);
        }

        public DurableOutbox Outbox { get; }

        public DmpSendQueue Queue { get; }

        public void Start() => _running = _processor.RunAsync(_stop.Token);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_running is not null)
            {
                await _running;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _processor.DisposeAsync();
            await Outbox.DisposeAsync();
            _stop.Dispose();
        }
    }
}
