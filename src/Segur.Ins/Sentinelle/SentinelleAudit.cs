using Microsoft.Extensions.Logging;
using Segur.Audit;

namespace Segur.Ins.Sentinelle;

/// <summary>Writes the Sentinelle audit records; a failing audit store is logged, never fails the workflow.</summary>
internal static partial class SentinelleAudit
{
    public static async ValueTask WriteAsync(SentinelleOptions options, ILogger logger, string action, string recordId, string outcome, string? errorCode,
        IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken)
    {
        if (options.AuditTrail is not { } audit)
        {
            return;
        }

        try
        {
            await audit.WriteAsync(new AuditRecord
            {
                Timestamp = options.TimeProvider.GetUtcNow(),
                Actor = options.Actor,
                Action = action,
                Target = recordId,
                Outcome = outcome.ToLowerInvariant(),
                ErrorCode = errorCode,
                Details = details,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            LogAuditFailed(logger, action, ex.ErrorCode);
        }
    }

    [LoggerMessage(EventId = 2108, Level = LogLevel.Error, Message = "The audit record {Action} could not be written: {ErrorCode}")]
    private static partial void LogAuditFailed(ILogger logger, string action, string errorCode);
}
