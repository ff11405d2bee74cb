using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Segur.Cps.Pkcs15;

namespace Segur.Cps;

public sealed partial class CpsCard
{
    private static readonly byte[] EfDirPath = [0x3F, 0x00, 0x2F, 0x00];

    /// <summary>Reads a certificate by role: found through PKCS#15 (EF.DIR → ODF → CDF, the card's own directory) when
    /// <see cref="CpsCardOptions.DiscoverCertificates"/> is set, else (or when the card has no PKCS#15 directory) from
    /// the configured path. The authentication certificate is the one whose key usage has digitalSignature without
    /// nonRepudiation; the signature certificate the one with nonRepudiation.</summary>
    private async ValueTask<X509Certificate2> ReadCertificateByRoleAsync(bool signature, CancellationToken cancellationToken)
    {
        var what = signature ? "signature certificate" : "authentication certificate";
        if (_options.DiscoverCertificates)
        {
            try
            {
                var found = await DiscoverCertificateAsync(signature, cancellationToken).ConfigureAwait(false);
                if (found is not null)
                {
                    return found;
                }
            }
            catch (SegurCardException ex) when (ex.ErrorCode == CpsErrorCodes.CardFileNotFound)
            {
                // No PKCS#15 directory where expected: use the configured path.
            }
            catch (AsnContentException)
            {
                // A directory the SDK cannot parse: use the configured path.
            }
        }

        var path = signature ? _options.SignatureCertificatePath : _options.AuthenticationCertificatePath;
        return await ReadCertificateAsync(path, what, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<X509Certificate2?> DiscoverCertificateAsync(bool signature, CancellationToken cancellationToken)
    {
        var efDir = await ReadFileAsync(EfDirPath, "EF.DIR", cancellationToken).ConfigureAwait(false);
        var application = Pkcs15Directory.FindApplicationPath(efDir, _options.IasApplicationId.Span);
        if (application is null)
        {
            return null;
        }

        var odf = await ReadFileAsync(Absolute(application, Pkcs15Directory.OdfFileId), "EF.ODF", cancellationToken).ConfigureAwait(false);
        foreach (var cdfPath in Pkcs15Directory.ReadCertificateDirectoryPaths(odf))
        {
            var cdf = await ReadFileAsync(Absolute(application, cdfPath), "CDF", cancellationToken).ConfigureAwait(false);
            foreach (var entry in Pkcs15Directory.ReadCertificates(cdf))
            {
                var certificate = await ReadCertificateAsync(Absolute(application, entry.Path), $"certificate '{entry.Label}'", cancellationToken).ConfigureAwait(false);
                if (HasRole(certificate, signature))
                {
                    return certificate;
                }

                certificate.Dispose();
            }
        }

        return null;
    }

    private static bool HasRole(X509Certificate2 certificate, bool signature)
    {
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages ?? X509KeyUsageFlags.None;
        var nonRepudiation = usage.HasFlag(X509KeyUsageFlags.NonRepudiation);
        return signature ? nonRepudiation : usage.HasFlag(X509KeyUsageFlags.DigitalSignature) && !nonRepudiation;
    }

    /// <summary>A PKCS#15 path is absolute when it starts at the MF (<c>3F00</c>), else relative to the application DF.</summary>
    private static byte[] Absolute(byte[] application, byte[] path) =>
        path.Length >= 2 && path[0] == 0x3F && path[1] == 0x00 ? path : [.. application, .. path];
}
