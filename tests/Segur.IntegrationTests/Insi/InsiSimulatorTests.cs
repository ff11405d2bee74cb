using Polly;
using Polly.Retry;
using Segur.Ins;
using Segur.Ins.Insi;
using Segur.Resilience;
using Segur.Security;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Insi;
using Segur.Testing.Pki;

namespace Segur.IntegrationTests.Insi;

/// <summary>One mutual-TLS simulator and one CPx simulator shared by the tests of a class.</summary>
public sealed class InsiSimulators : IAsyncLifetime
{
    public TestPki Pki { get; } = TestPki.Create(name: "INSI IT");

    public InsiSimulator Tls { get; private set; } = null!;

    public InsiSimulator Cpx { get; private set; } = null!;

    public InsiSimulator Prefixed { get; private set; } = null!;

    public Pkcs12CredentialSource Organisation { get; private set; } = null!;

    public Pkcs12CredentialSource Card { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Organisation = TestPki.CreateCredential(Pki.IssueOrganisationCertificate("3123456789", "INSI-MANU"));
        Card = TestPki.CreateCredential(Pki.IssuePersonalCertificate("899700012345", "PHARMA", "PAUL"));
        Tls = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = Pki });
        Cpx = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = Pki, AuthenticationMode = InsiAuthenticationMode.Cpx });
        Prefixed = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = Pki, UsePrefixedNamespaces = true });
    }

    public async Task DisposeAsync()
    {
        await Tls.DisposeAsync();
        await Cpx.DisposeAsync();
        await Prefixed.DisposeAsync();
        Organisation.Dispose();
        Card.Dispose();
        Pki.Dispose();
    }

    public InsiClientOptions Options(InsiSimulator simulator, ResiliencePipeline? pipeline = null) => new()
    {
        Endpoint = simulator.Endpoint,
        AuthenticationMode = simulator == Cpx ? InsiAuthenticationMode.Cpx : InsiAuthenticationMode.OrganisationCertificate,
        Credential = simulator == Cpx ? Card : Organisation,
        Idam = "TESTSGIE0000",
        LpsName = "urn:lps:segur-it:1.0",
        LpsVersion = "1.0",
        InstanceId = Guid.Parse("6b1b5f3e-4f55-4b58-9d59-5d7d9f0f6a11"),
        ServerTrust = Pki.Trust,
        ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        Pipeline = pipeline ?? ResiliencePipeline.Empty,
    };
}

public sealed class InsiSimulatorTests(InsiSimulators sims) : IClassFixture<InsiSimulators>
{
    private static InsiTraitsQuery Query(string name, string firstNames, InsSex sex, string date, string? place = null) =>
        new(name, firstNames, sex, BirthDate.ParseIso(date), place);

