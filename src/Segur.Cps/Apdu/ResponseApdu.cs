namespace Segur.Cps.Apdu;

/// <summary>An ISO 7816-4 response APDU: data and status word.</summary>
/// <param name="Data">The response data.</param>
/// <param name="StatusWord">The status word.</param>
public sealed record ResponseApdu(ReadOnlyMemory<byte> Data, StatusWord StatusWord)
{
    /// <summary>Splits raw response bytes into data and status word.</summary>
    /// <param name="raw">At least two bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="SegurProtocolException">Fewer than two bytes (<see cref="CpsErrorCodes.ApduMalformedResponse"/>).</exception>
    public static ResponseApdu Parse(ReadOnlyMemory<byte> raw)
    {
        if (raw.Length < 2)
        {
            throw new SegurProtocolException(CpsErrorCodes.ApduMalformedResponse, $"The card answered {raw.Length} byte(s), fewer than a status word.");
        }

        var span = raw.Span;
        return new ResponseApdu(raw[..^2], new StatusWord(span[^2], span[^1]));
    }

    /// <summary>Throws unless the status word is <c>90 00</c>.</summary>
    /// <param name="what">What the command did, for the message.</param>
    /// <returns>This response.</returns>
    /// <exception cref="SegurCardException">Another status word (<see cref="CpsErrorCodes.ApduUnexpectedStatus"/>,
    /// or <see cref="CpsErrorCodes.CardFileNotFound"/> for <c>6A 82</c>/<c>6A 88</c>).</exception>
    public ResponseApdu EnsureSuccess(string what)
    {
        if (StatusWord.IsSuccess)
        {
            return this;
        }

        if (StatusWord.Value is 0x6A82 or 0x6A88)
        {
            throw new SegurCardException(CpsErrorCodes.CardFileNotFound, $"{what}: file or data not found on the card (SW {StatusWord}).", rawFault: StatusWord.ToString());
        }

        throw new SegurCardException(CpsErrorCodes.ApduUnexpectedStatus, $"{what}: the card answered SW {StatusWord}.", rawFault: StatusWord.ToString());
    }
}
