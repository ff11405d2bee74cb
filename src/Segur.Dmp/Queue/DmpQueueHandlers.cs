using System.ComponentModel.DataAnnotations;
using Segur.Outbox;

namespace Segur.Dmp.Queue;

/// <summary>Sends the queue's documents of one kind (INDIRECTE/AIR, or DIRECTE needing the card).</summary>
internal sealed class DmpFeedHandler(DmpSendQueue queue, string kind) : IOutboxHandler
{
    public string Kind { get; } = kind;

    public Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default) => queue.SendAsync(context, cancellationToken);
}

/// <summary>Marks the queue's receipts (entryUUID, registry error codes of a document) stored: nothing to send.</summary>
internal sealed class DmpReceiptHandler : IOutboxHandler
{
    public string Kind => DmpQueueKinds.Receipt;

    public Task HandleAsync(OutboxAttemptContext context, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>Validates <see cref="DmpSendQueueOptions"/> (data annotations), reporting every problem together.</summary>
internal static class DmpSendQueueOptionsValidator
{
    public static void ThrowIfInvalid(DmpSendQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.Select(r => r.ErrorMessage ?? string.Join(",", r.MemberNames)).ToList();
        if (options.PatientReferenceKey is { Length: > 0 and < 16 })
        {
            failures.Add("PatientReferenceKey must be at least 16 bytes.");
        }

        if (options.TimeProvider is null || options.LoggerFactory is null)
        {
            failures.Add("TimeProvider and LoggerFactory are required.");
        }

        if (failures.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, "Invalid DmpSendQueueOptions: " + string.Join(" ", failures)) { Field = nameof(DmpSendQueueOptions) };
        }
    }
}
