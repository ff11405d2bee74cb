using Polly;
using Segur.Dmp.Access;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Xds;
using Segur.Identifiers;
using Segur.Ins;
using Segur.Resilience;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;
using Xunit;

namespace Segur.Dmp.Tests.Client;

/// <summary>TD0.2–TD0.5 of the client against the DMP simulator (written independently from the same facts).</summary>
public sealed class DmpClientTd0SimulatorTests : IAsyncLifetime
{
    private static readonly Lazy<TestPki> Pki = new(() => TestPki.Create(new ManualTimeProvider(XdsTestData.Now)));
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
    private DmpSimulator _sim = null!;
    private HttpClient _http = null!;
    private DmpClient _client = null!;

    private static string Active => DmpSimulator.TestPatients[0];

    private static string Opposed => DmpSimulator.TestPatients[1];

    private static string NoDmp => DmpSimulator.TestPatients[2];

    private static DmpPatient Patient(string matricule) => XdsTestData.Patient(matricule);

    private static DmpUserContext User(string professional = "899900063480") => XdsTestData.User() with { User = ProfessionalIdentifier.Parse(professional) };

    public async Task InitializeAsync()
    {
        _sim = await DmpSimulator.StartAsync(new DmpSimulatorOptions { UseHttp = true, TimeProvider = _time, Pki = Pki.Value });
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _client = new DmpClient(new DmpClientOptions
        {
            BaseAddress = new Uri(_sim.BaseAddress, DmpSimulator.ServicesPath),
            LpsName = "Segur Tests",
            LpsVersion = "1.0",
            HomologationNumber = "TEST-001",
            VihfSigner = TestPki.CreateCredential(Pki.Value.IssueOrganisationCertificate("10B0127189", "DMP-SIGN")),
            Pipeline = ResiliencePipeline.Empty,
            TimeProvider = _time,
            Access = new DmpAccessOptions { Enforce = false },
        }, new HttpSoapTransport(_http, new HttpSoapTransportOptions { TimeProvider = _time }));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task TestExistenceAsync_ActiveAuthorisedTreating_ReadFromSimulator()
    {
        var status = await _client.TestExistenceAsync(Patient(Active), User());

        Assert.Equal(DmpState.Active, status.State);
        Assert.Equal(DmpAuthorization.Valid, status.Authorization);
        Assert.True(status.IsTreatingPhysician);
        Assert.True(status.AttachedToMonEspaceSante);
        Assert.True(status.InternetAccountOpen);
        Assert.Empty(status.Oppositions);
    }

    [Fact]
    public async Task TestExistenceAsync_OpposedPatient_NoAuthorisationAndOpposition()
    {
        var status = await _client.TestExistenceAsync(Patient(Opposed), User());

        Assert.Equal(DmpState.Active, status.State);
        Assert.Equal(DmpAuthorization.None, status.Authorization);
        Assert.False(status.IsTreatingPhysician);
        Assert.False(status.AttachedToMonEspaceSante);
        Assert.Contains("OPPOSITION_BRIS_DE_GLACE", status.Oppositions);
    }

    [Fact]
    public async Task TestExistenceAsync_NoDmp_NotFound()
    {
        var status = await _client.TestExistenceAsync(Patient(NoDmp), User());

        Assert.Equal(DmpState.NotFound, status.State);
    }

    [Fact]
    public async Task TestExistenceAsync_ClosedDmp_ClosedWithDate()
    {
        _sim.UpdatePatient(Active, p =>
        {
            p.State = DmpState.Closed;
            p.ClosedOn = new DateOnly(2026, 10, 1);
        });

        var status = await _client.TestExistenceAsync(Patient(Active), User());

        Assert.Equal(DmpState.Closed, status.State);
        Assert.Equal(new DateOnly(2026, 10, 1), status.ClosedOn);
    }

    [Fact]
    public async Task SetAuthorizationAsync_AddThenRemove_SeenByTestExistenceAndTheSimulator()
    {
        var other = User("801234534764");
        Assert.Equal(DmpAuthorization.None, (await _client.TestExistenceAsync(Patient(Active), other)).Authorization);

        await _client.SetAuthorizationAsync(Patient(Active), other, DmpAuthorizationAction.Add);

        Assert.Equal(DmpAuthorization.Valid, (await _client.TestExistenceAsync(Patient(Active), other)).Authorization);
        Assert.Equal(DmpAuthorization.Valid, _sim.GetAuthorization(Active, "801234534764"));

        await _client.SetAuthorizationAsync(Patient(Active), other, DmpAuthorizationAction.Remove);

        Assert.Equal(DmpAuthorization.None, (await _client.TestExistenceAsync(Patient(Active), other)).Authorization);
    }

    [Fact]
    public async Task SetAuthorizationAsync_PatientBlockedTheProfessional_RefusedNotTransient()
    {
        _sim.SetAuthorization(Active, "801234534764", DmpAuthorization.Forbidden);

        var ex = await Assert.ThrowsAnyAsync<SegurException>(() => _client.SetAuthorizationAsync(Patient(Active), User("801234534764"), DmpAuthorizationAction.Add));

        Assert.False(ex.IsTransient);
        Assert.Equal(DmpAuthorization.Forbidden, _sim.GetAuthorization(Active, "801234534764"));
    }

    [Fact]
    public async Task SetAuthorizationAsync_NoDmp_Refused()
    {
        var ex = await Assert.ThrowsAnyAsync<SegurException>(() => _client.SetAuthorizationAsync(Patient(NoDmp), User(), DmpAuthorizationAction.Add));

        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task ListPatientsAsync_LastAuthorization_ListsTheNewlyAuthorisedPatient()
    {
        var other = User("801234534764");
        var since = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        Assert.Empty(await _client.ListPatientsAsync(other, new DmpPatientListQuery(DmpPatientListKind.LastAuthorization, since)));

        await _client.SetAuthorizationAsync(Patient(Active), other, DmpAuthorizationAction.Add);
        var list = await _client.ListPatientsAsync(other, new DmpPatientListQuery(DmpPatientListKind.LastAuthorization, since));

        var entry = Assert.Single(list);
        Assert.StartsWith(Active, entry.Ins, StringComparison.Ordinal);
        Assert.Equal("DUPONT", entry.FamilyName);
        Assert.Equal(_time.GetUtcNow(), entry.Date);
    }

    [Fact]
    public async Task ListPatientsAsync_LastDocument_ListsAPatientAfterAFeed()
    {
        var since = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        Assert.Empty(await _client.ListPatientsAsync(User(), new DmpPatientListQuery(DmpPatientListKind.LastDocument, since)));

        await _client.SubmitAsync(new DmpSubmission
        {
            Patient = Patient(Active),
            Documents = [new DmpDocument { Cda = XdsTestData.Cda(), ClassCode = XdsTestData.Report }],
        }, User());
        var list = await _client.ListPatientsAsync(User(), new DmpPatientListQuery(DmpPatientListKind.LastDocument, since));

        Assert.StartsWith(Active, Assert.Single(list).Ins, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindPatientsAsync_ByTraits_FindsOnlyPatientsWithADmp()
    {
        var found = await _client.FindPatientsAsync(User(), new DmpPatientSearch { FamilyName = "dupont", BirthDate = new DateOnly(1979, 3, 15), Sex = "F" });
        var candidate = Assert.Single(found);
        Assert.Equal($"{Active}^^^&1.2.250.1.213.1.4.10&ISO^NH", candidate.Ins);
        Assert.Equal("JEANNE", candidate.GivenName);

        Assert.Empty(await _client.FindPatientsAsync(User(), new DmpPatientSearch { FamilyName = "DURAND" }));
        Assert.Empty(await _client.FindPatientsAsync(User(), new DmpPatientSearch { FamilyName = "DUPONT", Sex = "M" }));
    }

    [Fact]
    public async Task TestExistenceAsync_ServerErrorThenSuccess_RetriedBecauseIdempotent()
    {
        using var client = new DmpClient(new DmpClientOptions
        {
            BaseAddress = new Uri(_sim.BaseAddress, DmpSimulator.ServicesPath),
            LpsName = "Segur Tests",
            LpsVersion = "1.0",
            HomologationNumber = "TEST-001",
            VihfSigner = TestPki.CreateCredential(Pki.Value.IssueOrganisationCertificate("10B0127189", "DMP-SIGN")),
            // Real delays (zero base delay) on the simulator's clock: the retry must not wait on the manual clock.
            Pipeline = new ResiliencePipelineBuilder().AddSegurDefaults(new SegurResilienceOptions { RetryBaseDelay = TimeSpan.Zero }).Build(),
            TimeProvider = _time,
            Access = new DmpAccessOptions { Enforce = false },
        }, new HttpSoapTransport(_http, new HttpSoapTransportOptions { TimeProvider = _time }));
        _sim.InjectFault(new DmpFault(DmpFaultKind.HttpError) { HttpStatus = 503 }, "patients");

        var status = await client.TestExistenceAsync(Patient(Active), User());

        Assert.Equal(DmpState.Active, status.State);
        Assert.Equal(2, _sim.Requests.Count(r => r.Action == "urn:hl7-org:v3:PRPA_IN201307UV02"));
    }
}
