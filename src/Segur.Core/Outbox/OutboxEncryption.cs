using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Segur.Outbox;

/// <summary>
/// Supplies the AES-256 keys that encrypt outbox payloads at rest. The key itself is never written to the outbox
/// database, only its id. Keep keys in the operating system's protected storage (DPAPI, Keychain, a secret store).
/// </summary>
public interface IOutboxKeyProvider
{
    /// <summary>The key to encrypt new payloads with.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The current key.</returns>
    ValueTask<OutboxEncryptionKey> GetCurrentKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>A key by id, to decrypt payloads written with an older key.</summary>
    /// <param name="keyId">The key id stored beside the payload.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key, or <see langword="null"/> when this provider does not know it.</returns>
    ValueTask<OutboxEncryptionKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken = default);
}

/// <summary>An AES-256 key and its id.</summary>
public sealed class OutboxEncryptionKey
{
    private readonly byte[] _key;

    /// <summary>Creates a key.</summary>
    /// <param name="keyId">A short id stored beside each payload (not secret).</param>
    /// <param name="key">32 random bytes (copied).</param>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is empty or <paramref name="key"/> is not 32 bytes.</exception>
    public OutboxEncryptionKey(string keyId, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (key.Length != 32)
        {
            throw new ArgumentException("An outbox key is 32 bytes (AES-256).", nameof(key));
        }

        KeyId = keyId;
        _key = key.ToArray();
    }

    /// <summary>The key id.</summary>
    public string KeyId { get; }

    internal ReadOnlySpan<byte> Key => _key;
}

/// <summary>An <see cref="IOutboxKeyProvider"/> over keys the application already holds (current key first).</summary>
public sealed class StaticOutboxKeyProvider : IOutboxKeyProvider
{
    private readonly OutboxEncryptionKey[] _keys;

    /// <summary>Creates the provider.</summary>
    /// <param name="current">The key for new payloads.</param>
    /// <param name="previous">Older keys still needed to decrypt queued payloads.</param>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is null.</exception>
    public StaticOutboxKeyProvider(OutboxEncryptionKey current, params OutboxEncryptionKey[] previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        _keys = [current, .. previous];
    }

    /// <inheritdoc />
    public ValueTask<OutboxEncryptionKey> GetCurrentKeyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys[0]);

    /// <inheritdoc />
    public ValueTask<OutboxEncryptionKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal)));
}

/// <summary>AES-GCM sealing of payloads: <c>nonce (12) | tag (16) | ciphertext</c>, bound to the item id and kind.</summary>
internal static class OutboxPayloadProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(OutboxEncryptionKey key, Guid id, string kind, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(id, kind));
        return output;
    }

    public static byte[] Open(OutboxEncryptionKey key, Guid id, string kind, ReadOnlySpan<byte> sealedPayload)
    {
        if (sealedPayload.Length < NonceSize + TagSize)
        {
            throw new SegurException(CoreErrorCodes.OutboxPayloadDecryptionFailed, $"The encrypted payload of outbox item {id} is truncated.");
        }

        var plaintext = new byte[sealedPayload.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.Key, TagSize);
            aes.Decrypt(sealedPayload[..NonceSize], sealedPayload[(NonceSize + TagSize)..], sealedPayload.Slice(NonceSize, TagSize), plaintext, AssociatedData(id, kind));
        }
        catch (CryptographicException ex)
        {
            throw new SegurException(CoreErrorCodes.OutboxPayloadDecryptionFailed, $"The payload of outbox item {id} cannot be decrypted with key '{key.KeyId}': wrong key or altered data.", innerException: ex);
        }

        return plaintext;
    }

    private static byte[] AssociatedData(Guid id, string kind)
    {
        var kindBytes = Encoding.UTF8.GetBytes(kind);
        var data = new byte[16 + 4 + kindBytes.Length];
        id.TryWriteBytes(data);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), kindBytes.Length);
        kindBytes.CopyTo(data, 20);
        return data;
    }
}
