using System.Text;
using System.Xml;
using Moq;
using Segur.Soap;
using Segur.Testing.Soap;

namespace Segur.Core.Tests.Soap;

public class FakeSoapTransportTests
{
    private static string Write(Action<XmlWriter> write)
    {
        var buffer = new StringBuilder();
        using (var writer = XmlWriter.Create(buffer))
        {
            write(writer);
        }

        return buffer.ToString();
    }

    [Fact]
    public async Task SendAsync_RecordsTheRequestAndReturnsTheAnswer()
    {
        var fake = new FakeSoapTransport(request => Write(w => SoapEnvelopeWriter.WriteResponse(w,
            b => b.WriteElementString("Echo", "urn:e", request.BodyContent!.InnerText), relatesTo: request.Addressing.MessageId)));

        using var response = await fake.SendAsync(SoapTestData.InsiTraitsRequest());

        Assert.Equal("ADRTROISDOMINIQUEF1997-02-26", response.Envelope.BodyContent!.InnerText);
        Assert.Equal(SoapTestData.InsiTraitsAction, fake.Requests.Single().Addressing.Action);
        Assert.NotNull(fake.Requests[0].FindHeader("ContexteLPS", SoapTestData.CtxLps));
    }

    [Fact]
    public async Task SendAsync_Fault_IsMappedByTheRequestMapper()
    {
        var mapper = new Mock<ISoapFaultMapper>();
        mapper.Setup(m => m.Map(It.IsAny<SoapFault>(), It.IsAny<SoapRequest>()))
            .Returns(new SegurServiceException("SGR-2999", "mapped", isTransient: true));
        var fake = new FakeSoapTransport(_ => SoapTestData.Fault12("env:Receiver", "siram:siram_40"));
        var request = new SoapRequest(SoapTestData.Endpoint, "urn:op", _ => { }) { FaultMapper = mapper.Object };

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => fake.SendAsync(request));

        Assert.Equal("SGR-2999", ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_AnswerForAnotherRequest_IsRefused()
    {
        var fake = new FakeSoapTransport(_ => Write(w => SoapEnvelopeWriter.WriteResponse(w, _ => { }, relatesTo: "urn:uuid:other")));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => fake.SendAsync(SoapTestData.InsiTraitsRequest()));

        Assert.Equal(CoreErrorCodes.SoapRelatesToMismatch, ex.ErrorCode);
    }
}