    private static ResiliencePipeline Retry(int attempts) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<Exception>(SegurResilience.IsTransient), Delay = TimeSpan.Zero, MaxRetryAttempts = attempts })
        .Build();

    [Fact]
    public async Task SearchByTraits_MutualTls_FindsAdrtroisDominique()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));

        var result = await client.SearchByTraitsAsync(Query("ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26", "2A020"));

        Assert.True(result.IsFound);
        Assert.Equal("297022A02077878", result.Identity!.Matricule!.Value);
        Assert.Same(InsOid.Nir, result.Identity.Oid);
        Assert.Contains(sims.Tls.Requests, r => r.MessageId == result.MessageId && r.ClientCertificateSubject!.Contains("CN=INSI-MANU", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchByTraits_Tchitchi_OlaNotFoundCatarinaFound()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var ola = Query("TCHITCHI", "OLA", InsSex.Female, "1936-06-21");

        var first = await client.SearchByTraitsAsync(ola);
        var second = await client.SearchByTraitsAsync(ola.WithFirstNames("CATARINA"));

        Assert.Equal(InsiSearchOutcome.NotFound, first.Outcome);
        Assert.Equal(InsiNextStep.TryOtherFirstNames, first.NextStep);
        Assert.True(second.IsFound);
        Assert.Equal(["CATARINA", "BELLA"], second.Identity!.GivenNames);
        Assert.Equal("236066322083656", second.Identity.Matricule!.Value);
    }

    [Theory]
    [InlineData("PIERRE")]
    [InlineData("PAUL")]
    [InlineData("JACQUES")]
    [InlineData("PIERRE PAUL JACQUES")]
    public async Task SearchByTraits_Houilles_NeverFound(string firstNames)
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));

        var result = await client.SearchByTraitsAsync(Query("HOUILLES", firstNames, InsSex.Male, "1993-01-27"));

        Assert.Equal("01", result.ReturnCode);
    }

    [Fact]
    public async Task SearchByTraits_DeVinci_SeveralThenRefinedByFirstNamesOrBirthPlace()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var query = Query("DE VINCI", "LEONARDO", InsSex.Male, "2014-02-01");

        var several = await client.SearchByTraitsAsync(query);
        var byList = await client.SearchByTraitsAsync(query.WithFirstNames("LEONARDO MARCO"));
        var byPlace = await client.SearchByTraitsAsync(query.WithBirthPlace("75056"));

        Assert.Equal(InsiSearchOutcome.Several, several.Outcome);
        Assert.Equal(InsiNextStep.AddFirstNames, several.NextStep);
        Assert.True(byList.IsFound);
        Assert.True(byPlace.IsFound);
        Assert.NotEqual(byList.Identity!.Matricule, byPlace.Identity!.Matricule);
    }

    [Fact]
    public async Task SearchByTraits_Ecetinsi_ReturnsHistoryWithoutPrenom()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Prefixed));

        var result = await client.SearchByTraitsAsync(Query("ECETINSI", "PIERRE-ALAIN", InsSex.Male, "2009-07-14"));

        Assert.Equal("109076322083489", result.Identity!.Matricule!.Value);
        Assert.Equal(["209076322083439", "209066322012355"], result.Identity.History.Select(h => h.Matricule.Value));
        Assert.Equal("PIERRE-ALAIN", result.Identity.FirstName);
        Assert.Contains("ns2:RESULTAT", result.RawResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchWithVitale_KnownCard_FindsBeneficiary()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));

        var result = await client.SearchWithVitaleAsync(new InsiVitaleQuery(InsMatricule.Parse("297022A02077878"), BirthDate.ParseIso("1997-02-26"), 1));
        var other = await client.SearchWithVitaleAsync(new InsiVitaleQuery(InsMatricule.Parse("297022A02077878"), BirthDate.ParseIso("1997-02-26"), 2));

        Assert.Equal("297022A02077878", result.Identity!.Matricule!.Value);
        Assert.Equal(InsiSearchOutcome.NotFound, other.Outcome);
    }

    [Fact]
    public async Task SearchByTraits_UnknownIdam_Desir550NotRetried()
    {
        var options = sims.Options(sims.Tls, Retry(3));
        options.Idam = "UNKNOWN0000";
        using var client = await InsiClient.CreateAsync(options);
        var before = sims.Tls.Requests.Count;

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Query("ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26")));

        Assert.Equal(InsErrorCodes.InsiSoftwareNotAuthorized, ex.ErrorCode);
        Assert.Equal("desir_550", ex.ServiceCode);
        Assert.Equal("siram_100", ex.Subcode);
        Assert.False(ex.IsTransient);
        Assert.Equal(before + 1, sims.Tls.Requests.Count);
    }

    [Fact]
    public async Task SearchByTraits_CertificateWithWrongCnBypassingLocalCheck_ServerAnswersDesir560()
    {
        using var wrong = TestPki.CreateCredential(sims.Pki.IssueOrganisationCertificate("3123456789", "PHARMACIE"));
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions
        {
            ClientCredential = wrong,
            ServerTrust = sims.Pki.Trust,
            Validation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        });
        using var http = new HttpClient(handler);
        var options = sims.Options(sims.Tls);
        options.Credential = null;
        using var client = new InsiClient(options, new HttpSoapTransport(http, new HttpSoapTransportOptions { FaultMapper = new InsiFaultMapper() }));

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Query("ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26")));

        Assert.Equal(InsErrorCodes.InsiAccessDenied, ex.ErrorCode);
        Assert.True(ex.IsConfigurationError);
    }

    [Fact]
    public async Task SearchByTraits_NoClientCertificate_TlsRefused()
    {
        var handler = await SegurHttpHandlerFactory.CreateAsync(new SegurHttpHandlerOptions
        {
            ServerTrust = sims.Pki.Trust,
            Validation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        });
        using var http = new HttpClient(handler);
        var options = sims.Options(sims.Tls);
        options.Credential = null;
        using var client = new InsiClient(options, new HttpSoapTransport(http));

        await Assert.ThrowsAsync<SegurTransportException>(() => client.SearchByTraitsAsync(Query("ADRTROIS", "DOMINIQUE", InsSex.Female, "1997-02-26")));
    }
}

