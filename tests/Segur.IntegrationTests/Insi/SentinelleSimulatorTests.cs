using Segur.Ins;
using Segur.Ins.Datamatrix;
using Segur.Ins.Insi;
using Segur.Ins.Sentinelle;
using Segur.Testing.Insi;

namespace Segur.IntegrationTests.Insi;

/// <summary>The Sentinelle workflows end to end over HTTPS against the INSi simulator (mutual TLS).</summary>
public sealed class SentinelleSimulatorTests(InsiSimulators sims) : IClassFixture<InsiSimulators>
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(60);

    private static PatientRecord Seed(InMemoryPatientDirectory directory, string id, string name, string givenNames, InsSex sex, string date, string? place = null) =>
        directory.Seed(id, IdentityRecord.CreateProvisional(InsTraits.Create(name, givenNames, sex, BirthDate.ParseIso(date), place)));

    [Fact]
    public async Task OpenThenQualify_Tchitchi_FirstNameStrategyFindsAndPassportQualifies()
    {
        using var insi = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var directory = new InMemoryPatientDirectory();
        await using var sentinelle = new SentinelleService(insi, directory);
        var record = Seed(directory, "tchitchi", "TCHITCHI", "OLA CATARINA BELLA", InsSex.Female, "1936-06-21", "63220");

        var check = sentinelle.OnRecordOpened(record);
        var outcome = await check.Completion.WaitAsync(Safety);

        Assert.Equal(InsiCheckStatus.Queued, check.Status);
        Assert.Equal(InsiCheckKind.FoundTraitsDiffer, outcome.Kind); // INSi knows CATARINA BELLA, the record says OLA CATARINA BELLA
        Assert.Contains("givenNames", outcome.Differences);
        var refused = await Assert.ThrowsAsync<SegurValidationException>(() => sentinelle.QualifyAsync("tchitchi", IdentityEvidence.Document(IdentityCheck.Passport)));
        Assert.Equal(InsErrorCodes.InsiTraitsDiffer, refused.ErrorCode);

        // The identity document says CATARINA BELLA: the user corrects the record, INSi checks again, qualification passes.
        var current = (await directory.GetAsync("tchitchi"))!;
        var corrected = IdentityRecord.FromState(current.Identity);
        corrected.EditTraits(InsTraits.Create("TCHITCHI", "CATARINA BELLA", InsSex.Female, BirthDate.ParseIso("1936-06-21"), "63220"));
        current = await directory.SaveAsync(current.WithIdentity(corrected.ToState()));
        var second = await sentinelle.OnRecordOpened(current).Completion.WaitAsync(Safety);
        var qualified = await sentinelle.QualifyAsync("tchitchi", IdentityEvidence.Document(IdentityCheck.Passport, "19AB12345"));

        Assert.Equal(InsiCheckKind.FoundTraitsMatch, second.Kind);
        Assert.Equal(IdentityStatus.Qualifiee, qualified.Status);
        Assert.Equal("236066322083656", qualified.Ins.Matricule.Value);
    }

    [Fact]
    public async Task OpenRecord_ManyConcurrentOpens_OneRequestReachesTheSimulator()
    {
        using var insi = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var directory = new InMemoryPatientDirectory();
        await using var sentinelle = new SentinelleService(insi, directory, new SentinelleOptions { UseFirstNameStrategy = false });
        var record = Seed(directory, "nessi", "NESSI", "MICHELANGELO", InsSex.Male, "2010-08-07", "63220");
        var before = sims.Tls.Requests.Count(r => r.Envelope.Contains("NESSI", StringComparison.Ordinal));

        var checks = Enumerable.Range(0, 8).Select(_ => sentinelle.OnRecordOpened(record)).ToList();
        var outcomes = await Task.WhenAll(checks.Select(c => c.Completion)).WaitAsync(Safety);

        Assert.All(outcomes, o => Assert.Equal(InsiCheckKind.FoundTraitsMatch, o.Kind));
        Assert.Equal(before + 1, sims.Tls.Requests.Count(r => r.Envelope.Contains("NESSI", StringComparison.Ordinal)));
        Assert.Equal(IdentityStatus.Recuperee, (await directory.GetAsync("nessi"))!.Identity.Status);
    }

    [Fact]
    public async Task OpenRecord_Houilles_NotFoundAndDeVinci_Several()
    {
        using var insi = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var directory = new InMemoryPatientDirectory();
        await using var sentinelle = new SentinelleService(insi, directory, new SentinelleOptions { UseFirstNameStrategy = false });

        var houilles = await sentinelle.OnRecordOpened(Seed(directory, "h", "HOUILLES", "PIERRE", InsSex.Male, "1993-01-27")).Completion.WaitAsync(Safety);
        var deVinci = await sentinelle.OnRecordOpened(Seed(directory, "d", "DE VINCI", "LEONARDO", InsSex.Male, "2014-02-01")).Completion.WaitAsync(Safety);

        Assert.Equal(InsiCheckKind.NotFound, houilles.Kind);
        Assert.Equal(InsiCheckKind.Several, deVinci.Kind);
        Assert.Equal(InsiNextStep.AddFirstNames, deVinci.NextStep);
    }

    [Fact]
    public async Task OpenRecord_SimulatorUnavailable_TransientErrorOutcome()
    {
        await using var simulator = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = sims.Pki });
        using var insi = await InsiClient.CreateAsync(sims.Options(simulator));
        var directory = new InMemoryPatientDirectory();
        await using var sentinelle = new SentinelleService(insi, directory, new SentinelleOptions { UseFirstNameStrategy = false });
        simulator.Unavailable = true;

        var outcome = await sentinelle.OnRecordOpened(Seed(directory, "a", "ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26")).Completion.WaitAsync(Safety);

        Assert.Equal(InsiCheckKind.Error, outcome.Kind);
        Assert.Equal(InsErrorCodes.InsiUnavailable, outcome.ErrorCode);
        Assert.True(outcome.IsTransient);
    }

    [Fact]
    public async Task BatchVerification_OverHttps_ConfirmsKnownInsAndDemotesAWrongOne()
    {
        using var insi = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var directory = new InMemoryPatientDirectory();
        var options = new SentinelleOptions { BatchMaxConcurrency = 2, BatchPermitsPerPeriod = 50 };
        var good = IdentityRecord.CreateProvisional(InsTraits.Create("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.ParseIso("1997-02-26"), "2A020"));
        good.Qualify(InsIdentity.Create(good.Traits, new InsIdentifier(InsMatricule.Parse("297022A02077878"), InsOid.Nir)), new IdentityCheck(IdentityCheck.Passport, DateTimeOffset.UnixEpoch));
        directory.Seed("good", good);
        var wrong = IdentityRecord.CreateProvisional(InsTraits.Create("ADRTROIS", "TOUSSAINT", InsSex.Male, BirthDate.ParseIso("1960-01-01"), "2B020"));
        wrong.ApplyInsiResult(InsIdentity.Create(wrong.Traits, new InsIdentifier(InsMatricule.Parse("297022A02077878"), InsOid.Nir)));
        directory.Seed("wrong", wrong);

        var report = await new InsBatchVerifier(insi, directory, options).VerifyAsync(["good", "wrong"]).WaitAsync(Safety);

        Assert.Equal(RecordVerificationOutcome.Confirmed, report.Results[0].Outcome);
        Assert.Equal(RecordVerificationOutcome.NotConfirmed, report.Results[1].Outcome);
        Assert.Equal(IdentityStatus.Provisoire, (await directory.GetAsync("wrong"))!.Identity.Status);
    }

    [Fact]
    public async Task FindFromDatamatrix_SymbolOfAQualifiedRecord_FindsItByIns()
    {
        using var insi = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var directory = new InMemoryPatientDirectory();
        await using var sentinelle = new SentinelleService(insi, directory);
        var record = Seed(directory, "corse", "CORSE", "ANTHONY", InsSex.Male, "1980-03-02", "2B020");
        await sentinelle.OnRecordOpened(record).Completion.WaitAsync(Safety);
        var qualified = await sentinelle.QualifyAsync("corse", IdentityEvidence.Document(IdentityCheck.NationalIdentityCard));

        var lookup = await sentinelle.FindFromDatamatrixAsync(InsDatamatrix.CreateContent(qualified.Ins));

        Assert.Equal(PatientLookupKind.FoundByIns, lookup.Kind);
        Assert.Equal("corse", lookup.Record!.Id);
    }
}
