using System.Security.Cryptography;

namespace Segur.Cps;

/// <summary>PKCS#1 v1.5 DigestInfo encoding (RFC 8017 §9.2 note 1), which INTERNAL AUTHENTICATE signs.</summary>
internal static class DigestInfo
{
    private static readonly byte[] Sha256 = Convert.FromHexString("3031300D060960864801650304020105000420");
    private static readonly byte[] Sha384 = Convert.FromHexString("3041300D060960864801650304020205000430");
    private static readonly byte[] Sha512 = Convert.FromHexString("3051300D060960864801650304020305000440");

    public static byte[] Prefix(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA256 ? Sha256
        : algorithm == HashAlgorithmName.SHA384 ? Sha384
        : algorithm == HashAlgorithmName.SHA512 ? Sha512
        : throw new ArgumentException($"Hash algorithm {algorithm.Name} is not supported (SHA-256, SHA-384, SHA-512).", nameof(algorithm));

    public static byte[] Encode(ReadOnlySpan<byte> hash, HashAlgorithmName algorithm)
    {
        var prefix = Prefix(algorithm);
        if (hash.Length != prefix[^1])
        {
            throw new ArgumentException($"A {algorithm.Name} hash has {prefix[^1]} bytes, not {hash.Length}.", nameof(hash));
        }

        return [.. prefix, .. hash];
    }

    public static byte[] Hash(ReadOnlySpan<byte> data, HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
        : algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : algorithm == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : throw new ArgumentException($"Hash algorithm {algorithm.Name} is not supported.", nameof(algorithm));

    /// <summary>Splits a DigestInfo into algorithm and hash; null when not one of the supported encodings.</summary>
    public static (HashAlgorithmName Algorithm, byte[] Hash)? Decode(ReadOnlySpan<byte> digestInfo)
    {
        foreach (var algorithm in new[] { HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512 })
        {
            var prefix = Prefix(algorithm);
            if (digestInfo.Length == prefix.Length + prefix[^1] && digestInfo.StartsWith(prefix))
            {
                return (algorithm, digestInfo[prefix.Length..].ToArray());
            }
        }

        return null;
    }
}
