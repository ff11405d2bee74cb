using Microsoft.Extensions.DependencyInjection;
using Segur.Audit;
using Segur.Dmp.Access;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Xds;
using Segur.Security;
using Segur.Testing;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;
using Xunit;

namespace Segur.Dmp.Tests.Client;

public sealed class DmpServiceCollectionTests
{
    [Fact]
    public void AddSegurDmp_InvalidOptions_OneExceptionListingEveryProblem()
    {
        using var provider = new ServiceCollection().AddSegurDmp(o => o.LpsName = "MonLGO").BuildServiceProvider();

        var ex = Assert.Throws<SegurValidationException>(() => provider.GetRequiredService<IDmpClient>());

        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
        Assert.Contains("BaseAddress", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TlsCredential", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VihfSigner", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HomologationNumber", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSegurDmp_AccessPolicyUsesTheRegisteredConsentStore()
    {
        var store = new InMemoryDmpConsentStore();
        var audit = new Moq.Mock<IAuditTrail>().Object;
        var time = new ManualTimeProvider(XdsTestData.Now);
        using var credential = TestPki.CreateCredential(XdsClientFixtureCertificate());
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(audit)
            .AddSingleton<IDmpConsentStore>(store)
            .AddSegurDmp(o => Valid(o, new Uri("https://dmp.test/si-dmp-server/v2/services/"), credential, credential));
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<IDmpClient>());
        var policy = provider.GetRequiredService<DmpAccessPolicy>();
        var patient = XdsTestData.Patient();
        Assert.False((await policy.EvaluateConsultationAsync(patient, XdsTestData.User())).IsAllowed);

        await store.SetAsync(patient.Ins, new DmpPatientConsent { PatientInformed = true, ConsultationConsent = true });

        Assert.True((await policy.EvaluateConsultationAsync(patient, XdsTestData.User())).IsAllowed);
    }

    [Fact]
    public async Task AddSegurDmp_AgainstSimulatorOverMutualTls_ClientCreatedOnFirstCallAndWorks()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        await using var sim = await DmpSimulator.StartAsync(new DmpSimulatorOptions { TimeProvider = time, Pki = TestPki.Create(time, "DMP DI TESTS") });
        using var tls = TestPki.CreateCredential(sim.Pki.IssueOrganisationCertificate("10B0127189", "DMP-AUTH-CLI"));
        using var sign = TestPki.CreateCredential(sim.Pki.IssueOrganisationCertificate("10B0127189", "DMP-SIGN"));
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSegurDmp(o =>
            {
                Valid(o, new Uri(sim.BaseAddress, DmpSimulator.ServicesPath), tls, sign);
                o.ServerTrust = sim.Pki.Trust;
                o.ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = time };
                o.Access = new DmpAccessOptions { Enforce = false };
            });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IDmpClient>();
        Assert.Empty(sim.Requests);

        var status = await client.TestExistenceAsync(XdsTestData.Patient(DmpSimulator.TestPatients[0]), XdsTestData.User());

        Assert.Equal(DmpState.Active, status.State);
        var request = Assert.Single(sim.Requests);
        Assert.Contains("DMP-AUTH-CLI", request.ClientCertificateSubject, StringComparison.Ordinal);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 XdsClientFixtureCertificate()
    {
        using var fixture = new XdsClientFixture(_ => new XdsWireReply(string.Empty));
        return fixture.Certificate;
    }

    private static void Valid(DmpClientOptions o, Uri baseAddress, ICredentialSource tls, ICredentialSource sign)
    {
        o.BaseAddress = baseAddress;
        o.LpsName = "Segur Tests";
        o.LpsVersion = "1.0";
        o.HomologationNumber = "TEST-001";
        o.TlsCredential = tls;
        o.VihfSigner = sign;
    }
}
