using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Security;

/// <summary>How certificate revocation is checked during chain validation.</summary>
/// <remarks>
/// <para><see cref="Online"/> downloads the CRLs named in the certificates (IGC-Santé publishes them at
/// <c>http://igc-sante.esante.gouv.fr/CRL/</c>): the strongest check, but it needs network access to the CRL server,
/// adds latency on a cold cache and fails closed (<c>SGR-1344</c>) when the CRL cannot be fetched.</para>
/// <para><see cref="Offline"/> uses only CRLs already cached by the operating system: no network, but a stale or
/// missing cache makes validation fail (<c>SGR-1344</c>).</para>
/// <para><see cref="NoCheck"/> skips revocation: always available and fast, but a revoked (stolen, lost) certificate
/// is accepted. Use it only for tests, air-gapped set-ups or when the service itself checks revocation.</para>
/// </remarks>
public enum RevocationPolicy
{
    /// <summary>Check revocation, downloading CRLs as needed (default).</summary>
    Online = 0,

    /// <summary>Check revocation with cached CRLs only.</summary>
    Offline = 1,

    /// <summary>Do not check revocation.</summary>
    NoCheck = 2,
}

/// <summary>Options of a certificate chain validation.</summary>
public sealed class CertificateValidationOptions
{
    /// <summary>How revocation is checked; see <see cref="RevocationPolicy"/> for the trade-offs.</summary>
    /// <value>Default: <see cref="RevocationPolicy.Online"/>.</value>
    public RevocationPolicy Revocation { get; set; } = RevocationPolicy.Online;

    /// <summary>The clock giving the validation time.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>The outcome of <see cref="IgcSanteTrust.Evaluate"/>.</summary>
public sealed class CertificateTrustResult
{
    internal CertificateTrustResult(string? errorCode, IReadOnlyList<string> problems, IReadOnlyList<X509Certificate2> chain)
    {
        ErrorCode = errorCode;
        Problems = problems;
        Chain = chain;
    }

    /// <summary>Whether the certificate chains to a trusted root with no problem.</summary>
    public bool IsTrusted => ErrorCode is null;

    /// <summary>The <c>SGR-134x</c> code describing the main problem, or <see langword="null"/> when trusted.</summary>
    public string? ErrorCode { get; }

    /// <summary>The problems found, each naming the certificate and the chain status (for example
    /// <c>CN=X: NotTimeValid</c>).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The chain that was built, from the certificate to the root (as far as it could be built).</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }
}

/// <summary>
/// A set of trust anchors (roots) and intermediates against which IGC-Santé certificates are validated, without
/// relying on the operating system's trust store: the production IGC-Santé CAs, the ANS TEST CAs, or custom ones
/// (for example a <c>Segur.Testing</c> test PKI).
/// </summary>
/// <remarks>The IGC-Santé certificates are embedded in Segur.Core at build time. The TEST anchors are kept apart and
/// are never trusted unless <see cref="Test"/> is chosen explicitly.</remarks>
public sealed class IgcSanteTrust
{
    private const string ResourcePrefix = "Segur.Security.IgcSante.";
    private static readonly Lazy<IgcSanteTrust> ProductionTrust = new(() => FromResources("Production", "IGC-Santé production"));
    private static readonly Lazy<IgcSanteTrust> TestTrust = new(() => FromResources("Test", "IGC-Santé TEST"));

    private IgcSanteTrust(string name, IReadOnlyList<X509Certificate2> roots, IReadOnlyList<X509Certificate2> intermediates)
    {
        Name = name;
        Roots = roots;
        Intermediates = intermediates;
    }

    /// <summary>The production IGC-Santé CAs (roots ÉLÉMENTAIRE, STANDARD, FORT and their PERSONNES/ORGANISATIONS intermediates).</summary>
    /// <exception cref="SegurException">The embedded certificates cannot be loaded (<c>SGR-1340</c>).</exception>
    public static IgcSanteTrust Production => ProductionTrust.Value;

    /// <summary>The ANS TEST IGC-Santé CAs (test cards and test organisation certificates). Never use in production.</summary>
    /// <exception cref="SegurException">The embedded certificates cannot be loaded (<c>SGR-1340</c>).</exception>
    public static IgcSanteTrust Test => TestTrust.Value;

    /// <summary>A human-readable name of this trust set.</summary>
    public string Name { get; }

    /// <summary>The trusted roots.</summary>
    public IReadOnlyList<X509Certificate2> Roots { get; }

    /// <summary>Intermediate CAs offered to chain building (not trusted by themselves).</summary>
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>Creates a trust set from chosen roots and intermediates.</summary>
    /// <param name="name">A name shown in diagnostics.</param>
    /// <param name="roots">The trusted roots (at least one).</param>
    /// <param name="intermediates">Intermediate CAs; <see langword="null"/> for none.</param>
    /// <returns>The trust set.</returns>
    /// <exception cref="ArgumentException"><paramref name="roots"/> is empty.</exception>
    public static IgcSanteTrust Custom(string name, IEnumerable<X509Certificate2> roots, IEnumerable<X509Certificate2>? intermediates = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(roots);
        var rootList = roots.ToList();
        if (rootList.Count == 0)
        {
            throw new ArgumentException("At least one root is needed.", nameof(roots));
        }

        return new IgcSanteTrust(name, rootList, intermediates?.ToList() ?? []);
    }

