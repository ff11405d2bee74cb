using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Security;

namespace Segur.Testing.Pki;

/// <summary>
/// An in-memory test PKI shaped like IGC-Santé: a root CA and two intermediates (organisations and persons) with
/// IGC-Santé-like names under <c>OU=IGC-SANTE TEST</c> and <c>O=SEGUR SDK TEST</c>, issuing organisation certificates
/// (INSi CL-ORG: <c>CN=INSI-MANU</c>, <c>OU=</c>structure id), personal CPS-like certificates
/// (<c>SN=…+CN=8&lt;RPPS&gt;+GN=…, title=&lt;profession&gt;, C=FR</c>) and TLS server certificates for
/// <c>localhost</c>/<c>127.0.0.1</c>.
/// </summary>
/// <remarks>
/// <para>Names, extensions and validity periods are fixed for a given clock, so tests are reproducible; the keys are
/// fresh RSA-2048 keys on each <see cref="Create"/>. Validity is computed from the <see cref="TimeProvider"/> given
/// to <see cref="Create"/>: CAs from 5 years before to 10 years after "now", leaves from 1 day before to 1 year after,
/// unless given explicitly (to make expired or not-yet-valid certificates).</para>
/// <para>Trust it with <see cref="Trust"/> (never with the real IGC-Santé anchors). Certificates returned by the
/// <c>Issue…</c> methods carry their private key.</para>
/// </remarks>
public sealed class TestPki : IDisposable
{
    /// <summary>The password used by <see cref="CreateCredential"/> for its internal PKCS#12 round trip.</summary>
    public const string DefaultPassword = "segur-test";

    private readonly TimeProvider _time;
    private readonly List<X509Certificate2> _issued = [];
    private long _serial;

    private TestPki(TimeProvider time, string name)
    {
        _time = time;
        Name = name;
        var now = time.GetUtcNow();
        Root = CreateCa(CaName($"TEST AC RACINE IGC-SANTE {name}"), null, now.AddYears(-5), now.AddYears(10), pathLength: 1);
        OrganisationsCa = CreateCa(CaName($"TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS {name}"), Root, now.AddYears(-5), now.AddYears(10), pathLength: 0);
        PersonsCa = CreateCa(CaName($"TEST AC IGC-SANTE FORT PERSONNES {name}"), Root, now.AddYears(-5), now.AddYears(10), pathLength: 0);
        Trust = IgcSanteTrust.Custom($"test PKI {name}", [Root], [OrganisationsCa, PersonsCa]);
    }

    /// <summary>The suffix that distinguishes this PKI's CA names.</summary>
    public string Name { get; }

    /// <summary>The root CA (with its private key).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The intermediate CA issuing organisation and TLS server certificates (with its private key).</summary>
    public X509Certificate2 OrganisationsCa { get; }

    /// <summary>The intermediate CA issuing personal (CPS-like) certificates (with its private key).</summary>
    public X509Certificate2 PersonsCa { get; }

    /// <summary>A trust set with this PKI's root and intermediates.</summary>
    public IgcSanteTrust Trust { get; }

    /// <summary>Creates a test PKI.</summary>
    /// <param name="timeProvider">The clock giving validity periods; <see langword="null"/> for the system clock.</param>
    /// <param name="name">A suffix for the CA names, to tell several PKIs apart.</param>
    /// <returns>The PKI; dispose it to release the keys.</returns>
    public static TestPki Create(TimeProvider? timeProvider = null, string name = "SEGUR") =>
        new(timeProvider ?? TimeProvider.System, name);

