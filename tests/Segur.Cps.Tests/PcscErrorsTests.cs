using Segur.Cps.Pcsc;
using Segur.Cps.Pcsc.Native;

namespace Segur.Cps.Tests;

public sealed class PcscErrorsTests
{
    [Theory]
    [InlineData(PcscConstants.NoService, CpsErrorCodes.PcscServiceNotRunning, typeof(SegurCardException))]
    [InlineData(PcscConstants.ServiceStopped, CpsErrorCodes.PcscServiceNotRunning, typeof(SegurCardException))]
    [InlineData(PcscConstants.NoReadersAvailable, CpsErrorCodes.NoReaders, typeof(SegurCardException))]
    [InlineData(PcscConstants.UnknownReader, CpsErrorCodes.ReaderNotFound, typeof(SegurCardException))]
    [InlineData(PcscConstants.NoSmartcard, CpsErrorCodes.CardNotPresent, typeof(CardNotPresentException))]
    [InlineData(PcscConstants.NotTransacted, CpsErrorCodes.CardCommunicationFailed, typeof(SegurCardException))]
    [InlineData(PcscConstants.RemovedCard, CpsErrorCodes.CardRemoved, typeof(CardRemovedException))]
    [InlineData(PcscConstants.SharingViolation, CpsErrorCodes.SharingViolation, typeof(SegurCardException))]
    [InlineData(PcscConstants.Timeout, CpsErrorCodes.PcscTimeout, typeof(SegurCardException))]
    [InlineData(PcscConstants.Cancelled, CpsErrorCodes.PcscCancelled, typeof(SegurCardException))]
    [InlineData(PcscConstants.ResetCard, CpsErrorCodes.CardReset, typeof(SegurCardException))]
    [InlineData(0x80100001u, CpsErrorCodes.PcscFailed, typeof(SegurCardException))]
    public void ToException_Code_MapsToActionableException(uint code, string errorCode, Type type)
    {
        var ex = PcscErrors.ToException(code, "SCardTest", "Reader 0");

        Assert.Equal(type, ex.GetType());
        Assert.Equal(errorCode, ex.ErrorCode);
        Assert.StartsWith(errorCode + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(code.ToString("X8", System.Globalization.CultureInfo.InvariantCulture), ex.RawFault, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Success_DoesNotThrow() => PcscErrors.Check(0, "SCardTest");
}
