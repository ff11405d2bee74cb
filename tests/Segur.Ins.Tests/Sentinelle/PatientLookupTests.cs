using Segur.Ins.Datamatrix;
using Segur.Ins.Sentinelle;

namespace Segur.Ins.Tests.Sentinelle;

public class PatientLookupTests
{
    private static string ScanOfDominique(string givenNames = "DOMINIQUE")
    {
        var record = IdentityRecord.CreateProvisional(SentinelleHarness.DominiqueTraits(givenNames));
        record.Qualify(InsIdentity.Create(SentinelleHarness.DominiqueTraits(givenNames), new InsIdentifier(InsMatricule.Parse(SentinelleHarness.DominiqueMatricule), InsOid.Nir)),
            new IdentityCheck(IdentityCheck.Passport, DateTimeOffset.UnixEpoch));
        return "]d1" + InsDatamatrix.CreateContent(record.GetShareableIns()) + "\r\n";
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_RecordHoldsTheIns_FoundByIns()
    {
        await using var h = new SentinelleHarness();
        h.SeedQualified("q1");
        h.SeedProvisional("other", InsTraits.Create("MARTIN", "PAUL", InsSex.Male, BirthDate.Create(1950, 1, 1)));

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique());

        Assert.Equal(PatientLookupKind.FoundByIns, lookup.Kind);
        Assert.Equal("q1", lookup.Record!.Id);
        Assert.Equal(SentinelleHarness.DominiqueMatricule, lookup.ScannedIdentity!.Matricule!.Value);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_InsKnownButTraitsDiffer_ReportsDifferences()
    {
        await using var h = new SentinelleHarness();
        h.SeedQualified("q1");

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique("DOMINIQUE JEANNE"));

        Assert.Equal(PatientLookupKind.TraitsDiffer, lookup.Kind);
        Assert.Equal("q1", lookup.Record!.Id);
        Assert.Equal(["givenNames"], lookup.Differences);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_NoInsButSameTraits_FoundByTraits()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique());

        Assert.Equal(PatientLookupKind.FoundByTraits, lookup.Kind);
        Assert.Equal("p1", lookup.Record!.Id);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_RecordWithAnotherIns_ReportsInsDifference()
    {
        await using var h = new SentinelleHarness();
        var record = IdentityRecord.CreateProvisional(SentinelleHarness.DominiqueTraits());
        record.ApplyInsiResult(InsIdentity.Create(SentinelleHarness.DominiqueTraits(), new InsIdentifier(InsMatricule.Parse("297022A02077961"[..13] + InsMatricule.ComputeKey("297022A020779")), InsOid.Nir)));
        h.Directory.Seed("r1", record);

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique());

        Assert.Equal(PatientLookupKind.TraitsDiffer, lookup.Kind);
        Assert.Equal(["ins"], lookup.Differences);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_NoRecord_NotFound()
    {
        await using var h = new SentinelleHarness();

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique());

        Assert.Equal(PatientLookupKind.NotFound, lookup.Kind);
        Assert.Null(lookup.Record);
        Assert.NotNull(lookup.ScannedIdentity);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_TwoRecordsWithTheTraits_Several()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");
        h.SeedProvisional("p2");

        var lookup = await h.Service.FindFromDatamatrixAsync(ScanOfDominique());

