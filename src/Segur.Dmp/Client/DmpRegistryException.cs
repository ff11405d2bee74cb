namespace Segur.Dmp.Client;

/// <summary>One ebRS <c>RegistryError</c> as returned by the DMP (no public catalogue: kept raw).</summary>
/// <param name="ErrorCode">The <c>errorCode</c> attribute.</param>
/// <param name="CodeContext">The <c>codeContext</c> text.</param>
/// <param name="Severity">The severity URN (…:Error or …:Warning).</param>
/// <param name="Location">The <c>location</c> attribute, or null.</param>
public sealed record DmpRegistryError(string ErrorCode, string CodeContext, string Severity, string? Location = null);

/// <summary>The DMP answered a registry/repository transaction with a <c>Failure</c> status.</summary>
public sealed class DmpRegistryException : SegurServiceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The SDK error code.</param>
    /// <param name="message">The message (no personal data).</param>
    /// <param name="errors">The registry errors, raw.</param>
    /// <param name="isTransient">Whether retrying may succeed.</param>
    /// <param name="rawFault">The raw response, when useful for support.</param>
    public DmpRegistryException(string errorCode, string message, IReadOnlyList<DmpRegistryError> errors, bool isTransient = false, string? rawFault = null)
        : base(errorCode, message, isTransient, rawFault)
    {
        Errors = errors ?? [];
    }

    /// <summary>The registry errors.</summary>
    public IReadOnlyList<DmpRegistryError> Errors { get; }
}
