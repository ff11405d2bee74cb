using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Logging;
using Moq;
using Segur.Diagnostics;
using Segur.Soap;
using Segur.Testing;
using Segur.Xml;

namespace Segur.Core.Tests.Soap;

public class HttpSoapTransportTests
{
    private const string SoapType = "application/soap+xml; charset=utf-8";

    private static string InsiExample(string file) => File.ReadAllText(SoapTestData.Reference("insi", "examples", file));

    private static HttpSoapTransport Transport(FakeHandler handler, HttpSoapTransportOptions? options = null) =>
        new(new HttpClient(handler), options);

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, string contentType) =>
        new(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", contentType } } } };

    [Fact]
    public async Task SendAsync_InsiRequest_PostsSoap12WithActionAndReadsTheRealResponse()
    {
        string? contentType = null, sentBody = null;
        var handler = new FakeHandler(async (request, ct) =>
        {
            contentType = request.Content!.Headers.ContentType!.ToString();
            sentBody = await request.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal(SoapTestData.Endpoint, request.RequestUri);
            return Respond(HttpStatusCode.OK, InsiExample("TEST_2.04_cas2.xml"), SoapType);
        });

        using var response = await Transport(handler).SendAsync(SoapTestData.InsiTraitsRequest());

        Assert.Equal("application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\"", contentType);
        var sent = SoapEnvelope.Parse(sentBody!);
        Assert.Equal("RECSANSVITALE", sent.BodyContent!.LocalName);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("RESULTAT", response.Envelope.BodyContent!.LocalName);
        Assert.Contains("1090763220834", response.Envelope.BodyContent.InnerText, StringComparison.Ordinal);
        Assert.Empty(response.Attachments);
    }

    [Fact]
    public async Task SendAsync_Fault500_IsMappedByTheConfiguredMapper()
    {
        var fault = SoapTestData.Fault12("env:Receiver", "siram:siram_40", "<siram:Erreur severite=\"fatale\" code=\"desir_1020\">Service indisponible</siram:Erreur>");
        var mapper = new InsiLikeMapper();
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.InternalServerError, fault, SoapType))),
            new HttpSoapTransportOptions { FaultMapper = mapper });
        var request = SoapTestData.InsiTraitsRequest();

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(request));

        Assert.Equal("SGR-2999", ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("desir_1020", ex.ServiceCode);
        Assert.Contains("desir_1020", ex.RawFault, StringComparison.Ordinal);
        Assert.Same(request, mapper.LastRequest);
    }

    [Fact]
    public async Task SendAsync_FaultTheMapperDeclines_UsesTheDefaultMapping()
    {
        var fault = SoapTestData.Fault12("env:Sender", "siram:siram_100", "<siram:Erreur severite=\"erreur\" code=\"desir_550\">IDAM inconnu</siram:Erreur>");
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.InternalServerError, fault, SoapType))),
            new HttpSoapTransportOptions { FaultMapper = new InsiLikeMapper() });

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.SoapSenderFault, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Equal("siram_100", ex.ServiceCode);
    }

    [Fact]
    public async Task SendAsync_Soap11FaultAsTextXml_IsMapped()
    {
        var fault = $"<s:Envelope xmlns:s=\"{SoapNamespaces.Soap11}\"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>";
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.InternalServerError, fault, "text/xml; charset=utf-8"))));

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.SoapReceiverFault, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_503HtmlWithRetryAfter_ThrowsTransientTransportWithRetryAfter()
    {
        var transport = Transport(new FakeHandler((_, _) =>
        {
            var response = Respond(HttpStatusCode.ServiceUnavailable, "<html><body>Maintenance</body></html>", "text/html");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
            return Task.FromResult(response);
        }));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.HttpStatus, ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Maintenance", ex.RawFault, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterDate_ComputesTheWaitFromTheTimeProvider()
    {
        var now = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var transport = Transport(new FakeHandler((_, _) =>
        {
            var response = Respond(HttpStatusCode.TooManyRequests, "slow down", "text/plain");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(30));
            return Task.FromResult(response);
        }), new HttpSoapTransportOptions { TimeProvider = new ManualTimeProvider(now) });

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.True(ex.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    public async Task SendAsync_HttpErrorWithoutSoap_ThrowsTransportException(HttpStatusCode status, bool transient)
    {
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(status, "<html>error</html>", "text/html"))));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.HttpStatus, ex.ErrorCode);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_500WithMalformedXml_IsATransientHttpError()
    {
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.InternalServerError, "<soap:Envelope", SoapType))));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.HttpStatus, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task SendAsync_401Or403_ThrowsAuthenticationException(HttpStatusCode status)
    {
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(status, "denied", "text/plain"))));

        var ex = await Assert.ThrowsAsync<SegurAuthenticationException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.HttpStatus, ex.ErrorCode);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [InlineData("<html><head><title>Login</title></head></html>", "text/html")]
    [InlineData("<html/>", "text/xml")]
    [InlineData("", "application/soap+xml")]
    public async Task SendAsync_200NotSoap_ThrowsProtocolException(string body, string contentType)
    {
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, body, contentType))));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.SoapNotSoapResponse, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(body, ex.RawFault);
    }

    [Fact]
    public async Task SendAsync_200WithDtd_IsRefused()
    {
        var hostile = $"<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\"><e:Body>&b;</e:Body></e:Envelope>";
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, hostile, SoapType))));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.XmlDtdProhibited, ex.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_ResponseLargerThanTheLimit_IsRefused()
    {
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, InsiExample("TEST_2.05.xml"), SoapType))),
            new HttpSoapTransportOptions { MaxEnvelopeSize = 100 });

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.XmlTooLarge, ex.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_HttpClientTimeout_ThrowsTransientTimeout()
    {
        var transport = Transport(new FakeHandler((_, _) => throw new TaskCanceledException("timeout", new TimeoutException())));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.Timeout, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_ThrowsTransientTransportFailed()
    {
        var transport = Transport(new FakeHandler((_, _) => throw new HttpRequestException("Connection refused", new IOException())));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.TransportFailed, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_TlsFailure_ThrowsNonTransientCertificateError()
    {
        var transport = Transport(new FakeHandler((_, _) => throw new HttpRequestException("SSL", new AuthenticationException("untrusted"))));

        var ex = await Assert.ThrowsAsync<SegurTransportException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.ServerCertificateUntrusted, ex.ErrorCode);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = Transport(new FakeHandler(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("not reached");
        }));
        using var cts = new CancellationTokenSource();

        var call = transport.SendAsync(SoapTestData.InsiTraitsRequest(), cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task SendAsync_ResponseRelatesToAnotherMessage_ThrowsMismatch()
    {
        var answer = $"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\" xmlns:wsa=\"{SoapNamespaces.Addressing}\"><e:Header><wsa:RelatesTo>urn:uuid:someone-else</wsa:RelatesTo></e:Header><e:Body><r xmlns=\"urn:r\"/></e:Body></e:Envelope>";
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, answer, SoapType))));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.SoapRelatesToMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task SendAsync_NoAddressingSent_DoesNotCheckRelatesTo()
    {
        var answer = $"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\" xmlns:wsa=\"{SoapNamespaces.Addressing}\"><e:Header><wsa:RelatesTo>urn:uuid:unrelated</wsa:RelatesTo></e:Header><e:Body/></e:Envelope>";
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, answer, SoapType))));

        using var response = await transport.SendAsync(new SoapRequest(SoapTestData.Endpoint, "urn:op", _ => { }) { WriteAddressing = false });

        Assert.Equal("urn:uuid:unrelated", response.Envelope.Addressing.RelatesTo);
    }

    [Fact]
    public async Task SendAsync_RelatesToRequiredButMissing_ThrowsMissing_AndMatchingPasses()
    {
        var request = new SoapRequest(SoapTestData.Endpoint, "urn:op", _ => { }) { RequireRelatesTo = true };
        var matching = $"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\" xmlns:wsa=\"{SoapNamespaces.Addressing}\"><e:Header><wsa:RelatesTo>{request.MessageId}</wsa:RelatesTo></e:Header><e:Body/></e:Envelope>";
        var answers = new Queue<string>([InsiExample("REP_CR01.xml"), matching]);
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, answers.Dequeue(), SoapType))));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(request));
        using var response = await transport.SendAsync(request);

        Assert.Equal(CoreErrorCodes.SoapRelatesToMissing, ex.ErrorCode);
        Assert.Equal(request.MessageId, response.Envelope.Addressing.RelatesTo);
    }

    [Fact]
    public async Task SendAsync_MtomBothWays_StreamsAttachmentsAndResolvesXop()
    {
        var document = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(document);
        using var attachment = new MtomAttachment("doc@segur", "application/pdf", new MemoryStream(document));
        var request = new SoapRequest(new Uri("https://dmp.test/repository"), "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b", w =>
        {
            w.WriteStartElement("Document", "urn:ihe:iti:xds-b:2007");
            attachment.WriteXopInclude(w);
            w.WriteEndElement();
        });
        request.Attachments.Add(attachment);
        long? declaredLength = null;
        string? requestType = null;
        var handler = new FakeHandler(async (http, ct) =>
        {
            declaredLength = http.Content!.Headers.ContentLength;
            requestType = string.Join(",", http.Content.Headers.GetValues("Content-Type"));
            var body = await http.Content.ReadAsByteArrayAsync(ct);
            Assert.Equal(declaredLength, body.Length);
            using var received = await MtomMessage.ReadAsync(new MemoryStream(body), requestType, cancellationToken: ct);
            var envelope = SoapEnvelope.Load(received.Root.OpenRead());
            var echoed = received.GetAttachment(envelope.BodyContent!)!;

            // Answer with the same document as MTOM, like an ITI-43 retrieve.
            var boundary = MtomWriter.NewBoundary();
            var output = new MemoryStream();
            using var back = new MtomAttachment("back@server", "application/pdf", echoed.OpenRead());
            await MtomWriter.WriteAsync(output, boundary, w => SoapEnvelopeWriter.WriteResponse(w, b =>
            {
                b.WriteStartElement("Document", "urn:ihe:iti:xds-b:2007");
                back.WriteXopInclude(b);
                b.WriteEndElement();
            }, "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse", envelope.Addressing.MessageId), [back], cancellationToken: ct);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(output.ToArray()) };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", MtomWriter.GetContentType(boundary));
            return response;
        });

        using var result = await Transport(handler).SendAsync(request);

        Assert.StartsWith("multipart/related; type=\"application/xop+xml\"", requestType, StringComparison.Ordinal);
        Assert.Contains("action=\"urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b\"", requestType, StringComparison.Ordinal);
        Assert.NotNull(declaredLength);
        var returned = result.GetAttachment(result.Envelope.BodyContent!)!;
        Assert.Equal(document.Length, returned.Length);
        await using var stream = returned.OpenRead();
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(document, copy.ToArray());
    }

    [Fact]
    public async Task SendAsync_SensitiveLoggingOff_NeverLogsEnvelopes()
    {
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var fault = SoapTestData.Fault12("env:Sender", "siram:siram_100", "<siram:Erreur severite=\"erreur\" code=\"desir_550\">ADRTROIS</siram:Erreur>");
        var answers = new Queue<(HttpStatusCode, string)>([(HttpStatusCode.OK, InsiExample("TEST_2.05.xml")), (HttpStatusCode.InternalServerError, fault)]);
        var transport = Transport(new FakeHandler((_, _) =>
        {
            var (status, body) = answers.Dequeue();
            return Task.FromResult(Respond(status, body, SoapType));
        }), new HttpSoapTransportOptions { LoggerFactory = factory });

        (await transport.SendAsync(SoapTestData.InsiTraitsRequest())).Dispose();
        await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(SoapTestData.InsiTraitsRequest()));

        var all = string.Join("\n", logs.Messages);
        Assert.Contains(logs.Events, e => e.Id == 1201);
        Assert.Contains(logs.Events, e => e.Id == 1202);
        Assert.Contains(logs.Events, e => e.Id == 1203 && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(logs.Events, e => e.Id is 1204 or 1205);
        Assert.DoesNotContain("ADRTROIS", all, StringComparison.Ordinal);
        Assert.DoesNotContain("PROVISOIRE", all, StringComparison.Ordinal);
        Assert.Contains("SGR-1202", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SensitiveLoggingOn_LogsEnvelopesAtTrace()
    {
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, InsiExample("TEST_2.05.xml"), SoapType))),
            new HttpSoapTransportOptions { LoggerFactory = factory, EnableSensitiveDataLogging = true });

        (await transport.SendAsync(SoapTestData.InsiTraitsRequest())).Dispose();

        Assert.Contains(logs.Events, e => e.Id == 1204 && e.Message.Contains("ADRTROIS", StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.Id == 1205 && e.Message.Contains("PROVISOIRE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_Failure_ActivityCarriesTheErrorType()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SegurDiagnostics.Core,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.OK, "<html/>", "text/html"))));
        var request = new SoapRequest(SoapTestData.Endpoint, "urn:activity-test", _ => { });

        await Assert.ThrowsAsync<SegurProtocolException>(() => transport.SendAsync(request));

        Activity activity;
        lock (stopped)
        {
            activity = stopped.Single(a => a.DisplayName == "SOAP urn:activity-test");
        }

        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(CoreErrorCodes.SoapNotSoapResponse, activity.GetTagItem(SegurDiagnostics.ErrorTypeTag));
        Assert.Equal(200, activity.GetTagItem("http.response.status_code"));
        Assert.Equal("urn:activity-test", activity.GetTagItem("soap.action"));
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var options = new HttpSoapTransportOptions { MaxEnvelopeSize = 0, Mtom = new MtomReaderOptions { MaxParts = 0, MaxPartSize = -1 } };

        var ex = Assert.Throws<SegurValidationException>(() => new HttpSoapTransport(new HttpClient(), options));

        Assert.Equal(CoreErrorCodes.OptionsInvalid, ex.ErrorCode);
        Assert.Contains("MaxEnvelopeSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxParts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxPartSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RequestFaultMapper_WinsOverTheTransportMapper()
    {
        var fault = SoapTestData.Fault12("env:Receiver", "siram:siram_40", "<siram:Erreur severite=\"fatale\" code=\"desir_1020\">x</siram:Erreur>");
        var transportMapper = new InsiLikeMapper();
        var requestMapper = new Mock<ISoapFaultMapper>();
        requestMapper.Setup(m => m.Map(It.IsAny<SoapFault>(), It.IsAny<SoapRequest>()))
            .Returns((SoapFault f, SoapRequest _) => new SegurServiceException("SGR-4999", "DMP mapped", rawFault: f.RawXml));
        var transport = Transport(new FakeHandler((_, _) => Task.FromResult(Respond(HttpStatusCode.InternalServerError, fault, SoapType))),
            new HttpSoapTransportOptions { FaultMapper = transportMapper });
        var request = new SoapRequest(SoapTestData.Endpoint, "urn:op", _ => { }) { FaultMapper = requestMapper.Object };

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(request));

        Assert.Equal("SGR-4999", ex.ErrorCode);
        Assert.Null(transportMapper.LastRequest);
    }

    [Fact]
    public async Task SendAsync_FaultWrittenBySoapEnvelopeWriter_IsMappedWithItsDetail()
    {
        var request = SoapTestData.InsiTraitsRequest();
        var transport = Transport(new FakeHandler(async (http, ct) =>
        {
            var received = SoapEnvelope.Parse(await http.Content!.ReadAsStringAsync(ct));
            var body = new MemoryStream();
            using (var w = XmlWriter.Create(body))
            {
                SoapEnvelopeWriter.WriteFault(w, new XmlQualifiedName("Sender", SoapNamespaces.Soap12), "Logiciel non autorise",
                    [new XmlQualifiedName("siram_100", "urn:siram")], d =>
                    {
                        d.WriteStartElement("siram", "Erreur", "urn:siram");
                        d.WriteAttributeString("severite", "erreur");
                        d.WriteAttributeString("code", "desir_550");
                        d.WriteString("IDAM inconnu");
                        d.WriteEndElement();
                    }, relatesTo: received.Addressing.MessageId);
            }

            return Respond(HttpStatusCode.InternalServerError, Encoding.UTF8.GetString(body.ToArray()), SoapType);
        }));

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => transport.SendAsync(request));

        Assert.Equal(CoreErrorCodes.SoapSenderFault, ex.ErrorCode);
        Assert.Equal("siram_100", ex.ServiceCode);
        var raw = SafeXml.LoadDocument(ex.RawFault!);
        Assert.Equal("desir_550", ((XmlElement)raw.GetElementsByTagName("Erreur", "urn:siram")[0]!).GetAttribute("code"));
        Assert.Contains("Logiciel non autorise", ex.RawFault, StringComparison.Ordinal);
    }

    private sealed class InsiLikeMapper : ISoapFaultMapper
    {
        public SoapRequest? LastRequest { get; private set; }

        public SegurException? Map(SoapFault fault, SoapRequest request)
        {
            LastRequest = request;
            var code = fault.FindDetailEntry("Erreur", "urn:siram")?.GetAttribute("code");
            return code == "desir_1020"
                ? new SegurServiceException("SGR-2999", "INSi is temporarily unavailable.", isTransient: true, rawFault: fault.RawXml) { ServiceCode = code }
                : null;
        }
    }
}

internal sealed class FakeHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request, cancellationToken);
}

internal sealed class ListLoggerProvider : ILoggerProvider
{
    public List<(int Id, LogLevel Level, string Message)> Events { get; } = [];

    public IEnumerable<string> Messages => Events.Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose() { }

    private sealed class ListLogger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Events)
            {
                owner.Events.Add((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