/// <summary>Fault injection needs its own simulator (switches are global to a simulator).</summary>
public sealed class InsiSimulatorFaultTests : IAsyncLifetime
{
    private readonly TestPki _pki = TestPki.Create(name: "INSI FAULTS");
    private InsiSimulator _sim = null!;
    private Pkcs12CredentialSource _organisation = null!;

    public async Task InitializeAsync()
    {
        _organisation = TestPki.CreateCredential(_pki.IssueOrganisationCertificate("3123456789", "INSI-AUTO"));
        _sim = await InsiSimulator.StartAsync(new InsiSimulatorOptions { Pki = _pki });
    }

    public async Task DisposeAsync()
    {
        await _sim.DisposeAsync();
        _organisation.Dispose();
        _pki.Dispose();
    }

    private InsiClientOptions Options(ResiliencePipeline pipeline) => new()
    {
        Endpoint = _sim.Endpoint,
        Credential = _organisation,
        Idam = "TESTSGIE0000",
        LpsName = "urn:lps:segur-it:1.0",
        LpsVersion = "1.0",
        InstanceId = Guid.Parse("6b1b5f3e-4f55-4b58-9d59-5d7d9f0f6a11"),
        ServerTrust = _pki.Trust,
        ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck },
        Pipeline = pipeline,
    };

    private static InsiTraitsQuery Dominique => new("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.ParseIso("1997-02-26"));

    private static ResiliencePipeline Retry(int attempts) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<Exception>(SegurResilience.IsTransient), Delay = TimeSpan.Zero, MaxRetryAttempts = attempts })
        .Build();

    [Fact]
    public async Task SearchByTraits_TwoTransientFaults_RetriedThenFound()
    {
        using var client = await InsiClient.CreateAsync(Options(Retry(3)));
        _sim.FailNextRequests(2);

        var result = await client.SearchByTraitsAsync(Dominique);

        Assert.True(result.IsFound);
        Assert.Equal(3, _sim.Requests.Count);
        Assert.Equal(3, _sim.Requests.Select(r => r.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task SearchByTraits_Unavailable_TransientDesir1020AfterRetries()
    {
        using var client = await InsiClient.CreateAsync(Options(Retry(2)));
        _sim.Unavailable = true;

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique));

        Assert.Equal(InsErrorCodes.InsiUnavailable, ex.ErrorCode);
        Assert.Equal("desir_1020", ex.ServiceCode);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, _sim.Requests.Count);
    }

    [Fact]
    public async Task SearchByTraits_TechnicalError_TransientInsi102()
    {
        using var client = await InsiClient.CreateAsync(Options(ResiliencePipeline.Empty));
        _sim.TechnicalError = true;

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique));

        Assert.Equal(InsErrorCodes.InsiTechnicalError, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SearchByTraits_ServiceHangs_AttemptTimeoutBecomesTransportException()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(TimeSpan.FromSeconds(5)).Build();
        using var client = await InsiClient.CreateAsync(Options(pipeline));
        _sim.Hang();

        var call = client.SearchByTraitsAsync(Dominique);
        await _sim.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => call);
        Assert.Equal(CoreErrorCodes.Timeout, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SearchByTraits_CallerCancels_OperationCanceled()
    {
        using var client = await InsiClient.CreateAsync(Options(ResiliencePipeline.Empty));
        _sim.Hang();
        using var cts = new CancellationTokenSource();

        var call = client.SearchByTraitsAsync(Dominique, cts.Token);
        await _sim.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }
}