        Assert.Equal(PatientLookupKind.Several, lookup.Kind);
        Assert.Equal(["p1", "p2"], lookup.Candidates.Select(c => c.Id));
        Assert.Null(lookup.Record);
    }

    [Fact]
    public async Task FindFromDatamatrixAsync_NotAnInsDatamatrix_ThrowsPreciseError()
    {
        await using var h = new SentinelleHarness();

        var ex = await Assert.ThrowsAsync<SegurValidationException>(() => h.Service.FindFromDatamatrixAsync("HELLO WORLD"));

        Assert.Equal(InsErrorCodes.DatamatrixHeader, ex.ErrorCode);
    }

    [Fact]
    public async Task FindFromVitaleAsync_SameNameFirstNameAndDate_FoundByTraits()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");
        h.SeedProvisional("other", InsTraits.Create("ADRTROIS", "TOUSSAINT", InsSex.Male, BirthDate.Create(1960, 1, 1)));

        var lookup = await h.Service.FindFromVitaleAsync(new VitaleIdentity(InsMatricule.Parse("160012B02077713"), "Adrtrois", "Dominique", BirthDate.Create(1997, 2, 26), 2));

        Assert.Equal(PatientLookupKind.FoundByTraits, lookup.Kind);
        Assert.Equal("p1", lookup.Record!.Id);
    }

    [Fact]
    public async Task FindFromVitaleAsync_BeneficiaryNirKnown_FoundByInsEvenWithAnotherUsualName()
    {
        await using var h = new SentinelleHarness();
        h.SeedQualified("q1");

        var lookup = await h.Service.FindFromVitaleAsync(new VitaleIdentity(InsMatricule.Parse(SentinelleHarness.DominiqueMatricule), "MARTIN", "DOMINIQUE", BirthDate.Create(1997, 2, 26))
        {
            BeneficiaryNir = InsMatricule.Parse(SentinelleHarness.DominiqueMatricule),
        });

        Assert.Equal(PatientLookupKind.TraitsDiffer, lookup.Kind);
        Assert.Equal(["birthName"], lookup.Differences);
    }

    [Fact]
    public async Task FindFromVitaleAsync_NoRecord_NotFound()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");

        var lookup = await h.Service.FindFromVitaleAsync(new VitaleIdentity(InsMatricule.Parse("160012B02077713"), "ADRTROIS", "DOMINIQUE", BirthDate.Create(1997, 2, 27)));

        Assert.Equal(PatientLookupKind.NotFound, lookup.Kind);
    }

    [Fact]
    public async Task FindFromVitaleAsync_Homonyms_Several()
    {
        await using var h = new SentinelleHarness();
        h.SeedProvisional("p1");
        h.SeedProvisional("p2", SentinelleHarness.DominiqueTraits("DOMINIQUE CLAIRE"));

        var lookup = await h.Service.FindFromVitaleAsync(new VitaleIdentity(InsMatricule.Parse("160012B02077713"), "ADRTROIS", "DOMINIQUE", BirthDate.Create(1997, 2, 26)));

        Assert.Equal(PatientLookupKind.Several, lookup.Kind);
        Assert.Equal(2, lookup.Candidates.Count);
    }

    [Fact]
    public void VitaleIdentity_NamesNormalisedAndRankChecked()
    {
        var vitale = new VitaleIdentity(InsMatricule.Parse("160012B02077713"), "d’Ornano-Martin", "Jeanne-Marie Louise", BirthDate.Create(1985, 3, 14));

        Assert.Equal("D'ORNANO-MARTIN", vitale.LastName);
        Assert.Equal("JEANNE-MARIE", vitale.FirstName);
        var ex = Assert.Throws<SegurValidationException>(() => new VitaleIdentity(InsMatricule.Parse("160012B02077713"), "A", "B", BirthDate.Create(1985, 3, 14), 0));
        Assert.Equal(InsErrorCodes.VitaleIdentityInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task SearchInsiWithVitaleAsync_AssertionProviderConfigured_SendsItsAssertion()
    {
        var provider = new Moq.Mock<IVitaleAssertionProvider>();
        provider.Setup(p => p.GetAssertionXmlAsync(Moq.It.IsAny<VitaleIdentity>(), Moq.It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromResult<string?>("<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_v1\"/>"));
        await using var h = new SentinelleHarness(configure: o => o.VitaleAssertionProvider = provider.Object);

        var result = await h.Service.SearchInsiWithVitaleAsync(new VitaleIdentity(InsMatricule.Parse(SentinelleHarness.DominiqueMatricule), "ADRTROIS", "DOMINIQUE", BirthDate.Create(1997, 2, 26)));

        Assert.True(result.IsFound);
        provider.Verify(p => p.GetAssertionXmlAsync(Moq.It.IsAny<VitaleIdentity>(), Moq.It.IsAny<CancellationToken>()), Moq.Times.Once);
    }
}
