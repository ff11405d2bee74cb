using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Segur.Auth;
using Segur.Dmp.Access;
using Segur.Dmp.Client;
using Segur.Dmp.Queue;
using Segur.Dmp.Tests.Cda;
using Segur.Outbox;
using Segur.Testing;

namespace Segur.Dmp.Tests.Queue;

public sealed class DmpSendQueueTests
{
    private static readonly TimeSpan PastBackoff = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EnqueueAsync_EmptyCda_ThrowsQueueCdaInvalidAndStoresNothing()
    {
        await using var kit = new DmpQueueTestKit();
        var request = DmpQueueTestKit.Request(DmpQueueTestKit.Build()) with { Document = new DmpDocument { Cda = ReadOnlyMemory<byte>.Empty, ClassCode = new("10", "1.2.250.1.213.1.1.4.1") } };

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => kit.Queue.EnqueueAsync(request));

        Assert.Equal(DmpErrorCodes.QueueCdaInvalid, ex.ErrorCode);
        Assert.Empty(await kit.Queue.ListAsync());
    }

    [Fact]
    public async Task EnqueueAsync_NotACda_ThrowsQueueCdaInvalidNamingTheReaderCode()
    {
        await using var kit = new DmpQueueTestKit();
        var request = DmpQueueTestKit.Request(DmpQueueTestKit.Build()) with { Document = new DmpDocument { Cda = "<html/>"u8.ToArray(), ClassCode = new("10", "1.2.250.1.213.1.1.4.1") } };

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => kit.Queue.EnqueueAsync(request));

        Assert.Equal(DmpErrorCodes.QueueCdaInvalid, ex.ErrorCode);
        Assert.Contains(DmpErrorCodes.CdaNotClinicalDocument, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnqueueAsync_CdaOfAnotherPatient_ThrowsPatientMismatch()
    {
        await using var kit = new DmpQueueTestKit();

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build(), patient: DmpQueueTestKit.OtherPatient)));

        Assert.Equal(DmpErrorCodes.QueueCdaPatientMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task EnqueueAsync_SameDocumentTwice_ReturnsExistingItemAndSendsOnce()
    {
        await using var kit = new DmpQueueTestKit();
        var cda = DmpQueueTestKit.Build();

        var first = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda));
        var second = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda));
        await kit.DrainAsync();
        var third = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda));
        await kit.DrainAsync();

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.Equal(DmpQueueItemState.Sent, third.State);
        Assert.Single(kit.Submissions);
    }

    [Fact]
    public async Task EnqueueAsync_NewVersionWithUnchangedContent_ReturnsPreviousItemAndDoesNotSend()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        var first = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v1));
        await kit.DrainAsync();

        var again = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Replace(v1, "Compte rendu d'entretien pharmaceutique")));
        await kit.DrainAsync();

        Assert.Equal(first.Id, again.Id);
        Assert.Single(kit.Submissions);
    }

    [Fact]
    public async Task EnqueueAsync_SameSetAndVersionWithAnotherId_ThrowsVersionConflict()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v1));
        var clash = DmpQueueTestKit.Build(header: CdaTestData.Header(title: "Autre contenu") with { SetId = v1.Reference.SetId, VersionNumber = 1 });

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(clash)));

        Assert.Equal(DmpErrorCodes.QueueVersionConflict, ex.ErrorCode);
    }

    [Fact]
    public async Task ProcessorRun_ReadyDocument_SendsExactBytesAndRecordsEntryUuid()
    {
        await using var kit = new DmpQueueTestKit();
        var cda = DmpQueueTestKit.Build();
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda));
        Assert.Equal(DmpQueueItemState.Ready, item.State);

        await kit.DrainAsync();

        var sent = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Sent, sent.State);
        Assert.Equal(kit.Dmp[cda.Reference.DocumentId].EntryUuid, sent.EntryUuid);
        var submission = Assert.Single(kit.Submissions);
        Assert.Equal(cda.Content.ToArray(), Assert.Single(submission.Documents).Cda.ToArray());
        Assert.Null(submission.Documents[0].ReplacesEntryUuid);
        Assert.Equal(DmpQueueTestKit.Patient.PatientId, submission.Patient.PatientId);
        Assert.Equal("Entretien", submission.Title);
        kit.Client.Verify(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.Is<DmpUserContext>(u => u.User.Value == "899900063480" && u.Roles.Count == 2 && u.Mode == DmpAuthenticationMode.Indirect), It.IsAny<CancellationToken>()), Times.Once);
        kit.Client.Verify(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), It.IsAny<string>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ReleaseAsync_HeldDocument_IsSentOnlyAfterReleaseAndAudited()
    {
        await using var kit = new DmpQueueTestKit();
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build(), hold: true));
        await kit.DrainAsync();

        var held = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Held, held.State);
        Assert.StartsWith(DmpErrorCodes.QueueHeldByUser, held.HoldReason, StringComparison.Ordinal);
        Assert.Empty(kit.Submissions);

        await kit.Queue.ReleaseAsync(item.Id, "899900063480");
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Single(kit.Submissions);
        Assert.Equal(["dmp.queue.hold", "dmp.queue.release"], kit.Audit.Records.Select(r => r.Action));
        Assert.Equal("899900063480", kit.Audit.Records.Last().Actor);
        Assert.Equal(item.Id.ToString("D"), kit.Audit.Records.Last().CorrelationId);
    }

    [Fact]
    public async Task EnqueueAsync_HoldByDefault_HoldsUnlessTheRequestSaysOtherwise()
    {
        await using var kit = new DmpQueueTestKit(options: new DmpSendQueueOptions { HoldByDefault = true });

        var held = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build("A")));
        var automatic = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build("B"), hold: false));

        Assert.Equal(DmpQueueItemState.Held, held.State);
        Assert.Equal(DmpQueueItemState.Ready, automatic.State);
    }

    [Fact]
    public async Task CancelAsync_HeldDocument_IsNeverSentAndAudited()
    {
        await using var kit = new DmpQueueTestKit();
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build(), hold: true));

        var cancelled = await kit.Queue.CancelAsync(item.Id);
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Cancelled, cancelled.State);
        Assert.Empty(kit.Submissions);
        Assert.Equal("dmp.queue.cancel", kit.Audit.Records.Last().Action);
        var again = await Assert.ThrowsAsync<SegurException>(() => kit.Queue.CancelAsync(item.Id));
        Assert.Equal(DmpErrorCodes.QueueInvalidState, again.ErrorCode);
        var release = await Assert.ThrowsAsync<SegurException>(() => kit.Queue.ReleaseAsync(item.Id));
        Assert.Equal(DmpErrorCodes.QueueInvalidState, release.ErrorCode);
        var unknown = await Assert.ThrowsAsync<SegurException>(() => kit.Queue.ReleaseAsync(Guid.NewGuid()));
        Assert.Equal(DmpErrorCodes.QueueItemNotFound, unknown.ErrorCode);
    }

    [Fact]
    public async Task EnqueueAsync_PatientNotInformed_HeldByPolicyUntilReleased()
    {
        var consents = new InMemoryDmpConsentStore();
        await using var kit = new DmpQueueTestKit(policy: new DmpAccessPolicy(consents));
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));
        await kit.DrainAsync();

        var held = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Held, held.State);
        Assert.StartsWith(DmpErrorCodes.QueueHeldByPolicy, held.HoldReason, StringComparison.Ordinal);
        Assert.Contains(DmpErrorCodes.AccessPatientNotInformed, held.HoldReason, StringComparison.Ordinal);
        Assert.Empty(kit.Submissions);

        await consents.SetAsync(DmpQueueTestKit.Patient.Ins, new DmpPatientConsent { PatientInformed = true });
        await kit.Queue.ReleaseAsync(item.Id);
        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
    }

    [Fact]
    public async Task ProcessorRun_OppositionRecordedAfterEnqueue_HeldAtSendTimeAndReleasable()
    {
        var consents = new InMemoryDmpConsentStore();
        await consents.SetAsync(DmpQueueTestKit.Patient.Ins, new DmpPatientConsent { PatientInformed = true });
        await using var kit = new DmpQueueTestKit(policy: new DmpAccessPolicy(consents));
        var cda = DmpQueueTestKit.Build();
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda));
        await consents.SetAsync(DmpQueueTestKit.Patient.Ins, new DmpPatientConsent { PatientInformed = true, FeedingOpposed = true });
        await kit.DrainAsync();

        var held = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Held, held.State);
        Assert.Contains(DmpErrorCodes.AccessFeedingOpposed, held.HoldReason, StringComparison.Ordinal);
        Assert.Empty(kit.Submissions);
        Assert.Equal(DmpQueueItemState.Held, Assert.Single(await kit.Queue.ListAsync(new DmpQueueQuery { State = DmpQueueItemState.Held })).State);
        Assert.Equal(item.Id, (await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda))).Id); // still the same document

        await consents.SetAsync(DmpQueueTestKit.Patient.Ins, new DmpPatientConsent { PatientInformed = true });
        await kit.Queue.ReleaseAsync(item.Id);
        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
    }

    [Fact]
    public async Task ProcessorRun_Replacement_WaitsForPredecessorAndUsesItsEntryUuid()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        var v2 = DmpQueueTestKit.Replace(v1, "Compte rendu corrigé");
        var calls = 0;
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((s, _, _) => ++calls == 1
                ? Task.FromException<DmpSubmissionResult>(new SegurTransportException(CoreErrorCodes.TransportFailed, "refused", innerException: new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))
                : Task.FromResult(kit.Accept(s)));
        var first = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v1));
        var second = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v2));

        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.Ready, (await kit.StateAsync(first.Id)).State); // connection refused: not ambiguous
        Assert.Equal(DmpQueueItemState.Ready, (await kit.StateAsync(second.Id)).State);
        Assert.Empty(kit.Submissions);

        await kit.AdvanceAndDrainAsync(PastBackoff);
        await kit.DrainAsync();

        var submitted = kit.Submissions.ToArray();
        Assert.Equal(2, submitted.Length);
        Assert.Equal(v1.Reference.DocumentId, DmpQueueTestKit.DocumentId(submitted[0].Documents[0].Cda));
        Assert.Equal(v2.Reference.DocumentId, DmpQueueTestKit.DocumentId(submitted[1].Documents[0].Cda));
        var v1State = await kit.StateAsync(first.Id);
        Assert.Equal(v1State.EntryUuid, submitted[1].Documents[0].ReplacesEntryUuid);
        Assert.Equal(v1.Reference.DocumentId, (await kit.StateAsync(second.Id)).ReplacesUniqueId);
        // v1's retry asks the DMP first (at least once delivery), and v2 asks for v1's entryUUID (the DMP assigns it).
        kit.Client.Verify(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), v1.Reference.DocumentId, It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        kit.Client.Verify(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), v2.Reference.DocumentId, It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ProcessorRun_ReplacementOfDocumentSentElsewhere_ResolvesEntryUuidFromTheDmp()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        kit.Dmp[v1.Reference.DocumentId] = new DmpDocumentEntry { EntryUuid = "urn:uuid:0d0f6a7e-0000-4000-8000-000000000001", UniqueId = v1.Reference.DocumentId, RepositoryUniqueId = "1.2.250.1.213.4.1.1.1.2", Status = DmpDocumentStatus.Approved };
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Replace(v1, "Corrigé")));

        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Equal("urn:uuid:0d0f6a7e-0000-4000-8000-000000000001", Assert.Single(kit.Submissions).Documents[0].ReplacesEntryUuid);
    }

    [Fact]
    public async Task ProcessorRun_ReplacementWhenConsultingIsRefused_UsesTheEntryUuidRecordedAtSend()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        var first = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v1));
        await kit.DrainAsync();
        kit.Client.Setup(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), It.IsAny<string>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DmpAccessDeniedException(DmpErrorCodes.AccessConsentMissing, "Consulting needs the patient's consent."));

        var second = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Replace(v1, "Corrigé")));
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(second.Id)).State);
        Assert.Equal((await kit.StateAsync(first.Id)).EntryUuid, kit.Submissions.Last().Documents[0].ReplacesEntryUuid);
    }

    [Fact]
    public async Task ProcessorRun_ReplacementOfUnknownDocument_RejectedWithPredecessorNotSent()
    {
        await using var kit = new DmpQueueTestKit();
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Replace(DmpQueueTestKit.Build(), "Corrigé")));

        await kit.DrainAsync();

        var rejected = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Rejected, rejected.State);
        Assert.Equal(DmpErrorCodes.QueuePredecessorNotSent, rejected.ErrorCode);
        Assert.Empty(kit.Submissions);
    }

    [Fact]
    public async Task ReleaseAsync_HeldPredecessor_ReleasesTheReplacementHeldBehindIt()
    {
        await using var kit = new DmpQueueTestKit();
        var v1 = DmpQueueTestKit.Build();
        var first = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(v1, hold: true));
        var second = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Replace(v1, "Corrigé")));
        await kit.DrainAsync();

        var waiting = await kit.StateAsync(second.Id);
        Assert.Equal(DmpQueueItemState.Held, waiting.State);
        Assert.StartsWith(DmpErrorCodes.QueuePredecessorHeld, waiting.HoldReason, StringComparison.Ordinal);
        Assert.Empty(kit.Submissions);

        await kit.Queue.ReleaseAsync(first.Id);
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(second.Id)).State);
        Assert.Equal((await kit.StateAsync(first.Id)).EntryUuid, kit.Submissions.Last().Documents[0].ReplacesEntryUuid);
    }

    [Fact]
    public async Task ProcessorRun_TimeoutThenDocumentFoundInDmp_MarkedSentWithoutResending()
    {
        await using var kit = new DmpQueueTestKit();
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((s, _, _) =>
            {
                kit.Accept(s); // committed by the DMP, but the answer is lost
                return Task.FromException<DmpSubmissionResult>(new SegurTransportException(CoreErrorCodes.Timeout, "The SOAP call timed out."));
            });
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        var ambiguous = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Ambiguous, ambiguous.State);
        Assert.Equal(DmpErrorCodes.QueueOutcomeUnknown, ambiguous.ErrorCode);

        await kit.AdvanceAndDrainAsync(PastBackoff);

        var sent = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Sent, sent.State);
        Assert.Equal(kit.Dmp.Single().Value.EntryUuid, sent.EntryUuid);
        Assert.Single(kit.Submissions);
    }

    [Fact]
    public async Task ProcessorRun_TimeoutBeforeCommitThenNotFound_SendsAgainOnce()
    {
        await using var kit = new DmpQueueTestKit();
        var calls = 0;
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((s, _, _) => ++calls == 1
                ? Task.FromException<DmpSubmissionResult>(new TimeoutException())
                : Task.FromResult(kit.Accept(s)));
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.Ambiguous, (await kit.StateAsync(item.Id)).State);
        await kit.AdvanceAndDrainAsync(PastBackoff);

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Equal(2, calls);
        Assert.Single(kit.Dmp);
        kit.Client.Verify(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), It.IsAny<string>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ProcessorRun_RetryRefusedDuplicateUniqueId_TakenAsSent()
    {
        await using var kit = new DmpQueueTestKit();
        var calls = 0;
        kit.Client.Setup(c => c.GetDocumentAsync(It.IsAny<DmpPatient>(), It.IsAny<string>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SegurServiceException("SGR-4401", "Consultation needs an authorisation."));
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((_, _, _) => ++calls == 1
                ? Task.FromException<DmpSubmissionResult>(new SegurTransportException(CoreErrorCodes.Timeout, "timed out"))
                : Task.FromException<DmpSubmissionResult>(new DmpRegistryException("SGR-4310", "The DMP refused the submission.", [new DmpRegistryError("XDSDuplicateUniqueIdInRegistry", "dup", "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error")])));
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        await kit.AdvanceAndDrainAsync(PastBackoff);

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ProcessorRun_RegistryRejects_ItemRejectedWithCodesAndEventRaised()
    {
        await using var kit = new DmpQueueTestKit();
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DmpRegistryException("SGR-4310", "The DMP refused the submission.",
                [new DmpRegistryError("XDSRegistryMetadataError", "classCode", "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"), new DmpRegistryError("DMP_0042", "x", "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error")]));
        using var observed = kit.Queue.Observe(kit.Processor);
        var changes = new List<DmpQueueItem>();
        var rejectedSeen = new TaskCompletionSource<DmpQueueItem>(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Queue.ItemChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e.Item);
            }

            if (e.Item.State == DmpQueueItemState.Rejected)
            {
                rejectedSeen.TrySetResult(e.Item);
            }
        };
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        var seen = await rejectedSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(item.Id, seen.Id);
        Assert.Equal("SGR-4310", seen.ErrorCode);
        Assert.Equal(["XDSRegistryMetadataError", "DMP_0042"], seen.RegistryErrorCodes);
        Assert.Equal(1, seen.Attempts);
        lock (changes)
        {
            Assert.Equal([DmpQueueItemState.Ready, DmpQueueItemState.Sending, DmpQueueItemState.Rejected], changes.Select(c => c.State));
        }

        var listed = Assert.Single(await kit.Queue.ListAsync(new DmpQueueQuery { State = DmpQueueItemState.Rejected, Patient = DmpQueueTestKit.Patient }));
        Assert.Equal(item.Id, listed.Id);
        Assert.Empty(await kit.Queue.ListAsync(new DmpQueueQuery { Patient = DmpQueueTestKit.OtherPatient }));
    }

    [Fact]
    public async Task ProcessorRun_NetworkDown_WaitsThenResumesWhenItComesBack()
    {
        await using var kit = new DmpQueueTestKit();
        kit.Network.Set(false);
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        var waiting = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.WaitingForNetwork, waiting.State);
        Assert.Equal(0, waiting.Attempts);
        Assert.Empty(kit.Submissions);

        kit.Network.Set(true);
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Single(kit.Submissions);
    }

    [Fact]
    public async Task ProcessorRun_CardAbsent_DirectDocumentWaitsWhileIndirectOneIsSent()
    {
        await using var kit = new DmpQueueTestKit();
        kit.Card.Set(false);
        var direct = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build("A"), DmpAuthenticationMode.Direct));
        var indirect = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build("B"), DmpAuthenticationMode.Indirect));

        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.WaitingForCard, (await kit.StateAsync(direct.Id)).State);
        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(indirect.Id)).State);

        kit.Card.Set(true);
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(direct.Id)).State);
        Assert.Equal(2, kit.Submissions.Count);
    }

    [Fact]
    public async Task ProcessorRun_CardRemovedDuringSend_WaitsForCardWithoutUsingAnAttempt()
    {
        await using var kit = new DmpQueueTestKit();
        var calls = 0;
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .Returns<DmpSubmission, DmpUserContext, CancellationToken>((s, _, _) =>
            {
                if (++calls == 1)
                {
                    kit.Card.Set(false);
                    return Task.FromException<DmpSubmissionResult>(new CardRemovedException("SGR-6010", "The card was removed."));
                }

                return Task.FromResult(kit.Accept(s));
            });
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build(), DmpAuthenticationMode.Direct));

        await kit.DrainAsync();
        var waiting = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.WaitingForCard, waiting.State);
        Assert.Equal(0, waiting.Attempts);

        kit.Card.Set(true);
        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
    }

    [Fact]
    public async Task ProcessorRun_NoTokenSession_WaitsForTokenAndRetriesAfterTheInterval()
    {
        var tokens = new Mock<IAccessTokenSource>();
        var loggedIn = false;
        tokens.Setup(t => t.GetAccessTokenAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .Returns(() => loggedIn ? ValueTask.FromResult(new AccessToken("t", DateTimeOffset.MaxValue)) : ValueTask.FromException<AccessToken>(new SegurAuthenticationException("SGR-3001", "No session.")));
        await using var kit = new DmpQueueTestKit(tokens: tokens.Object, options: new DmpSendQueueOptions { TokenRetryInterval = TimeSpan.FromMinutes(1) });
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();
        Assert.Equal(DmpQueueItemState.WaitingForToken, (await kit.StateAsync(item.Id)).State);
        await kit.AdvanceAndDrainAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DmpQueueItemState.WaitingForToken, (await kit.StateAsync(item.Id)).State);
        Assert.Empty(kit.Submissions);

        loggedIn = true;
        await kit.AdvanceAndDrainAsync(TimeSpan.FromSeconds(31)); // the retry timer fires on the fake clock

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
        Assert.Single(kit.Submissions);
    }

    [Fact]
    public async Task NotifyTokenAvailable_AfterLogin_ResumesAtOnce()
    {
        var tokens = new Mock<IAccessTokenSource>();
        var loggedIn = false;
        tokens.Setup(t => t.GetAccessTokenAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .Returns(() => loggedIn ? ValueTask.FromResult(new AccessToken("t", DateTimeOffset.MaxValue)) : ValueTask.FromException<AccessToken>(new SegurAuthenticationException("SGR-3001", "No session.")));
        await using var kit = new DmpQueueTestKit(tokens: tokens.Object);
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));
        await kit.DrainAsync();

        loggedIn = true;
        kit.Queue.NotifyTokenAvailable();
        await kit.DrainAsync();

        Assert.Equal(DmpQueueItemState.Sent, (await kit.StateAsync(item.Id)).State);
    }

    [Fact]
    public async Task WatchAsync_SendingADocument_StreamsEachStateChange()
    {
        await using var kit = new DmpQueueTestKit();
        using var observed = kit.Queue.Observe(kit.Processor);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<DmpQueueItemState>();
        await using var changes = kit.Queue.WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = changes.MoveNextAsync(); // subscribes before anything happens

        await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));
        await kit.DrainAsync();
        while (await next)
        {
            seen.Add(changes.Current.State);
            if (changes.Current.State == DmpQueueItemState.Sent)
            {
                break;
            }

            next = changes.MoveNextAsync();
        }

        Assert.Equal([DmpQueueItemState.Ready, DmpQueueItemState.Sending, DmpQueueItemState.Sent], seen);
    }

    [Fact]
    public async Task Restart_SqliteStoreAfterCrashMidSend_ResumesAndChecksTheDmpBeforeResending()
    {
        var folder = Directory.CreateTempSubdirectory("segur-dmpqueue-");
        try
        {
            var path = Path.Combine(folder.FullName, "outbox.db");
            var time = new ManualTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
            var cda = DmpQueueTestKit.Build();
            Guid id;
            KeyValuePair<string, DmpDocumentEntry> committed;
            var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path });
            await using (store)
            await using (var before = new DmpQueueTestKit(store, time: time))
            {
                id = (await before.Queue.EnqueueAsync(DmpQueueTestKit.Request(cda))).Id;
                // The process takes the item and "dies" while sending: the DMP committed it, nothing was recorded.
                var leases = await store.AcquireAsync(new OutboxAcquireRequest { MaxItems = 10, Now = time.GetUtcNow(), LeaseDuration = TimeSpan.FromMinutes(2), Kinds = ["dmp.feed"] });
                Assert.Single(leases);
                before.Accept(new DmpSubmission { Patient = DmpQueueTestKit.Patient, Documents = [new DmpDocument { Cda = cda.Content, ClassCode = new("10", "1.2.250.1.213.1.1.4.1") }] });
                committed = before.Dmp.Single();
            }

            SqliteConnection.ClearAllPools();
            time.Advance(TimeSpan.FromMinutes(3)); // the dead process's lease expired
            var reopened = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path });
            await using (reopened)
            await using (var after = new DmpQueueTestKit(reopened, time: time))
            {
                after.Dmp[committed.Key] = committed.Value;
                Assert.Equal(DmpQueueItemState.Sending, (await after.StateAsync(id)).State);

                await after.DrainAsync();

                var sent = await after.StateAsync(id);
                Assert.Equal(DmpQueueItemState.Sent, sent.State);
                Assert.Equal(committed.Value.EntryUuid, sent.EntryUuid);
                Assert.Empty(after.Submissions);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Restart_SqliteStoreWithQueuedDocuments_SendsThemOnceAfterRestart()
    {
        var folder = Directory.CreateTempSubdirectory("segur-dmpqueue-");
        try
        {
            var path = Path.Combine(folder.FullName, "outbox.db");
            var ids = new List<Guid>();
            var store = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path });
            await using (store)
            await using (var before = new DmpQueueTestKit(store))
            {
                before.Network.Set(false);
                for (var i = 0; i < 3; i++)
                {
                    ids.Add((await before.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build("Doc " + i)))).Id);
                }

                await before.DrainAsync();
                foreach (var id in ids)
                {
                    Assert.Equal(DmpQueueItemState.WaitingForNetwork, (await before.StateAsync(id)).State);
                }
            }

            SqliteConnection.ClearAllPools();
            var reopened = new SqliteOutboxStore(new SqliteOutboxStoreOptions { DatabasePath = path });
            await using (reopened)
            await using (var after = new DmpQueueTestKit(reopened))
            {
                await after.DrainAsync();

                foreach (var id in ids)
                {
                    Assert.Equal(DmpQueueItemState.Sent, (await after.StateAsync(id)).State);
                }

                Assert.Equal(3, after.Submissions.Count);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ProcessorRun_ClientRefusesFeedingForOpposition_ShownAsHeldNotRejected()
    {
        await using var kit = new DmpQueueTestKit();
        kit.Client.Setup(c => c.SubmitAsync(It.IsAny<DmpSubmission>(), It.IsAny<DmpUserContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DmpAccessDeniedException(DmpErrorCodes.AccessFeedingOpposed, "The patient opposed sending their documents to their DMP."));
        var item = await kit.Queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));

        await kit.DrainAsync();

        var held = await kit.StateAsync(item.Id);
        Assert.Equal(DmpQueueItemState.Held, held.State);
        Assert.Contains(DmpErrorCodes.AccessFeedingOpposed, held.HoldReason, StringComparison.Ordinal);
        Assert.Null(held.ErrorCode);
    }

    [Fact]
    public async Task AddSegurDmpQueue_WithOutboxAndClient_ProcessorSendsQueuedDocuments()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var kit = new DmpQueueTestKit(time: time); // only for its fake DMP client
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IOutboxStore>(new Segur.Testing.Outbox.InMemoryOutboxStore());
        services.AddSegurOutbox(_ => { });
        services.AddSingleton(kit.Client.Object);
        services.AddSegurDmpQueue(o => o.HoldByDefault = false);
        services.AddSegurDmpQueue(); // twice: handlers and preconditions are registered once
        await using var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<DmpSendQueue>();
        var sentSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.ItemChanged += (_, e) =>
        {
            if (e.Item.State == DmpQueueItemState.Sent)
            {
                sentSeen.TrySetResult();
            }
        };

        var item = await queue.EnqueueAsync(DmpQueueTestKit.Request(DmpQueueTestKit.Build()));
        await provider.GetRequiredService<OutboxProcessor>().RunUntilIdleAsync();
        await sentSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, provider.GetServices<IOutboxHandler>().Count());
        Assert.Equal(["dmp.network", "dmp.card", "dmp.token"], provider.GetServices<IOutboxPrecondition>().Select(p => p.Name));
        Assert.Equal(DmpQueueItemState.Sent, (await queue.GetAsync(item.Id))!.State);
        Assert.Single(kit.Submissions);
        await kit.DisposeAsync();
    }

    [Fact]
    public void Constructor_ShortPatientReferenceKey_ThrowsOptionsInvalid()
    {
        var ex = Assert.Throws<SegurValidationException>(() => new DmpQueueTestKit(options: new DmpSendQueueOptions { PatientReferenceKey = new byte[4] }));

        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
    }
}
