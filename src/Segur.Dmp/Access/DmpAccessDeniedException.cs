namespace Segur.Dmp.Access;

/// <summary>A local access rule refused the action before the DMP was called (codes <c>SGR-4401</c>…<c>SGR-4499</c>).
/// <see cref="Exception.Message"/> is a reason fit for the user interface (no personal data).</summary>
public sealed class DmpAccessDeniedException : SegurException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The <c>DmpErrorCodes.Access*</c> code.</param>
    /// <param name="message">The reason, fit for the user interface.</param>
    public DmpAccessDeniedException(string errorCode, string message)
        : base(errorCode, message)
    {
    }
}

/// <summary>The outcome of an access rule.</summary>
/// <param name="IsAllowed">Whether the action may go ahead.</param>
/// <param name="ErrorCode">The <c>DmpErrorCodes.Access*</c> code when refused, else <see langword="null"/>.</param>
/// <param name="Reason">A reason fit for the user interface when refused, else <see langword="null"/>.</param>
public sealed record DmpAccessDecision(bool IsAllowed, string? ErrorCode = null, string? Reason = null)
{
    /// <summary>The "allowed" decision.</summary>
    public static DmpAccessDecision Allowed { get; } = new(true);

    /// <summary>A refusal.</summary>
    /// <param name="errorCode">The code.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>The decision.</returns>
    public static DmpAccessDecision Denied(string errorCode, string reason) => new(false, errorCode, reason);

    /// <summary>Throws when the decision is a refusal.</summary>
    /// <exception cref="DmpAccessDeniedException">The action is refused.</exception>
    public void ThrowIfDenied()
    {
        if (!IsAllowed)
        {
            throw new DmpAccessDeniedException(ErrorCode ?? DmpErrorCodes.AccessConsentMissing, Reason ?? "Access refused.");
        }
    }
}