    /// <summary>Issues an organisation (personne morale) certificate, as IGC-Santé ORG AUTH_CLI / ORG SIGN:
    /// <c>CN=&lt;commonName&gt;, OU=&lt;structureId&gt;, O=&lt;organisationName&gt;, C=FR</c>, client authentication and signature.</summary>
    /// <param name="structureId">The structure identifier (for example <c>3</c>+SIRET or <c>1</c>+FINESS), written in OU.</param>
    /// <param name="commonName">The CN; INSi requires <c>INSI-MANU</c> or <c>INSI-AUTO</c>.</param>
    /// <param name="organisationName">The organisation name.</param>
    /// <param name="notBefore">Start of validity; <see langword="null"/> for 1 day ago.</param>
    /// <param name="notAfter">End of validity; <see langword="null"/> for 1 year from now.</param>
    /// <returns>The certificate with its private key.</returns>
    public X509Certificate2 IssueOrganisationCertificate(string structureId, string commonName = "INSI-MANU",
        string organisationName = "PHARMACIE DU TEST SEGUR", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(structureId);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("FR");
        name.AddOrganizationName(organisationName);
        name.AddOrganizationalUnitName(structureId);
        name.AddCommonName(commonName);
        return IssueLeaf(name.Build(), OrganisationsCa, notBefore, notAfter,
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.NonRepudiation,
            ["1.3.6.1.5.5.7.3.2"], null);
    }

