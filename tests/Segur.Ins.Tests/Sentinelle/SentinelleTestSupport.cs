using Polly;
using Segur.Audit;
using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;
using Segur.Ins.Tests.Insi;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Insi;
using Segur.Testing.Soap;

namespace Segur.Ins.Tests.Sentinelle;

/// <summary>A scripted INSi wire: answers with <see cref="Respond"/>, counts calls, can hold answers behind a gate and
/// can take time on the fake clock, recording how many calls are in flight.</summary>
internal sealed class ScriptedInsi : ISoapTransport
{
    private readonly FakeSoapTransport _inner;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<DateTimeOffset> _callTimes = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private TaskCompletionSource _open = Opened();
    private int _inFlight;

    public ScriptedInsi(TimeProvider time, Func<SoapEnvelope, string> respond)
    {
        _time = time;
        Respond = respond;
        _inner = new FakeSoapTransport(e => Respond(e));
    }

    public Func<SoapEnvelope, string> Respond { get; set; }

    /// <summary>How long each call takes on the fake clock.</summary>
    public TimeSpan CallDuration { get; set; }

    public int MaxInFlight { get; private set; }

    public IReadOnlyList<DateTimeOffset> CallTimes
    {
        get
        {
            lock (_gate)
            {
                return _callTimes.ToList();
            }
        }
    }

    public int Calls => CallTimes.Count;

    public void Hold()
    {
        lock (_gate)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _open.TrySetResult();
        }
    }

    public Task WaitForCallsAsync(int count)
    {
        lock (_gate)
        {
            if (_callTimes.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async Task<SoapResponse> SendAsync(SoapRequest request, CancellationToken cancellationToken = default)
    {
        Task open;
        lock (_gate)
        {
            _callTimes.Add(_time.GetUtcNow());
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
            foreach (var waiter in _waiters.Where(w => _callTimes.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }

            open = _open.Task;
        }

        try
        {
            await open.WaitAsync(cancellationToken);
            if (CallDuration > TimeSpan.Zero)
            {
                await Task.Delay(CallDuration, _time, cancellationToken);
            }

            return await _inner.SendAsync(request, cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

internal sealed class RecordingAuditTrail : IAuditTrail
{
    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_records)
            {
                return _records.ToList();
            }
        }
    }

    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        lock (_records)
        {
            _records.Add(record);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Everything a Sentinelle test needs: fake clock, scripted INSi, in-memory directory, audit trail.</summary>
internal sealed class SentinelleHarness : IAsyncDisposable
{
    public const string DominiqueMatricule = "297022A02077878";

    public SentinelleHarness(Func<SoapEnvelope, string>? respond = null, Action<SentinelleOptions>? configure = null)
    {
        Insi = new ScriptedInsi(Time, respond ?? (_ => FoundDominique()));
        var insiOptions = InsiTestSupport.Options();
        insiOptions.TimeProvider = Time;
        insiOptions.Pipeline = ResiliencePipeline.Empty;
        Client = new InsiClient(insiOptions, Insi);
        Options = new SentinelleOptions { TimeProvider = Time, AuditTrail = Audit, UseFirstNameStrategy = false };
        configure?.Invoke(Options);
        Service = new SentinelleService(Client, Directory, Options);
    }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public ScriptedInsi Insi { get; }

    public InsiClient Client { get; }

    public InMemoryPatientDirectory Directory { get; } = new();

    public RecordingAuditTrail Audit { get; } = new();

    public SentinelleOptions Options { get; }

    public SentinelleService Service { get; }

    public static InsTraits DominiqueTraits(string givenNames = "DOMINIQUE", string? place = "2A020") =>
        InsTraits.Create("ADRTROIS", givenNames, InsSex.Female, BirthDate.Create(1997, 2, 26), place);

    public static string FoundDominique(string givenNames = "DOMINIQUE") => Found(DominiqueMatricule, "ADRTROIS", givenNames, "F", "1997-02-26", "2A020");

    public static string Found(string matricule, string name, string givenNames, string sex, string date, string place) => InsiTestSupport.Envelope(
        "<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU>"
        + $"<INSACTIF><IdIndividu><NumIdentifiant>{matricule[..13]}</NumIdentifiant><Cle>{matricule[13..]}</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSACTIF>"
        + $"<TIQ><NomNaissance>{name}</NomNaissance><Prenom>{givenNames.Split(' ')[0]}</Prenom><ListePrenom>{givenNames}</ListePrenom><Sexe>{sex}</Sexe>"
        + $"<DateNaissance>{date}</DateNaissance><LieuNaissance>{place}</LieuNaissance></TIQ></INDIVIDU></RESULTAT>");

    public static string Several => InsiTestSupport.Envelope(
        "<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>02</CodeCR><LibelleCR>Plusieurs identites trouvees</LibelleCR></CR></RESULTAT>");

    public static string Verification(string code) => InsiTestSupport.Envelope(
        $"<REPUnitaire xmlns=\"http://www.cnamts.fr/INSiLot2/REPUnitaire\"><CR><CodeCR>{code}</CodeCR><LibelleCR>x</LibelleCR></CR></REPUnitaire>");

    public PatientRecord SeedProvisional(string id, InsTraits? traits = null) =>
        Directory.Seed(id, IdentityRecord.CreateProvisional(traits ?? DominiqueTraits()));

    public PatientRecord SeedQualified(string id)
    {
        var record = IdentityRecord.CreateProvisional(DominiqueTraits());
        record.Qualify(InsIdentity.Create(DominiqueTraits(), new InsIdentifier(InsMatricule.Parse(DominiqueMatricule), InsOid.Nir)),
            new IdentityCheck(IdentityCheck.Passport, Time.GetUtcNow()));
        return Directory.Seed(id, record);
    }

    public async Task<InsiCheckOutcome> CheckAsync(PatientRecord record) =>
        await Service.OnRecordOpened(record).Completion.WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        Client.Dispose();
    }
}