    /// <summary>Builds and checks the chain of a certificate against this trust set.</summary>
    /// <param name="certificate">The certificate to check.</param>
    /// <param name="options">Revocation policy and clock; <see langword="null"/> for the defaults.</param>
    /// <param name="extraCertificates">Further intermediates (for example sent by a TLS peer); may be <see langword="null"/>.</param>
    /// <returns>The result; see <see cref="CertificateTrustResult.IsTrusted"/>.</returns>
    public CertificateTrustResult Evaluate(X509Certificate2 certificate, CertificateValidationOptions? options = null,
        IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        options ??= new CertificateValidationOptions();
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.DisableCertificateDownloads = true;
        foreach (var anchor in Roots)
        {
            policy.CustomTrustStore.Add(anchor);
        }

        foreach (var intermediate in Intermediates)
        {
            policy.ExtraStore.Add(intermediate);
        }

        if (extraCertificates is not null)
        {
            foreach (var extra in extraCertificates)
            {
                policy.ExtraStore.Add(extra);
            }
        }

        policy.RevocationMode = options.Revocation switch
        {
            RevocationPolicy.Offline => X509RevocationMode.Offline,
            RevocationPolicy.NoCheck => X509RevocationMode.NoCheck,
            _ => X509RevocationMode.Online,
        };
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.VerificationTime = options.TimeProvider.GetUtcNow().UtcDateTime;

        chain.Build(certificate);
        var problems = new List<string>();
        var statuses = new HashSet<X509ChainStatusFlags>();
        var built = new List<X509Certificate2>();
        foreach (var element in chain.ChainElements)
        {
            built.Add(element.Certificate);
            foreach (var status in element.ChainElementStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError)
                {
                    statuses.Add(status.Status);
                    problems.Add($"{element.Certificate.Subject}: {status.Status}");
                }
            }
        }

        foreach (var status in chain.ChainStatus)
        {
            if (status.Status != X509ChainStatusFlags.NoError && statuses.Add(status.Status))
            {
                problems.Add($"chain: {status.Status}");
            }
        }

        var root = built.Count > 0 ? built[^1] : null;
        if (problems.Count == 0 && (root is null || !Roots.Any(r => r.RawData.AsSpan().SequenceEqual(root.RawData))))
        {
            statuses.Add(X509ChainStatusFlags.UntrustedRoot);
            problems.Add("chain: the chain does not end at a root of " + Name);
        }

        string? code = null;
        if (statuses.Count > 0)
        {
            code = statuses.Contains(X509ChainStatusFlags.Revoked) ? CoreErrorCodes.CertificateRevoked
                : statuses.Contains(X509ChainStatusFlags.NotTimeValid) ? CoreErrorCodes.CertificateNotTimeValid
                : statuses.Count(s => s is X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation) == statuses.Count
                    ? CoreErrorCodes.CertificateRevocationUnknown
                    : CoreErrorCodes.CertificateChainUntrusted;
        }

        return new CertificateTrustResult(code, problems, built);
    }

    /// <summary>Checks the chain of a certificate and throws when it is not trusted.</summary>
    /// <param name="certificate">The certificate to check.</param>
    /// <param name="options">Revocation policy and clock; <see langword="null"/> for the defaults.</param>
    /// <param name="extraCertificates">Further intermediates; may be <see langword="null"/>.</param>
    /// <exception cref="SegurValidationException">The chain is untrusted (<c>SGR-1341</c>), a certificate is expired or not yet
    /// valid (<c>SGR-1342</c>), revoked (<c>SGR-1343</c>) or its revocation could not be checked (<c>SGR-1344</c>);
    /// the message names the failing status.</exception>
    public void Validate(X509Certificate2 certificate, CertificateValidationOptions? options = null,
        IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        var result = Evaluate(certificate, options, extraCertificates);
        if (!result.IsTrusted)
        {
            throw new SegurValidationException(result.ErrorCode!,
                $"The certificate '{certificate.Subject}' is not trusted by {Name}: {string.Join("; ", result.Problems)}.");
        }
    }

    private static IgcSanteTrust FromResources(string kind, string name)
    {
        var assembly = typeof(IgcSanteTrust).Assembly;
        var prefix = ResourcePrefix + kind + ".";
        var certificates = new List<X509Certificate2>();
        try
        {
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var certificate = CertificateLoading.LoadDerOrPem(buffer.ToArray());
                if (certificates.Any(c => c.Thumbprint == certificate.Thumbprint))
                {
                    certificate.Dispose();
                }
                else
                {
                    certificates.Add(certificate);
                }
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            throw new SegurException(CoreErrorCodes.TrustAnchorsUnavailable, $"The embedded {name} certificates cannot be loaded.", innerException: ex);
        }

        var roots = certificates.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToList();
        if (roots.Count == 0)
        {
            throw new SegurException(CoreErrorCodes.TrustAnchorsUnavailable, $"No {name} root certificate is embedded in Segur.Core.");
        }

        return new IgcSanteTrust(name, roots, certificates.Except(roots).ToList());
    }

    internal static IEnumerable<string> ResourceNames(string kind) =>
        typeof(IgcSanteTrust).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix + kind + ".", StringComparison.Ordinal));
}
