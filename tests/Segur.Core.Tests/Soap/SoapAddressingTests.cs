using System.Text;
using Segur.Soap;

namespace Segur.Core.Tests.Soap;

public class SoapAddressingTests
{
    private static string Response(string headers) =>
        $"<e:Envelope xmlns:e=\"{SoapNamespaces.Soap12}\" xmlns:wsa=\"{SoapNamespaces.Addressing}\"><e:Header>{headers}</e:Header><e:Body><r xmlns=\"urn:r\"/></e:Body></e:Envelope>";

    [Fact]
    public void WriteEnvelope_AllAddressingHeaders_AreWrittenAndReadBack()
    {
        var request = new SoapRequest(new Uri("https://dmp.test/si-dmp-server/v2/services"), "urn:ihe:iti:2007:RegistryStoredQuery", _ => { })
        {
            To = new Uri("https://dmp.test/si-dmp-server/v2/services"),
            ReplyTo = SoapNamespaces.AddressingAnonymous,
        };

        var xml = Encoding.UTF8.GetString(request.ToBytes());
        var addressing = SoapEnvelope.Parse(xml).Addressing;

        Assert.Equal("urn:ihe:iti:2007:RegistryStoredQuery", addressing.Action);
        Assert.Equal(request.MessageId, addressing.MessageId);
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", addressing.MessageId);
        Assert.Equal("https://dmp.test/si-dmp-server/v2/services", addressing.To);
        Assert.Equal(SoapNamespaces.AddressingAnonymous, addressing.ReplyTo);
        Assert.Null(addressing.RelatesTo);
    }

    [Fact]
    public void NewMessageId_TwoCalls_Differ() => Assert.NotEqual(SoapAddressing.NewMessageId(), SoapAddressing.NewMessageId());

    [Fact]
    public void EnsureRelatesTo_Matching_Passes()
    {
        var envelope = SoapEnvelope.Parse(Response("<wsa:RelatesTo> urn:uuid:1 </wsa:RelatesTo>"));

        envelope.Addressing.EnsureRelatesTo("urn:uuid:1", required: true);
        Assert.Equal("urn:uuid:1", envelope.Addressing.RelatesTo);
    }

    [Fact]
    public void EnsureRelatesTo_Different_ThrowsMismatchNamingBoth()
    {
        var envelope = SoapEnvelope.Parse(Response("<wsa:RelatesTo>urn:uuid:other</wsa:RelatesTo>"));

        var ex = Assert.Throws<SegurProtocolException>(() => envelope.Addressing.EnsureRelatesTo("urn:uuid:mine"));
        Assert.Equal(CoreErrorCodes.SoapRelatesToMismatch, ex.ErrorCode);
        Assert.Contains("urn:uuid:other", ex.Message, StringComparison.Ordinal);
        Assert.Contains("urn:uuid:mine", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void EnsureRelatesTo_MissingAndRequired_ThrowsMissing()
    {
        var envelope = SoapEnvelope.Parse(Response("<wsa:Action>urn:x</wsa:Action>"));

        envelope.Addressing.EnsureRelatesTo("urn:uuid:mine");
        var ex = Assert.Throws<SegurProtocolException>(() => envelope.Addressing.EnsureRelatesTo("urn:uuid:mine", required: true));
        Assert.Equal(CoreErrorCodes.SoapRelatesToMissing, ex.ErrorCode);
    }

    [Fact]
    public void Read_RelatesToWithOtherRelationship_IsNotTheReply()
    {
        var envelope = SoapEnvelope.Parse(Response("<wsa:RelatesTo RelationshipType=\"urn:custom\">urn:uuid:x</wsa:RelatesTo><wsa:RelatesTo RelationshipType=\"http://www.w3.org/2005/08/addressing/reply\">urn:uuid:y</wsa:RelatesTo>"));

        Assert.Equal("urn:uuid:y", envelope.Addressing.RelatesTo);
    }
}
