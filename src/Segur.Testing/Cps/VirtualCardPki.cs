using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segur.Testing.Cps;

/// <summary>
/// Issues the virtual card's certificates from a generated "TEST AC IGC-SANTE FORT PERSONNES" lookalike. Used until the
/// shared test PKI (Segur.Testing.Pki) is available; pass <see cref="VirtualCpsCardOptions.Issuer"/> to use another CA.
/// </summary>
internal static class VirtualCardPki
{
    private static readonly Lazy<X509Certificate2> DefaultIssuer = new(CreateIssuer);

    public static X509Certificate2 Issuer => DefaultIssuer.Value;

    public static X509Certificate2 CreateIssuer()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            "CN=TEST AC IGC-SANTE FORT PERSONNES, OU=IGC-SANTE TEST, OU=0002 187512751, O=ASIP-SANTE, C=FR", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = TimeProvider.System.GetUtcNow().AddDays(-1);
        return request.CreateSelfSigned(now, now.AddYears(5));
    }

    /// <summary>Issues an end-entity certificate for the holder with a new RSA-2048 key.</summary>
    public static X509Certificate2 IssueHolder(X509Certificate2 issuer, VirtualCpsCardOptions options, bool signature)
    {
        using var key = RSA.Create(2048);
        var subject = BuildSubject(options);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            signature ? X509KeyUsageFlags.NonRepudiation : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        if (!signature)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var now = TimeProvider.System.GetUtcNow().AddHours(-1);
        using var issued = request.Create(issuer, now, now.AddYears(3), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A CPS-like subject: <c>C=FR, title=…, SN=…+CN=8&lt;RPPS&gt;+GN=…</c> (multi-valued RDN as on real cards).</summary>
    public static X500DistinguishedName BuildSubject(VirtualCpsCardOptions options)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCountryOrRegion("FR");
        builder.Add("2.5.4.12", options.Profession);
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var rdn in builder.Build().EnumerateRelativeDistinguishedNames())
            {
                writer.WriteEncodedValue(rdn.RawData.Span);
            }

            using (writer.PushSetOf())
            {
                WriteAttribute(writer, "2.5.4.4", options.LastName);
                WriteAttribute(writer, "2.5.4.3", "8" + options.Rpps);
                WriteAttribute(writer, "2.5.4.42", options.FirstName);
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static void WriteAttribute(System.Formats.Asn1.AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, value);
        }
    }
}
