using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Segur.Testing.Dmp;

namespace Segur.Dmp.Tests.Simulator;

public sealed class DmpSimulatorFaultTests
{
    private const string Ins = "279035121518989";
    private const string Success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InjectFault_HttpErrorNextCall_ThenNormal()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.HttpError) { HttpStatus = 502 }, "repository");

        var first = await kit.FeedAsync(new PnrSpec());
        var second = await kit.FeedAsync(new PnrSpec());

        Assert.Equal(502, first.Status);
        Assert.Equal(Success, second.RegistryStatus);
        Assert.Equal("injected:HttpError", kit.Sim.Requests[0].Outcome);
    }

    [Fact]
    public async Task InjectFault_SoapFaultWithCode_OnTargetActionOnly()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.SoapFault) { Codes = ["DMP_MAINTENANCE"] }, DmpSimKit.Iti18, count: 2);

        var feed = await kit.FeedAsync(new PnrSpec());
        var query = await kit.SendAsync("registry", DmpSimKit.Iti18, DmpSimKit.FindDocuments(Ins));

        Assert.Equal(Success, feed.RegistryStatus);
        Assert.Equal(500, query.Status);
        Assert.Equal("DMP_MAINTENANCE", query.FaultCode);
        Assert.Equal("env:Receiver", query.Value("//env:Fault/env:Code/env:Value"));
    }

    [Fact]
    public async Task InjectFault_RegistryFailure_NothingStored()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.RegistryFailure) { Codes = ["XDSRegistryBusy", "XDSRepositoryBusy"] });
        var spec = new PnrSpec();

        var answer = await kit.FeedAsync(spec);

        Assert.Equal("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure", answer.RegistryStatus);
        Assert.Equal(["XDSRegistryBusy", "XDSRepositoryBusy"], answer.ErrorCodes);
        Assert.Equal(0, kit.Sim.CountStoredSubmissions(spec.Documents[0].UniqueId));
    }

    [Theory]
    [InlineData(DmpFaultKind.TimeoutBeforeCommit, 0)]
    [InlineData(DmpFaultKind.TimeoutAfterCommit, 1)]
    public async Task InjectFault_Timeout_ClientGetsNoAnswerAndStorageDependsOnCommit(DmpFaultKind kind, int stored)
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(kind), DmpSimKit.Iti41);
        var spec = new PnrSpec();
        using var giveUp = new CancellationTokenSource();

        var send = kit.FeedAsync(spec, cancellationToken: giveUp.Token);
        await kit.Sim.WaitForRequestsAsync(1).WaitAsync(Safety);
        Assert.False(send.IsCompleted);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(stored, kit.Sim.CountStoredSubmissions(spec.Documents[0].UniqueId));
        Assert.StartsWith("injected:" + kind, kit.Sim.Requests[0].Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InjectFault_TimeoutAfterCommit_RetryFindsDuplicate()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.TimeoutAfterCommit));
        var spec = new PnrSpec();
        using var giveUp = new CancellationTokenSource();
        var send = kit.FeedAsync(spec, cancellationToken: giveUp.Token);
        await kit.Sim.WaitForRequestsAsync(1).WaitAsync(Safety);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);

        var found = await kit.SendAsync("registry", DmpSimKit.Iti18,
            DmpSimKit.Query(DmpSimKit.GetDocumentsId, "ObjectRef", ("$XDSDocumentEntryUniqueId", $"('{spec.Documents[0].UniqueId}')")));
        var resend = await kit.FeedAsync(spec);

        Assert.Equal(1, found.Count("//rim:ObjectRef"));
        Assert.Equal(["XDSDuplicateUniqueIdInRegistry"], resend.ErrorCodes);
    }

    [Fact]
    public async Task InjectFault_ConnectionReset_HttpRequestException()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.ConnectionReset));
        var spec = new PnrSpec();

        await Assert.ThrowsAsync<HttpRequestException>(() => kit.FeedAsync(spec));

        Assert.Equal(0, kit.Sim.CountStoredSubmissions(spec.Documents[0].UniqueId));
    }

    [Fact]
    public async Task NetworkDown_DropsEveryRequestUntilRestored()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.NetworkDown = true;

        await Assert.ThrowsAsync<HttpRequestException>(() => kit.FeedAsync(new PnrSpec()));
        kit.Sim.NetworkDown = false;
        var answer = await kit.FeedAsync(new PnrSpec());

        Assert.Equal("network-down", kit.Sim.Requests[0].Outcome);
        Assert.Equal(Success, answer.RegistryStatus);
    }

    [Fact]
    public async Task InjectFault_Slow_AnswersOnlyAfterClockAdvances()
    {
        await using var kit = await DmpSimKit.StartAsync();
        kit.Sim.InjectFault(new DmpFault(DmpFaultKind.Slow) { Delay = TimeSpan.FromSeconds(20) });

        var send = kit.FeedAsync(new PnrSpec());
        for (var i = 0; i < 500 && !send.IsCompleted; i++)
        {
            // The delay runs on the manual clock: nothing is answered until it moves.
            await Task.Delay(10);
            kit.Time.Advance(TimeSpan.FromSeconds(20));
        }

        var answer = await send.WaitAsync(Safety);
        Assert.Equal(Success, answer.RegistryStatus);
        Assert.True(kit.Time.GetUtcNow() >= new DateTimeOffset(2026, 11, 22, 9, 0, 20, TimeSpan.Zero));
    }

    [Fact]
    public async Task InjectRandomFault_SameSeed_SameOutcomes()
    {
        async Task<string> RunAsync()
        {
            await using var kit = await DmpSimKit.StartAsync();
            kit.Sim.InjectRandomFault(new DmpFault(DmpFaultKind.HttpError), 0.5, seed: 7, target: "patients");
            var outcomes = new List<int>();
            for (var i = 0; i < 12; i++)
            {
                outcomes.Add((await kit.SendAsync("habilitations", DmpSimKit.Td03,
                    "<setAuthorization xmlns=\"urn:si-dmp-habilitations\"><action>AJOUT</action></setAuthorization>")).Status);
                outcomes.Add((await kit.SendAsync("patients", DmpSimKit.Td04,
                    "<patientList xmlns=\"urn:si-dmp-patients\"><type>LASTDOC</type><date>20260101</date></patientList>")).Status);
            }

            return string.Join(',', outcomes);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains("503", first, StringComparison.Ordinal);
        Assert.Contains("200,200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_ClientCertificateRequired()
    {
        await using var simulator = await DmpSimulator.StartAsync();
        using var clientCertificate = simulator.Pki.IssueOrganisationCertificate("10B0127189", "DMP-AUTH");
        bool ValidateServer(object _, X509Certificate? certificate, X509Chain? __, SslPolicyErrors ___) =>
            certificate is not null && certificate.GetCertHashString() == simulator.ServerCertificate!.GetCertHashString();
        using var withCertificate = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [clientCertificate], RemoteCertificateValidationCallback = ValidateServer },
        });
        using var withoutCertificate = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateServer },
        });
        var uri = simulator.GetServiceUri(Segur.Dmp.Client.DmpService.Patients);

        using var accepted = await withCertificate.PostAsync(uri, new StringContent("<x/>", System.Text.Encoding.UTF8, "application/soap+xml"));

        Assert.Equal("https", uri.Scheme);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, accepted.StatusCode);
        Assert.Contains("DMP_REQUETE_INVALIDE", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("DMP-AUTH", simulator.Requests[0].ClientCertificateSubject, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => withoutCertificate.PostAsync(uri, new StringContent("<x/>")));
    }

    [Fact]
    public async Task UnknownPath_NotFound()
    {
        await using var kit = await DmpSimKit.StartAsync();

        using var response = await kit.Http.PostAsync(new Uri(kit.Sim.BaseAddress, "/si-dmp-server/v2/services/patientCertif"), new StringContent("<x/>"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
