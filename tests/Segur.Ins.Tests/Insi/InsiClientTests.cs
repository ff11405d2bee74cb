using Moq;
using Polly;
using Polly.Retry;
using Segur.Ins.Insi;
using Segur.Soap;
using Segur.Testing;
using Segur.Testing.Pki;
using static Segur.Ins.Tests.Insi.InsiTestSupport;

namespace Segur.Ins.Tests.Insi;

public sealed class InsiClientTests
{
    [Theory]
    [InlineData("Sender", "siram_100", "desir_550", "SGR-2520", false, true)]
    [InlineData("Sender", "siram_100", "desir_560", "SGR-2521", false, true)]
    [InlineData("Receiver", "siram_40", "desir_1020", "SGR-2522", true, false)]
    [InlineData("Receiver", "siram_40", "insi_102", "SGR-2523", true, false)]
    [InlineData("Receiver", "siram_99", "desir_999", "SGR-2524", false, false)]
    public async Task SearchByTraitsAsync_FaultInResponse_MapsToTypedException(string code, string subcode, string detail, string expected, bool transient, bool configuration)
    {
        var client = new InsiClient(Options(), Transport([], Fault(code, subcode, detail)).Object);

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique()));

        Assert.Equal(expected, ex.ErrorCode);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal(configuration, ex.IsConfigurationError);
        Assert.Equal(detail, ex.ServiceCode);
        Assert.Equal(subcode, ex.Subcode);
        Assert.Equal("fatale", ex.Severity);
        Assert.Equal(code, ex.FaultCode);
        Assert.Contains(detail, ex.RawFault, StringComparison.Ordinal);
        Assert.DoesNotContain("ADRTROIS", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(expected + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchByTraitsAsync_TransientCodeListConfigured_FollowsTheList()
    {
        var options = Options();
        options.TransientFaultCodes.Clear();
        options.TransientFaultCodes.Add("desir_999");
        var client = new InsiClient(options, Transport([], Fault("Receiver", "siram_99", "desir_999")).Object);

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique()));

        Assert.True(ex.IsTransient);
        Assert.Equal(InsErrorCodes.InsiUnavailable, ex.ErrorCode);
    }

    [Fact]
    public async Task SearchByTraitsAsync_TransportMappedFaultGenerically_RemapsFromRawFault()
    {
        var raw = SoapEnvelope.Parse(Fault("Receiver", "siram_40", "desir_1020")).Fault!;
        var transport = new Mock<ISoapTransport>();
        transport.Setup(t => t.SendAsync(It.IsAny<SoapRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(raw.ToException());
        var client = new InsiClient(Options(), transport.Object);

        var ex = await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique()));

        Assert.Equal("desir_1020", ex.ServiceCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SearchByTraitsAsync_TransientFaultThenOk_RetriesWithFreshMessageId()
    {
        var options = Options();
        options.Pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<SegurException>(e => e.IsTransient), Delay = TimeSpan.Zero, MaxRetryAttempts = 2 })
            .Build();
        var sent = new List<SoapRequest>();
        var client = new InsiClient(options, Transport(sent, Fault("Receiver", "siram_40", "desir_1020"), NotFound).Object);

        var result = await client.SearchByTraitsAsync(Dominique());

        Assert.Equal(InsiSearchOutcome.NotFound, result.Outcome);
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0].MessageId, sent[1].MessageId);
        Assert.Equal(sent[1].MessageId, result.MessageId);
    }

    [Fact]
    public async Task SearchByTraitsAsync_ConfigurationFault_IsNotRetried()
    {
        var options = Options();
        options.Pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<SegurException>(e => e.IsTransient), Delay = TimeSpan.Zero, MaxRetryAttempts = 3 })
            .Build();
        var sent = new List<SoapRequest>();
        var client = new InsiClient(options, Transport(sent, Fault("Sender", "siram_100", "desir_550")).Object);

        await Assert.ThrowsAsync<InsiFaultException>(() => client.SearchByTraitsAsync(Dominique()));

        Assert.Single(sent);
    }

    [Fact]
    public async Task SearchByTraitsAsync_CertificateWithWrongCn_ThrowsBeforeCalling()
    {
        using var pki = TestPki.Create();
        using var credential = TestPki.CreateCredential(pki.IssueOrganisationCertificate("3123456789", "PHARMACIE"));
        var options = Options();
        options.Credential = credential;
        var transport = new Mock<ISoapTransport>(MockBehavior.Strict);
        var client = new InsiClient(options, transport.Object);

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => client.SearchByTraitsAsync(Dominique()));

        Assert.Equal(InsErrorCodes.InsiCertificateCommonName, ex.ErrorCode);
        Assert.Contains("INSI-MANU", ex.Message, StringComparison.Ordinal);
        transport.VerifyNoOtherCalls();
        await Assert.ThrowsAsync<SegurAuthenticationException>(() => InsiClient.CreateAsync(options));
    }

    [Fact]
    public async Task SearchByTraitsAsync_OrganisationCertificateWithoutEmetteur_UsesItsOu()
    {
        using var pki = TestPki.Create();
        using var credential = TestPki.CreateCredential(pki.IssueOrganisationCertificate("3123456789", "INSI-AUTO"));
        var options = Options();
        options.Credential = credential;
        options.Emetteur = null;
        var sent = new List<SoapRequest>();
        var client = new InsiClient(options, Transport(sent, NotFound).Object);

        await client.SearchByTraitsAsync(Dominique());

        var lps = Header(ToDocument(sent[0]), "ContexteLPS", "urn:siram:lps:ctxlps");
        Assert.Equal("3123456789", lps["Emetteur", "urn:siram:lps:ctxlps"]!.InnerText);
    }

    [Fact]
    public async Task SearchByTraitsAsync_CpxMode_RegeneratesAssertionPerCall()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        using var pki = TestPki.Create(time);
        using var card = TestPki.CreateCredential(pki.IssuePersonalCertificate("899700012345", "PHARMA", "PAUL"));
        var options = Options(InsiAuthenticationMode.Cpx);
        options.Credential = card;
        options.TimeProvider = time;
        var sent = new List<SoapRequest>();
        var client = new InsiClient(options, Transport(sent, NotFound).Object);

        await client.SearchByTraitsAsync(Dominique());
        time.Advance(TimeSpan.FromMinutes(20));
        await client.SearchByTraitsAsync(Dominique());

        string Assertion(int i) => Header(ToDocument(sent[i]), "Security", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd").InnerXml;
        Assert.NotEqual(Assertion(0), Assertion(1));
        Assert.Contains("2026-03-02T08:20:00.000Z", Assertion(1), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var options = new InsiClientOptions { AuthenticationMode = InsiAuthenticationMode.Cpx };

        var ex = Assert.Throws<SegurValidationException>(() => new InsiClient(options, Mock.Of<ISoapTransport>()));

        Assert.Contains("Idam", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LpsName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InstanceId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Credential", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InsiEnvironment.Qualification, InsiAuthenticationMode.OrganisationCertificate, "https://qualiflps-services-ps-tlsm.ameli.fr/lps")]
    [InlineData(InsiEnvironment.Qualification, InsiAuthenticationMode.Cpx, "https://qualiflps.services-ps.ameli.fr/lps")]
    [InlineData(InsiEnvironment.Production, InsiAuthenticationMode.OrganisationCertificate, "https://services-ps-tlsm.ameli.fr/lps")]
    [InlineData(InsiEnvironment.Production, InsiAuthenticationMode.Cpx, "https://services-ps.ameli.fr/lps")]
    public void ResolveEndpoint_Presets_FollowEnvironmentAndMode(InsiEnvironment environment, InsiAuthenticationMode mode, string expected)
    {
        var options = new InsiClientOptions { Environment = environment, AuthenticationMode = mode };

        Assert.Equal(new Uri(expected), options.ResolveEndpoint());
    }

    [Fact]
    public async Task VerifyAsync_UsesConfiguredContract()
    {
        var options = Options();
        options.Verification = new InsiOperationContract { OperationName = "verif", Action = "urn:test:verif", BodyElementName = "VERIF", BodyNamespace = "urn:test:ns" };
        var sent = new List<SoapRequest>();
        var client = new InsiClient(options, Transport(sent, Envelope("<R xmlns=\"urn:test:r\"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR></R>")).Object);
        var traits = InsTraits.Create("ADRTROIS", "DOMINIQUE", InsSex.Female, BirthDate.ParseIso("1997-02-26"), "2A020");

        var result = await client.VerifyAsync(new InsIdentifier(InsMatricule.Parse("297022A02077878"), InsOid.Nir), traits);

        Assert.True(result.IsConfirmed);
        Assert.Equal("urn:test:verif", sent[0].Action);
        var body = Body(ToDocument(sent[0]));
        Assert.Equal("VERIF", body.LocalName);
        Assert.Equal("urn:test:ns", body.NamespaceURI);
        Assert.Equal("297022A020778", body["INSFourni", "urn:test:ns"]!["IdIndividu", "urn:test:ns"]!["NumIdentifiant", "urn:test:ns"]!.InnerText);
    }

    [Theory]
    [InlineData("", "DOMINIQUE")]
    [InlineData("ADRTROIS", " ")]
    [InlineData("adrtrois", "DOMINIQUE")]
    [InlineData("ADRTROIS", "DOMINIQUÉ")]
    public void InsiTraitsQuery_BadTraits_ThrowsQueryInvalid(string name, string firstNames)
    {
        var ex = Assert.Throws<SegurValidationException>(() => new InsiTraitsQuery(name, firstNames, InsSex.Female, BirthDate.ParseIso("1997-02-26")));

        Assert.Equal(InsErrorCodes.InsiQueryInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task SearchByTraitsAsync_Cancelled_ThrowsOperationCanceled()
    {
        var transport = new Mock<ISoapTransport>();
        transport.Setup(t => t.SendAsync(It.IsAny<SoapRequest>(), It.IsAny<CancellationToken>()))
            .Returns((SoapRequest _, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith<SoapResponse>(_ => throw new OperationCanceledException(ct), TaskScheduler.Default));
        var client = new InsiClient(Options(), transport.Object);
        using var cts = new CancellationTokenSource();
        var call = client.SearchByTraitsAsync(Dominique(), cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task Client_IsMockable()
    {
        var mock = new Mock<InsiClient>();
        mock.Setup(c => c.SearchByTraitsAsync(It.IsAny<InsiTraitsQuery>(), It.IsAny<CancellationToken>())).ThrowsAsync(new SegurTransportException("SGR-1501", "down"));

        await Assert.ThrowsAsync<SegurTransportException>(() => mock.Object.SearchByTraitsAsync(Dominique()));
    }
}
