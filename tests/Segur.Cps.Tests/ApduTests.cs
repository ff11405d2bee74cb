using Moq;
using Segur.Cps.Apdu;
using Segur.Cps.Pcsc;

namespace Segur.Cps.Tests;

public sealed class CommandApduTests
{
    [Theory]
    [InlineData(null, "", "00A4040C")]                      // case 1
    [InlineData(256, "", "00A4040C00")]                     // case 2 short, Le=00 means 256
    [InlineData(null, "3F00", "00A4040C023F00")]            // case 3
    [InlineData(16, "3F00", "00A4040C023F0010")]            // case 4
    [InlineData(65536, "", "00A4040C000000")]               // case 2 extended
    [InlineData(300, "3F00", "00A4040C0000023F00012C")]     // case 4 extended
    public void ToBytes_Cases_EncodeIso7816(int? ne, string dataHex, string expected)
    {
        var apdu = new CommandApdu(0x00, 0xA4, 0x04, 0x0C, Convert.FromHexString(dataHex), ne);
        Assert.Equal(expected, Convert.ToHexString(apdu.ToBytes()));
    }

    [Fact]
    public void ToBytes_OmitLeForCase4_DropsLe() =>
        Assert.Equal("0088000002ABCD", Convert.ToHexString(new CommandApdu(0, 0x88, 0, 0, new byte[] { 0xAB, 0xCD }, 256).ToBytes(omitLe: true)));

    [Fact]
    public void ToBytes_DataOver255_UsesExtendedLc()
    {
        var bytes = new CommandApdu(0, 0x2A, 0x80, 0x86, new byte[300]).ToBytes();
        Assert.Equal(new byte[] { 0, 0x01, 0x2C }, bytes[4..7]);
        Assert.Equal(307, bytes.Length);
    }

    [Fact]
    public void ToString_VerifyCommand_NeverShowsData()
    {
        var apdu = new CommandApdu(0, 0x20, 0, 0x81, "1234"u8.ToArray());
        Assert.True(apdu.IsSensitive);
        Assert.DoesNotContain("31", apdu.ToString().Replace("Lc=4", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NeOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandApdu(0, 0xB0, 0, 0, ne: 65537));

    [Theory]
    [InlineData(0x63C2, 2)]
    [InlineData(0x63C0, 0)]
    [InlineData(0x6983, null)]
    [InlineData(0x9000, null)]
    public void StatusWord_RemainingTries_ReadsCounter(int sw, int? expected) => Assert.Equal(expected, new StatusWord((ushort)sw).RemainingTries);

    [Fact]
    public void ResponseApdu_Parse_OneByte_ThrowsProtocolException()
    {
        var ex = Assert.Throws<SegurProtocolException>(() => ResponseApdu.Parse(new byte[] { 0x90 }));
        Assert.Equal(CpsErrorCodes.ApduMalformedResponse, ex.ErrorCode);
    }

    [Fact]
    public void EnsureSuccess_FileNotFound_ThrowsFileNotFoundCode()
    {
        var ex = Assert.Throws<SegurCardException>(() => ResponseApdu.Parse(new byte[] { 0x6A, 0x82 }).EnsureSuccess("SELECT"));
        Assert.Equal(CpsErrorCodes.CardFileNotFound, ex.ErrorCode);
        Assert.Equal("6A 82", ex.RawFault);
    }
}

public sealed class ApduChannelTests
{
    private static Mock<ICardReader> Recording(SmartCardProtocols protocol, List<string> sent, params string[] answers)
    {
        var queue = new Queue<string>(answers);
        var reader = new Mock<ICardReader>();
        reader.SetupGet(r => r.ActiveProtocol).Returns(protocol);
        reader.Setup(r => r.TransmitAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback<ReadOnlyMemory<byte>, CancellationToken>((a, _) => sent.Add(Convert.ToHexString(a.Span)))
            .Returns(() => ValueTask.FromResult<ReadOnlyMemory<byte>>(Convert.FromHexString(queue.Dequeue())));
        return reader;
    }

    [Fact]
    public async Task TransmitAsync_61xx_FollowsGetResponseChainWithChunkCap()
    {
        var sent = new List<string>();
        var reader = Recording(SmartCardProtocols.T0, sent, "6100", new string('A', 462) + "6119", new string('B', 50) + "9000");
        var channel = new ApduChannel(reader.Object);

        var response = await channel.TransmitAsync(new CommandApdu(0, 0x88, 0, 0, new byte[] { 1, 2, 3 }, ne: 256));

        Assert.Equal(256, response.Data.Length);
        Assert.True(response.StatusWord.IsSuccess);
        Assert.Equal(["0088000003010203", "00C00000E7", "00C0000019"], sent);
    }

    [Fact]
    public async Task TransmitAsync_6Cxx_ResendsWithCardLe()
    {
        var sent = new List<string>();
        var answers = new Queue<string>(["6C0C", "5A0A8025000001123456780F9000"]);
        var reader = new Mock<ICardReader>();
        reader.SetupGet(r => r.ActiveProtocol).Returns(SmartCardProtocols.T0);
        reader.Setup(r => r.TransmitAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback<ReadOnlyMemory<byte>, CancellationToken>((a, _) => sent.Add(Convert.ToHexString(a.Span)))
            .Returns(() => ValueTask.FromResult<ReadOnlyMemory<byte>>(Convert.FromHexString(answers.Dequeue())));

        var response = await new ApduChannel(reader.Object).TransmitAsync(new CommandApdu(0, 0xB0, 0, 0, ne: 231));

        Assert.Equal(["00B00000E7", "00B000000C"], sent);
        Assert.Equal(12, response.Data.Length);
    }

    [Fact]
    public async Task TransmitAsync_T1Case4_KeepsLe()
    {
        var sent = new List<string>();
        var reader = new Mock<ICardReader>();
        reader.SetupGet(r => r.ActiveProtocol).Returns(SmartCardProtocols.T1);
        reader.Setup(r => r.TransmitAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback<ReadOnlyMemory<byte>, CancellationToken>((a, _) => sent.Add(Convert.ToHexString(a.Span)))
            .Returns(() => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 0x90, 0x00 }));

        await new ApduChannel(reader.Object).TransmitAsync(new CommandApdu(0, 0xCB, 0x3F, 0xFF, new byte[] { 0x4D }, ne: 256));

        Assert.Equal(["00CB3FFF014D00"], sent);
    }

    [Fact]
    public async Task TransmitAsync_CardKeepsAnswering61_StopsWithProtocolException()
    {
        var reader = new Mock<ICardReader>();
        reader.SetupGet(r => r.ActiveProtocol).Returns(SmartCardProtocols.T0);
        reader.Setup(r => r.TransmitAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 0x01, 0x61, 0x01 }));

        var ex = await Assert.ThrowsAsync<SegurProtocolException>(async () => await new ApduChannel(reader.Object).TransmitAsync(new CommandApdu(0, 0xC0, 0, 0, ne: 1)));
        Assert.Equal(CpsErrorCodes.ApduMalformedResponse, ex.ErrorCode);
    }

    [Fact]
    public async Task TransmitAsync_CardRemoved_PropagatesCardRemoved()
    {
        var reader = new Mock<ICardReader>();
        reader.Setup(r => r.TransmitAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CardRemovedException(CpsErrorCodes.CardRemoved, "removed"));

        await Assert.ThrowsAsync<CardRemovedException>(async () => await new ApduChannel(reader.Object).TransmitAsync(new CommandApdu(0, 0xA4, 0, 0x0C)));
    }
}
