namespace Segur;

/// <summary>
/// Base type of every failure the Segur SDK reports for a service, a card, a protocol or bad input data.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ErrorCode"/> is stable across releases (<c>SGR-1xxx</c> Core, <c>SGR-2xxx</c> Ins,
/// <c>SGR-3xxx</c> Psc, <c>SGR-4xxx</c> Dmp, <c>SGR-5xxx</c> Mss, <c>SGR-6xxx</c> Cps) and is prefixed to
/// <see cref="Exception.Message"/>. The message never holds patient data; the raw fault the service returned,
/// which may, is kept apart in <see cref="RawFault"/>.
/// </para>
/// <para>Catch a subclass when your next move differs: see <see cref="SegurServiceException"/>,
/// <see cref="SegurTransportException"/>, <see cref="SegurAuthenticationException"/>,
/// <see cref="SegurCardException"/>, <see cref="SegurProtocolException"/> and <see cref="SegurValidationException"/>.</para>
/// </remarks>
public class SegurException : Exception
{
    /// <summary>Creates an exception with a stable error code.</summary>
    /// <param name="errorCode">A stable code such as <c>SGR-1001</c>, from one of the <c>*ErrorCodes</c> classes.</param>
    /// <param name="message">What went wrong, without patient data.</param>
    /// <param name="isTransient">Whether trying again later may succeed.</param>
    /// <param name="rawFault">The raw fault from the service (SOAP fault, SMTP reply, status word), if any.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    /// <exception cref="ArgumentException"><paramref name="errorCode"/> is empty.</exception>
    public SegurException(string errorCode, string message, bool isTransient = false, string? rawFault = null, Exception? innerException = null)
        : base(FormatMessage(errorCode, message), innerException)
    {
        ErrorCode = errorCode;
        IsTransient = isTransient;
        RawFault = rawFault;
    }

    /// <summary>The stable error code, for example <c>SGR-2004</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>Whether the same operation may succeed if tried again later (network, timeout, service busy).</summary>
    public bool IsTransient { get; }

    /// <summary>The raw fault returned by the remote party, if any. It may hold patient data: do not log it
    /// unless sensitive-data logging is enabled.</summary>
    public string? RawFault { get; }

    private static string FormatMessage(string errorCode, string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        ArgumentNullException.ThrowIfNull(message);
        return message.StartsWith(errorCode, StringComparison.Ordinal) ? message : $"{errorCode}: {message}";
    }
}

/// <summary>The remote service refused the request: fix the input or show the message to the user.</summary>
public class SegurServiceException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurServiceException(string errorCode, string message, bool isTransient = false, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }

    /// <summary>The service's own error code (for example <c>insi_102</c> or an XDS error code), if any.</summary>
    public string? ServiceCode { get; init; }
}

/// <summary>The network or the service was unavailable; the SDK already retried. Usually transient.</summary>
public class SegurTransportException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurTransportException(string errorCode, string message, bool isTransient = true, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }

    /// <summary>How long the service asked the caller to wait before trying again, when it said so.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Authentication failed or expired (token expired or refused, PIN refused): authenticate again.</summary>
public class SegurAuthenticationException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurAuthenticationException(string errorCode, string message, bool isTransient = false, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }
}

/// <summary>A card or reader problem: ask the user for the card, or to check the reader.</summary>
public class SegurCardException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurCardException(string errorCode, string message, bool isTransient = false, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }
}

/// <summary>No card is in the reader: ask the user to insert one.</summary>
public class CardNotPresentException : SegurCardException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public CardNotPresentException(string errorCode, string message, bool isTransient = true, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }
}

/// <summary>The card was removed during the operation: ask the user to insert it again and retry.</summary>
public class CardRemovedException : SegurCardException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public CardRemovedException(string errorCode, string message, bool isTransient = true, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }
}

/// <summary>The connection or the exchanged data is unusable (malformed answer, broken protocol): reconnect.</summary>
public class SegurProtocolException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurProtocolException(string errorCode, string message, bool isTransient = false, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient, rawFault, innerException)
    {
    }
}

/// <summary>Data handed to the SDK (an identifier, a document, an XML message) is invalid; the message names
/// what is wrong. Not transient: fix the data.</summary>
public class SegurValidationException : SegurException
{
    /// <inheritdoc cref="SegurException(string, string, bool, string?, Exception?)"/>
    public SegurValidationException(string errorCode, string message, string? rawFault = null, Exception? innerException = null)
        : base(errorCode, message, isTransient: false, rawFault, innerException)
    {
    }

    /// <summary>The name of the field or element at fault, when known.</summary>
    public string? Field { get; init; }
}
