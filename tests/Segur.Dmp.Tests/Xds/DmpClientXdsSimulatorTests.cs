using Polly;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Cda;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Dmp;
using Segur.Testing.Pki;
using Xunit;

namespace Segur.Dmp.Tests.Xds;

/// <summary>The XDS client against the DMP simulator (written independently from the same facts), over HTTP on the
/// loopback: what one side writes, the other must accept.</summary>
public sealed class DmpClientXdsSimulatorTests
{
    private static async Task<(DmpSimulator Sim, DmpClient Client, HttpClient Http)> StartAsync(ManualTimeProvider time)
    {
        var pki = TestPki.Create(time);
        var sim = await DmpSimulator.StartAsync(new DmpSimulatorOptions { UseHttp = true, TimeProvider = time, Pki = pki });
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var options = new DmpClientOptions
        {
            BaseAddress = new Uri(sim.BaseAddress, DmpSimulator.ServicesPath),
            LpsName = "Segur Tests",
            LpsVersion = "1.0",
            HomologationNumber = "TEST-001",
            VihfSigner = TestPki.CreateCredential(pki.IssueOrganisationCertificate("10B0127189", "DMP-SIGN")),
            Pipeline = ResiliencePipeline.Empty,
            TimeProvider = time,
            Access = new DmpAccessOptions { Enforce = false },
        };
        var client = new DmpClient(options, new HttpSoapTransport(http, new HttpSoapTransportOptions { TimeProvider = time }));
        return (sim, client, http);
    }

    private static byte[] Build(CdaHeader header, out CdaDocumentReference reference)
    {
        var built = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) }).BuildN1(header, CdaTestData.Pdf());
        reference = built.Reference;
        return built.Content.ToArray();
    }

    [Fact]
    public async Task Lifecycle_SubmitFindRetrieveReplaceArchiveHideDelete_AcceptedBySimulator()
    {
        var time = new ManualTimeProvider(XdsTestData.Now);
        var (sim, client, http) = await StartAsync(time);
        await using var _ = sim;
        using var __ = http;
        using var ___ = client;
        var patient = XdsTestData.Patient();
        var user = XdsTestData.User();

        var first = Build(CdaTestData.Header(), out var firstRef);
        var submitted = await client.SubmitAsync(new DmpSubmission { Patient = patient, Documents = [new DmpDocument { Cda = first, ClassCode = XdsTestData.Report }] }, user);
        Assert.Equal(firstRef.DocumentId, Assert.Single(submitted.Documents).UniqueId);

        var found = Assert.Single(await client.FindDocumentsAsync(patient, user), e => e.UniqueId == firstRef.DocumentId);
        Assert.Equal(DmpDocumentStatus.Approved, found.Status);
        Assert.Equal("899900063480", found.AuthorId);
        var retrieved = await client.RetrieveDocumentAsync(patient, found, user);
        Assert.Equal(first, retrieved.Content.ToArray());

        var second = Build(CdaTestData.Header().AsReplacementOf(firstRef), out var secondRef);
        await client.ReplaceAsync(patient, firstRef.DocumentId, new DmpDocument { Cda = second, ClassCode = XdsTestData.Report }, user);
        Assert.Equal(DmpDocumentStatus.Deprecated, (await client.GetDocumentAsync(patient, firstRef.DocumentId, user))!.Status);
        var current = (await client.GetDocumentAsync(patient, secondRef.DocumentId, user))!;
        Assert.Equal(DmpDocumentStatus.Approved, current.Status);

        await client.UpdateDocumentAsync(patient, current, new DmpDocumentUpdate(DmpDocumentUpdateKind.Archive), user);
        current = (await client.GetDocumentAsync(patient, secondRef.DocumentId, user))!;
        Assert.Equal(DmpDocumentStatus.Archived, current.Status);
        await client.UpdateDocumentAsync(patient, current, new DmpDocumentUpdate(DmpDocumentUpdateKind.Unarchive), user);
        current = (await client.GetDocumentAsync(patient, secondRef.DocumentId, user))!;
        Assert.Equal(DmpDocumentStatus.Approved, current.Status);

        await client.UpdateDocumentAsync(patient, current, new DmpDocumentUpdate(DmpDocumentUpdateKind.SetVisibility, DmpVisibility.InvisibleToPatient), user);
        var hidden = (await client.GetDocumentAsync(patient, secondRef.DocumentId, user))!;
        Assert.Equal(DmpVisibility.InvisibleToPatient, hidden.Visibility);
        Assert.NotEqual(current.EntryUuid, hidden.EntryUuid);
        Assert.Equal(current.Version + 1, hidden.Version);

        await client.UpdateDocumentAsync(patient, hidden, new DmpDocumentUpdate(DmpDocumentUpdateKind.Delete), user);

        // The simulator no longer returns a logically deleted document to queries: check its state.
        Assert.Contains(sim.GetDocuments("279035121518989"), e => e.UniqueId == secondRef.DocumentId && e.Status.EndsWith("Deleted", StringComparison.Ordinal));
        Assert.DoesNotContain(await client.FindDocumentsAsync(patient, user), e => e.UniqueId == secondRef.DocumentId);
    }

    [Fact]
    public async Task SubmitAsync_SameDocumentTwice_SecondRefusedWithRegistryErrors()
    {
        var time = new ManualTimeProvider(XdsTestData.Now);
        var (sim, client, http) = await StartAsync(time);
        await using var _ = sim;
        using var __ = http;
        using var ___ = client;
        var submission = new DmpSubmission { Patient = XdsTestData.Patient(), Documents = [new DmpDocument { Cda = XdsTestData.Cda(), ClassCode = XdsTestData.Report }] };
        await client.SubmitAsync(submission, XdsTestData.User());

        var ex = await Assert.ThrowsAsync<DmpRegistryException>(() => client.SubmitAsync(submission, XdsTestData.User()));

        Assert.Equal(DmpErrorCodes.XdsRegistryFailure, ex.ErrorCode);
        Assert.NotEmpty(ex.Errors);
    }
}
