using System.Xml;
using System.Xml.Schema;
using Segur.Soap;
using Segur.Xml;

namespace Segur.Core.Tests.Soap;

public class SoapFaultTests
{
    private const string SiramDetail = "<siram:Erreur severite=\"fatale\" code=\"desir_1020\" messageID=\"uuid:abc\">Service momentanement indisponible pour ADRTROIS</siram:Erreur>";

    [Fact]
    public void Parse_InsiReceiverFault_ExposesCodeSubcodeReasonsRoleAndDetail()
    {
        var xml = SoapTestData.Fault12("env:Receiver", "siram:siram_40", SiramDetail,
            "<env:Text xml:lang=\"fr\">Service indisponible</env:Text><env:Text xml:lang=\"en\">Service unavailable</env:Text>", role: "urn:siram:role");

        var fault = SoapEnvelope.Parse(xml).Fault!;

        Assert.Equal(new XmlQualifiedName("Receiver", SoapNamespaces.Soap12), fault.Code);
        Assert.True(fault.IsReceiverFault);
        Assert.False(fault.IsSenderFault);
        Assert.Equal([new XmlQualifiedName("siram_40", "urn:siram")], fault.Subcodes);
        Assert.Equal("siram_40", fault.InnermostSubcode);
        Assert.Equal(2, fault.Reasons.Count);
        Assert.Equal(new SoapFaultReason("Service unavailable", "en"), fault.Reasons[1]);
        Assert.Equal("Service indisponible", fault.Reason);
        Assert.Equal("fr", fault.Reasons[0].Language);
        Assert.Equal("urn:siram:role", fault.Role);
        var erreur = fault.FindDetailEntry("Erreur", "urn:siram")!;
        Assert.Equal("desir_1020", erreur.GetAttribute("code"));
        Assert.Equal("fatale", erreur.GetAttribute("severite"));
        Assert.Contains("desir_1020", fault.RawXml, StringComparison.Ordinal);
        Assert.Null(fault.FindDetailEntry("Other", "urn:siram"));
    }

    [Fact]
    public void Parse_SiramDetail_IsValidAgainstTheFaultSchema()
    {
        var fault = SoapEnvelope.Parse(SoapTestData.Fault12("env:Sender", "siram:siram_100", SiramDetail.Replace("desir_1020", "desir_550", StringComparison.Ordinal))).Fault!;
        var schemas = new XmlSchemaSet { XmlResolver = null };
        using (var reader = XmlReader.Create(SoapTestData.Reference("insi", "xsd", "schema_faultSOAP_V01_01.xsd")))
        {
            schemas.Add(XmlSchema.Read(reader, null)!);
        }

        var detail = SafeXml.LoadDocument(fault.FindDetailEntry("Erreur", "urn:siram")!.OuterXml);
        detail.Schemas = schemas;
        var errors = new List<string>();
        detail.Validate((_, e) => errors.Add(e.Message));

        Assert.Empty(errors);
    }

    [Fact]
    public void Parse_SubcodeChain_KeepsOrderOutermostFirst()
    {
        var fault = SoapEnvelope.Parse(SoapTestData.Fault12("env:Sender", "siram:a siram:b siram:c")).Fault!;

        Assert.Equal(["a", "b", "c"], fault.Subcodes.Select(s => s.Name));
        Assert.Equal("c", fault.InnermostSubcode);
    }

