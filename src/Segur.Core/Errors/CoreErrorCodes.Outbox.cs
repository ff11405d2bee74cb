namespace Segur;

/// <summary>Outbox error codes (<c>SGR-1400</c> to <c>SGR-1499</c>).</summary>
public static partial class CoreErrorCodes
{
    /// <summary>The outbox database cannot be opened or created (path, permissions, locked or corrupt file).</summary>
    public const string OutboxStorageUnavailable = "SGR-1401";

    /// <summary>The outbox storage is full (disk full or the configured size limit reached); nothing was written.</summary>
    public const string OutboxStorageFull = "SGR-1402";

    /// <summary>The outbox storage is read-only; nothing was written.</summary>
    public const string OutboxStorageReadOnly = "SGR-1403";

    /// <summary>The outbox storage failed for another reason; nothing was written.</summary>
    public const string OutboxStorageFailed = "SGR-1404";

    /// <summary>No outbox item has the given operation id.</summary>
    public const string OutboxItemNotFound = "SGR-1405";

    /// <summary>The outbox item is not in a state that allows the operation (for example releasing an item that is not held).</summary>
    public const string OutboxInvalidState = "SGR-1406";

    /// <summary>The payload is larger than <c>OutboxOptions.MaxPayloadBytes</c>.</summary>
    public const string OutboxPayloadTooLarge = "SGR-1407";

    /// <summary>An encrypted payload could not be decrypted: wrong key or altered data.</summary>
    public const string OutboxPayloadDecryptionFailed = "SGR-1408";

    /// <summary>A payload is encrypted but no key provider, or no key with its id, is available.</summary>
    public const string OutboxEncryptionKeyMissing = "SGR-1409";

    /// <summary>An item failed transiently too many times (<c>OutboxOptions.MaxAttempts</c>) and was moved to the dead letters.</summary>
    public const string OutboxAttemptsExhausted = "SGR-1411";

    /// <summary>A precondition of the item's kind (network, card, token) is not met; the item waits for it.</summary>
    public const string OutboxPreconditionNotMet = "SGR-1412";

    /// <summary>Another pending or sent item already uses the idempotency key.</summary>
    public const string OutboxIdempotencyConflict = "SGR-1413";

    /// <summary>The handler did not finish before its lease expired; the attempt is counted as a transient failure.</summary>
    public const string OutboxAttemptTimedOut = "SGR-1414";

    /// <summary>The outbox database was written by a newer version of the SDK.</summary>
    public const string OutboxSchemaUnsupported = "SGR-1415";

    /// <summary>The handler failed with an exception that is not a <see cref="SegurException"/>; treated as permanent.</summary>
    public const string OutboxHandlerFailed = "SGR-1416";
}