    /// <summary>Issues a personal certificate shaped like a CPS card certificate:
    /// <c>SN=&lt;lastName&gt;+CN=&lt;nationalId&gt;+GN=&lt;firstName&gt;, title=&lt;profession&gt;, C=FR</c>.</summary>
    /// <param name="nationalId">The professional national identifier (<c>8</c>+RPPS, e.g. <c>899700012349</c>, or <c>0</c>+ADELI).</param>
    /// <param name="lastName">The last name (upper case by convention).</param>
    /// <param name="firstName">The first name.</param>
    /// <param name="profession">The profession label, for example <c>Pharmacien</c> or <c>Médecin</c>.</param>
    /// <param name="notBefore">Start of validity; <see langword="null"/> for 1 day ago.</param>
    /// <param name="notAfter">End of validity; <see langword="null"/> for 1 year from now.</param>
    /// <returns>The certificate with its private key.</returns>
    public X509Certificate2 IssuePersonalCertificate(string nationalId, string lastName, string firstName, string profession = "Pharmacien",
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nationalId);
        ArgumentException.ThrowIfNullOrWhiteSpace(lastName);
        ArgumentException.ThrowIfNullOrWhiteSpace(firstName);
        ArgumentException.ThrowIfNullOrWhiteSpace(profession);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteRdn(writer, "2.5.4.6", "FR");
            WriteRdn(writer, "2.5.4.12", profession);
            using (writer.PushSetOf())
            {
                WriteAttribute(writer, "2.5.4.4", lastName);
                WriteAttribute(writer, "2.5.4.3", nationalId);
                WriteAttribute(writer, "2.5.4.42", firstName);
            }
        }

        return IssueLeaf(new X500DistinguishedName(writer.Encode()), PersonsCa, notBefore, notAfter,
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment,
            ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"], null);
    }

    /// <summary>Issues a TLS server certificate for loopback tests.</summary>
    /// <param name="hostNames">DNS names and IP addresses; none means <c>localhost</c> and <c>127.0.0.1</c>.</param>
    /// <returns>The certificate with its private key (usable by Kestrel or <c>SslStream</c>).</returns>
    public X509Certificate2 IssueTlsServerCertificate(params string[] hostNames)
    {
        var names = hostNames is { Length: > 0 } ? hostNames : ["localhost", "127.0.0.1"];
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in names)
        {
            if (System.Net.IPAddress.TryParse(host, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("FR");
        name.AddOrganizationName("SEGUR SDK TEST");
        name.AddCommonName(names[0]);
        return IssueLeaf(name.Build(), OrganisationsCa, null, null,
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, ["1.3.6.1.5.5.7.3.1"], san.Build());
    }

    /// <summary>Wraps a certificate issued by this PKI in a <see cref="Pkcs12CredentialSource"/>.</summary>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <returns>A new credential; the caller disposes it.</returns>
    public static Pkcs12CredentialSource CreateCredential(X509Certificate2 certificate) =>
        new(ExportPkcs12(certificate, DefaultPassword), DefaultPassword);

    /// <summary>Exports a certificate with its private key as PKCS#12 (AES-256 on .NET 9+).</summary>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <param name="password">The password.</param>
    /// <returns>The PKCS#12 bytes.</returns>
    public static byte[] ExportPkcs12(X509Certificate2 certificate, string password)
    {
        ArgumentNullException.ThrowIfNull(certificate);
#if NET9_0_OR_GREATER
        return certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
#else
        return certificate.Export(X509ContentType.Pkcs12, password);
#endif
    }

    /// <summary>Exports the public certificate as PEM.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>PEM text (<c>-----BEGIN CERTIFICATE-----</c>).</returns>
    public static string ExportCertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>Exports the RSA private key as unencrypted PKCS#8 PEM (for test tools only).</summary>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <returns>PEM text (<c>-----BEGIN PRIVATE KEY-----</c>).</returns>
    /// <exception cref="ArgumentException">The certificate has no RSA private key.</exception>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate has no RSA private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Releases the CA keys and every certificate this PKI issued.</summary>
    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        Root.Dispose();
        OrganisationsCa.Dispose();
        PersonsCa.Dispose();
    }

    private static X500DistinguishedName CaName(string commonName)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("FR");
        name.AddOrganizationName("SEGUR SDK TEST");
        name.AddOrganizationalUnitName("0002 000000000");
        name.AddOrganizationalUnitName("IGC-SANTE TEST");
        name.AddCommonName(commonName);
        return name.Build();
    }

    private X509Certificate2 CreateCa(X500DistinguishedName subject, X509Certificate2? issuer, DateTimeOffset notBefore, DateTimeOffset notAfter, int pathLength)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            return Reload(request.CreateSelfSigned(notBefore, notAfter));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issued = request.Create(issuer, notBefore, notAfter, NextSerial());
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    private X509Certificate2 IssueLeaf(X500DistinguishedName subject, X509Certificate2 issuer, DateTimeOffset? notBefore, DateTimeOffset? notAfter,
        X509KeyUsageFlags usage, string[] extendedUsages, X509Extension? subjectAlternativeName)
    {
        var now = _time.GetUtcNow();
        var from = notBefore ?? now.AddDays(-1);
        var to = notAfter ?? now.AddYears(1);
        if (from < issuer.NotBefore)
        {
            from = issuer.NotBefore.ToUniversalTime();
        }

        if (to > issuer.NotAfter)
        {
            to = issuer.NotAfter.ToUniversalTime();
        }

        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        var oids = new OidCollection();
        foreach (var oid in extendedUsages)
        {
            oids.Add(new Oid(oid));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (subjectAlternativeName is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeName);
        }

        using var issued = request.Create(issuer, from, to, NextSerial());
        using var withKey = issued.CopyWithPrivateKey(key);
        var result = Reload(withKey);
        lock (_issued)
        {
            _issued.Add(result);
        }

        return result;
    }

    private byte[] NextSerial()
    {
        var serial = Interlocked.Increment(ref _serial);
        var bytes = new byte[9];
        bytes[0] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), serial);
        return bytes;
    }

    /// <summary>Round-trips through PKCS#12 so the key is usable by TLS on every OS (Windows refuses ephemeral keys).</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        var pfx = certificate.Export(X509ContentType.Pkcs12, DefaultPassword);
        certificate.Dispose();
        var flags = X509KeyStorageFlags.Exportable | (OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet);
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(pfx, DefaultPassword, flags);
#else
        return new X509Certificate2(pfx, DefaultPassword, flags);
#endif
    }

    private static void WriteRdn(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSetOf())
        {
            WriteAttribute(writer, oid, value);
        }
    }

    private static void WriteAttribute(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(oid == "2.5.4.6" ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String, value);
        }
    }
}