public sealed class InsiSimulatorCpxTests(InsiSimulators sims) : IClassFixture<InsiSimulators>
{
    [Fact]
    public async Task SearchByTraits_CpxWithSignedAssertion_Found()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Cpx));

        var result = await client.SearchByTraitsAsync(new InsiTraitsQuery("NESSI", "MICHELANGELO", InsSex.Male, BirthDate.ParseIso("2010-08-07")));

        Assert.Equal("110086322083060", result.Identity!.Matricule!.Value);
        Assert.Contains("Security", sims.Cpx.Requests[^1].Envelope, StringComparison.Ordinal);
        Assert.Null(sims.Cpx.Requests[^1].ClientCertificateSubject);
    }

    [Fact]
    public async Task SearchByTraits_CpxCardFromAnotherPki_Desir560()
    {
        using var otherPki = TestPki.Create(name: "UNTRUSTED");
        using var card = TestPki.CreateCredential(otherPki.IssuePersonalCertificate("899700099999", "INTRUS", "IVAN"));
        var options = sims.Options(sims.Cpx);
        options.Credential = card;
        using var client = await InsiClient.CreateAsync(options);

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(new InsiTraitsQuery("NESSI", "MICHELANGELO", InsSex.Male, BirthDate.ParseIso("2010-08-07"))));

        Assert.Equal("desir_560", ex.ServiceCode);
    }
}

public sealed class InsiStrategyTests(InsiSimulators sims) : IClassFixture<InsiSimulators>
{
    [Fact]
    public async Task SearchWithFirstNameStrategy_Tchitchi_FindsWithSecondFirstName()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var before = sims.Tls.Requests.Count;

        var result = await client.SearchWithFirstNameStrategyAsync(InsTraits.Create("TCHITCHI", "OLA CATARINA BELLA", InsSex.Female, BirthDate.ParseIso("1936-06-21")));

        Assert.True(result.IsFound);
        Assert.Equal("236066322083656", result.Identity!.Matricule!.Value);
        Assert.Equal(before + 2, sims.Tls.Requests.Count);
    }

    [Fact]
    public async Task SearchWithFirstNameStrategy_DeVinciWithBirthPlace_AddsPlaceOnSeveral()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));

        var result = await client.SearchWithFirstNameStrategyAsync(InsTraits.Create("DE VINCI", "LEONARDO", InsSex.Male, BirthDate.ParseIso("2014-02-01"), "63220"));

        Assert.True(result.IsFound);
        Assert.Equal("63220", result.Identity!.BirthPlace);
    }

    [Fact]
    public async Task SearchWithFirstNameStrategy_Houilles_TriesEveryVariantThenAdvisesCheckingTraits()
    {
        using var client = await InsiClient.CreateAsync(sims.Options(sims.Tls));
        var before = sims.Tls.Requests.Count;

        var result = await client.SearchWithFirstNameStrategyAsync(InsTraits.Create("HOUILLES", "PIERRE PAUL JACQUES", InsSex.Male, BirthDate.ParseIso("1993-01-27")));

        Assert.Equal(InsiSearchOutcome.NotFound, result.Outcome);
        Assert.Equal(InsiNextStep.CheckTraits, result.NextStep);
        Assert.Equal(before + 4, sims.Tls.Requests.Count);
    }
}
