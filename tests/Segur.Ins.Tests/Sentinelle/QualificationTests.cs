using Segur.Ins.Sentinelle;

namespace Segur.Ins.Tests.Sentinelle;

public class QualificationTests
{
    [Fact]
    public async Task QualifyAsync_AfterMatchingCheckWithPassport_QualifiesSavesAndAudits()
    {
        await using var h = new SentinelleHarness();
        var record = h.SeedProvisional("p1");
        await h.CheckAsync(record);

        var result = await h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport, "PA-123"));

        Assert.Equal(IdentityStatus.Recuperee, result.PreviousStatus);
        Assert.Equal(IdentityStatus.Qualifiee, result.Status);
        Assert.Equal(SentinelleHarness.DominiqueMatricule, result.Ins.Matricule.Value);
        var stored = (await h.Directory.GetAsync("p1"))!;
        Assert.Equal(IdentityStatus.Qualifiee, stored.Identity.Status);
        Assert.Equal("PA", stored.Identity.IdentityCheck!.ValidationMode);
        Assert.Equal(result.Record.ConcurrencyToken, stored.ConcurrencyToken);
        var audit = Assert.Single(h.Audit.Records, a => a.Action == "ins.qualify");
        Assert.Equal("success", audit.Outcome);
        Assert.Equal("RECUP", audit.Details!["previousStatus"]);
        Assert.Equal("PA", audit.Details["validationMode"]);
        Assert.True(audit.Details.ContainsKey("insiMessageId"));
    }

    [Fact]
    public async Task QualifyAsync_ProvisionalRecordWithRecentAgreement_GoesStraightToQualified()
    {
        await using var h = new SentinelleHarness(configure: o => o.ApplyMatchingResults = false);
        var record = h.SeedProvisional("p1");
        await h.CheckAsync(record);
        Assert.Equal(IdentityStatus.Provisoire, (await h.Directory.GetAsync("p1"))!.Identity.Status);

        var result = await h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.NationalIdentityCard));

        Assert.Equal(IdentityStatus.Provisoire, result.PreviousStatus);
        Assert.Equal(IdentityStatus.Qualifiee, (await h.Directory.GetAsync("p1"))!.Identity.Status);
    }

    [Fact]
    public async Task QualifyAsync_WithoutDocument_IsRefusedAndAudited()
    {
        await using var h = new SentinelleHarness();
        await h.CheckAsync(h.SeedProvisional("p1"));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", null));

        Assert.Equal(InsErrorCodes.IdentityDocumentMissing, ex.ErrorCode);
        Assert.Equal(IdentityStatus.Recuperee, (await h.Directory.GetAsync("p1"))!.Identity.Status);
        var audit = Assert.Single(h.Audit.Records, a => a.Action == "ins.qualify");
        Assert.Equal("refused", audit.Outcome);
        Assert.Equal(InsErrorCodes.IdentityDocumentMissing, audit.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_LowTrustDocument_IsRefused()
    {
        await using var h = new SentinelleHarness();
        await h.CheckAsync(h.SeedProvisional("p1"));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document("AN")));

        Assert.Equal(InsErrorCodes.IdentityDocumentNotHighTrust, ex.ErrorCode);
        Assert.Equal(IdentityStatus.Recuperee, (await h.Directory.GetAsync("p1"))!.Identity.Status);
    }

    [Fact]
    public async Task QualifyAsync_ExceptionProcedureWithJustification_Qualifies()
    {
        await using var h = new SentinelleHarness();
        await h.CheckAsync(h.SeedProvisional("p1"));

        await h.Service.QualifyAsync("p1", IdentityEvidence.ExceptionProcedure("LEP", "Minor: family record book and mother's CNI, decided by Dr X"));

        Assert.Equal(IdentityStatus.Qualifiee, (await h.Directory.GetAsync("p1"))!.Identity.Status);
        var audit = Assert.Single(h.Audit.Records, a => a.Action == "ins.qualify");
        Assert.Equal("true", audit.Details!["exceptionProcedure"]);
        Assert.StartsWith("Minor", audit.Details["justification"], StringComparison.Ordinal);
    }

    [Fact]
    public void ExceptionProcedure_WithoutJustification_IsRefused()
    {
        var ex = Assert.Throws<SegurValidationException>(() => IdentityEvidence.ExceptionProcedure("LEP", " "));

        Assert.Equal(InsErrorCodes.ExceptionJustificationMissing, ex.ErrorCode);
    }

    [Fact]
    public void Document_UnknownMode_IsRefused()
    {
        var ex = Assert.Throws<SegurValidationException>(() => IdentityEvidence.Document("XX"));

        Assert.Equal(InsErrorCodes.IdentityCheckInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_WithoutInsiAnswer_IsRefused()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiAgreementMissing, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_InsiAnswerTooOld_IsRefused()
    {
        await using var h = new SentinelleHarness(configure: o => o.AgreementValidity = TimeSpan.FromMinutes(30));
        await h.CheckAsync(h.SeedProvisional("p1"));
        h.Time.Advance(TimeSpan.FromMinutes(31));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiAgreementMissing, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_NotFoundByInsi_IsRefused()
    {
        await using var h = new SentinelleHarness(_ => Insi.InsiTestSupport.NotFound);
        await h.CheckAsync(h.SeedProvisional("p1"));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiAgreementMissing, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_InsiTraitsDiffer_IsRefusedNamingTheTraits()
    {
        await using var h = new SentinelleHarness(_ => SentinelleHarness.FoundDominique("DOMINIQUE MARIE"));
        await h.CheckAsync(h.SeedProvisional("p1"));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiTraitsDiffer, ex.ErrorCode);
        Assert.Contains("givenNames", ex.Message, StringComparison.Ordinal);
        Assert.Equal(IdentityStatus.Provisoire, (await h.Directory.GetAsync("p1"))!.Identity.Status);
    }

    [Fact]
    public async Task QualifyAsync_TraitsEditedAfterTheCheck_IsRefused()
    {
        await using var h = new SentinelleHarness(configure: o => o.ApplyMatchingResults = false);
        var record = h.SeedProvisional("p1");
        await h.CheckAsync(record);
        var edited = IdentityRecord.FromState(record.Identity);
        edited.EditTraits(SentinelleHarness.DominiqueTraits("DOMINIQUE ANNE"));
        await h.Directory.SaveAsync(record.WithIdentity(edited.ToState()));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiTraitsDiffer, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_RecordBecameDoubtful_IsRefused()
    {
        await using var h = new SentinelleHarness();
        var record = h.SeedProvisional("p1");
        await h.CheckAsync(record);
        var current = (await h.Directory.GetAsync("p1"))!;
        var doubtful = IdentityRecord.FromState(current.Identity);
        doubtful.SetAttribute(IdentityAttributes.Douteuse);
        await h.Directory.SaveAsync(current.WithIdentity(doubtful.ToState()));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.QualifyAsync("p1", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.InsiForbidden, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_UnknownRecord_IsRefused()
    {
        await using var h = new SentinelleHarness();

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => h.Service.QualifyAsync("nobody", IdentityEvidence.Document(IdentityCheck.Passport)));

        Assert.Equal(InsErrorCodes.PatientNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task QualifyAsync_AlreadyQualified_ChangesNothing()
    {
        await using var h = new SentinelleHarness();
        h.SeedQualified("q1");
        var saves = h.Directory.SaveCount;

        var result = await h.Service.QualifyAsync("q1", IdentityEvidence.Document(IdentityCheck.Passport));

        Assert.True(result.WasAlreadyQualified);
        Assert.Equal(saves, h.Directory.SaveCount);
    }
}