    [Fact]
    public void ToException_SenderFault_IsNonTransientServiceExceptionWithoutReasonInMessage()
    {
        var fault = SoapEnvelope.Parse(SoapTestData.Fault12("env:Sender", "siram:siram_100", SiramDetail)).Fault!;

        var ex = Assert.IsType<SegurServiceException>(fault.ToException());

        Assert.Equal(CoreErrorCodes.SoapSenderFault, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Equal("siram_100", ex.ServiceCode);
        Assert.StartsWith("SGR-1202: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ADRTROIS", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Erreur", ex.Message, StringComparison.Ordinal);
        Assert.Equal(fault.RawXml, ex.RawFault);
        Assert.Contains("ADRTROIS", ex.RawFault, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_ReceiverFaultWithoutSubcode_IsTransient()
    {
        var ex = SoapEnvelope.Parse(SoapTestData.Fault12("env:Receiver")).Fault!.ToException();

        Assert.IsType<SegurServiceException>(ex);
        Assert.Equal(CoreErrorCodes.SoapReceiverFault, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void ToException_ReceiverFaultWithSubcode_IsNotTransientUntilAMapperSaysSo()
    {
        var ex = SoapEnvelope.Parse(SoapTestData.Fault12("env:Receiver", "siram:insi_102")).Fault!.ToException();

        Assert.Equal(CoreErrorCodes.SoapReceiverFault, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Equal("insi_102", ((SegurServiceException)ex).ServiceCode);
    }

    [Theory]
    [InlineData("env:VersionMismatch")]
    [InlineData("env:MustUnderstand")]
    [InlineData("env:DataEncodingUnknown")]
    [InlineData("siram:Custom")]
    public void ToException_ProtocolFaults_AreProtocolExceptions(string code)
    {
        var ex = SoapEnvelope.Parse(SoapTestData.Fault12(code)).Fault!.ToException();

        Assert.IsType<SegurProtocolException>(ex);
        Assert.Equal(CoreErrorCodes.SoapProtocolFault, ex.ErrorCode);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [InlineData("s:Client", "Sender", null)]
    [InlineData("s:Server", "Receiver", null)]
    [InlineData("s:Client.Authentication", "Sender", "Authentication")]
    public void Parse_Soap11Fault_IsNormalised(string faultCode, string expectedCode, string? expectedSubcode)
    {
        var xml = $"<s:Envelope xmlns:s=\"{SoapNamespaces.Soap11}\"><s:Body><s:Fault><faultcode>{faultCode}</faultcode><faultstring xml:lang=\"en\">Bad</faultstring><faultactor>urn:actor</faultactor><detail><d:E xmlns:d=\"urn:d\">1</d:E></detail></s:Fault></s:Body></s:Envelope>";

        var fault = SoapEnvelope.Parse(xml).Fault!;

        Assert.Equal(SoapVersion.Soap11, fault.Version);
        Assert.Equal(new XmlQualifiedName(expectedCode, SoapNamespaces.Soap12), fault.Code);
        Assert.Equal(expectedSubcode, fault.InnermostSubcode);
        Assert.Equal(new SoapFaultReason("Bad", "en"), fault.Reasons.Single());
        Assert.Equal("urn:actor", fault.Role);
        Assert.Equal("1", fault.FindDetailEntry("E", "urn:d")!.InnerText);
    }

    [Theory]
    [InlineData("<env:Fault><env:Reason/></env:Fault>", "no Code")]
    [InlineData("<env:Fault><env:Code/></env:Fault>", "no Value")]
    [InlineData("<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode/></env:Code></env:Fault>", "Subcode has no Value")]
    public void Parse_IncompleteFault_ThrowsEnvelopeInvalid(string fault, string expected)
    {
        var xml = $"<env:Envelope xmlns:env=\"{SoapNamespaces.Soap12}\"><env:Body>{fault}</env:Body></env:Envelope>";

        var ex = Assert.Throws<SegurProtocolException>(() => SoapEnvelope.Parse(xml));
        Assert.Equal(CoreErrorCodes.SoapEnvelopeInvalid, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FaultWithoutReasonOrDetail_HasEmptyReason()
    {
        var xml = $"<env:Envelope xmlns:env=\"{SoapNamespaces.Soap12}\"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code></env:Fault></env:Body></env:Envelope>";

        var fault = SoapEnvelope.Parse(xml).Fault!;

        Assert.Equal(string.Empty, fault.Reason);
        Assert.Null(fault.Detail);
        Assert.Null(fault.InnermostSubcode);
    }

    [Fact]
    public void WriteFault_ThenParse_RoundTripsCodeSubcodesReasonDetailAndRelatesTo()
    {
        var buffer = new StringWriter();
        using (var writer = XmlWriter.Create(buffer))
        {
            SoapEnvelopeWriter.WriteFault(writer, new XmlQualifiedName("Receiver", SoapNamespaces.Soap12), "Service indisponible",
                [new XmlQualifiedName("siram_40", "urn:siram"), new XmlQualifiedName("inner", "urn:other")],
                d => d.WriteElementString("siram", "Erreur", "urn:siram", "x"), relatesTo: "uuid:req-1");
        }

        var envelope = SoapEnvelope.Parse(buffer.ToString());

        var fault = envelope.Fault!;
        Assert.True(fault.IsReceiverFault);
        Assert.Equal([new XmlQualifiedName("siram_40", "urn:siram"), new XmlQualifiedName("inner", "urn:other")], fault.Subcodes);
        Assert.Equal(new SoapFaultReason("Service indisponible", "fr"), fault.Reasons.Single());
        Assert.NotNull(fault.FindDetailEntry("Erreur", "urn:siram"));
        Assert.Equal("uuid:req-1", envelope.Addressing.RelatesTo);
    }
}
