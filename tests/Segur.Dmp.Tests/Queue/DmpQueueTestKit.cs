using System.Collections.Concurrent;
using Moq;
using Segur.Audit;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Queue;
using Segur.Dmp.Tests.Cda;
using Segur.Identifiers;
using Segur.Ins;
using Segur.Outbox;
using Segur.Testing;
using Segur.Testing.Outbox;

namespace Segur.Dmp.Tests.Queue;

/// <summary>A queue on an in-memory outbox, a fake clock, a mocked DMP client that records submissions, and signals.</summary>
internal sealed class DmpQueueTestKit : IAsyncDisposable
{
    public DmpQueueTestKit(IOutboxStore? store = null, DmpSendQueueOptions? options = null, DmpAccessPolicy? policy = null,
        Auth.IAccessTokenSource? tokens = null, ManualTimeProvider? time = null)
    {
        Time = time ?? new ManualTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        Store = store ?? new InMemoryOutboxStore();
        Outbox = new DurableOutbox(Store, new OutboxOptions { TimeProvider = Time, RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(8), CircuitBreakerFailureThreshold = 1000 });
        Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((s, _, _) => Task.FromResult(Accept(s)));
        Client.Setup(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), It.IsAny<string>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpPatient, string, DmpUserContext, CancellationToken>((_, id, _, _) => Task.FromResult(Dmp.TryGetValue(id, out var e) ? e : null));
        options ??= new DmpSendQueueOptions();
        options.TimeProvider = Time;
        Queue = new DmpSendQueue(Outbox, Client.Object, options, policy, Network, Card, tokens, Audit);
        Processor = new OutboxProcessor(Outbox, Queue.Handlers, Queue.Preconditions);
    }

    public ManualTimeProvider Time { get; }

    public IOutboxStore Store { get; }

    public DurableOutbox Outbox { get; }

    public Mock<IDmpClient> Client { get; } = new();

    public ManualDmpSignal Network { get; } = new(true);

    public ManualDmpSignal Card { get; } = new(true);

    public RecordingAuditTrail Audit { get; } = new();

    public DmpSendQueue Queue { get; }

    public OutboxProcessor Processor { get; }

    /// <summary>What the fake DMP holds, by uniqueId.</summary>
    public ConcurrentDictionary<string, DmpDocumentEntry> Dmp { get; } = new();

    /// <summary>Every submission the client received, in order.</summary>
    public ConcurrentQueue<DmpSubmission> Submissions { get; } = new();

    public static DmpPatient Patient { get; } = MakePatient("279035121518989");

    public static DmpPatient OtherPatient { get; } = MakePatient("207058575627097");

    public static DmpUserContext User(DmpAuthenticationMode mode = DmpAuthenticationMode.Indirect) => new()
    {
        Mode = mode,
        User = ProfessionalIdentifier.Parse("899900063480"),
        FamilyName = "OFFICINE",
        GivenName = "Paul",
        Structure = OrganizationIdentifier.Parse("10B0127189"),
        Roles = [new DmpRole("21", "1.2.250.1.213.1.1.4.5", "Pharmacien"), new DmpRole("G15_21", "1.2.250.1.213.1.1.4.5")],
        AuthenticationInstant = new DateTimeOffset(2026, 1, 5, 7, 55, 0, TimeSpan.Zero),
    };

    public static CdaBuildResult Build(string title = "Compte rendu d'entretien pharmaceutique", CdaHeader? header = null, int padding = 0) =>
        new CdaDocumentBuilder().BuildN1(header ?? CdaTestData.Header(title: title), CdaTestData.Pdf(padding: padding), "application/pdf");

    public static CdaBuildResult Replace(CdaBuildResult previous, string title) =>
        new CdaDocumentBuilder().BuildN1(CdaTestData.Header(title: title).AsReplacementOf(previous.Reference), CdaTestData.Pdf(), "application/pdf");

    public static DmpSendRequest Request(CdaBuildResult cda, DmpAuthenticationMode mode = DmpAuthenticationMode.Indirect, bool? hold = null, DmpPatient? patient = null) => new()
    {
        Patient = patient ?? Patient,
        Document = new DmpDocument { Cda = cda.Content, ClassCode = new CdaCode("10", "1.2.250.1.213.1.1.4.1") },
        User = User(mode),
        Title = "Entretien",
        Hold = hold,
    };

    public Task<long> DrainAsync() => Processor.RunUntilIdleAsync();

    /// <summary>Moves the clock past every retry back-off and drains.</summary>
    public async Task AdvanceAndDrainAsync(TimeSpan by)
    {
        Time.Advance(by);
        await DrainAsync();
    }

    public async Task<DmpQueueItem> StateAsync(Guid id) => await Queue.GetAsync(id) ?? throw new InvalidOperationException("unknown item");

    public DmpSubmissionResult Accept(DmpSubmission submission)
    {
        Submissions.Enqueue(submission);
        var documents = new List<DmpSubmittedDocument>();
        foreach (var document in submission.Documents)
        {
            var uniqueId = DocumentId(document.Cda);
            var entry = new DmpDocumentEntry
            {
                EntryUuid = "urn:uuid:" + Guid.NewGuid(),
                UniqueId = uniqueId,
                RepositoryUniqueId = "1.2.250.1.213.4.1.1.1.2",
                Status = DmpDocumentStatus.Approved,
            };
            Dmp[uniqueId] = entry;
            documents.Add(new DmpSubmittedDocument(uniqueId, entry.EntryUuid));
        }

        return new DmpSubmissionResult("2.25." + Guid.NewGuid().ToString("N"), documents);
    }

    public static string DocumentId(ReadOnlyMemory<byte> cda)
    {
        using var stream = new MemoryStream(cda.ToArray());
        return new CdaReader().ReadAsync(stream, Stream.Null).GetAwaiter().GetResult().Id.Root;
    }

    public async ValueTask DisposeAsync()
    {
        await Processor.DisposeAsync();
        await Outbox.DisposeAsync();
    }

    private static DmpPatient MakePatient(string matricule) => DmpPatient.Restore(
        new InsIdentifier(InsMatricule.Parse(matricule), InsOid.TestNir),
        InsTraits.Create("PAT-TROIS", "DOMINIQUE MARIE-LOUISE", InsSex.Female, BirthDate.Create(1979, 3, 28), "51215"));
}

/// <summary>An audit trail that keeps records in memory.</summary>
internal sealed class RecordingAuditTrail : IAuditTrail
{
    public ConcurrentQueue<AuditRecord> Records { get; } = new();

    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        Records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}
