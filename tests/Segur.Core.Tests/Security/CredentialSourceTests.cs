using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Security;
using Segur.Testing.Pki;

namespace Segur.Core.Tests.Security;

public sealed class CredentialSourceTests
{
    [Fact]
    public async Task Pkcs12CredentialSource_FromBytes_SignsWithCertificateKey()
    {
        var pfx = TestPki.ExportPkcs12(SecurityFixture.Organisation, "pw");
        using var source = new Pkcs12CredentialSource(pfx, "pw");
        var data = "hello"u8.ToArray();

        var certificate = await source.GetCertificateAsync();
        var signature = await source.SignDataAsync(data, HashAlgorithmName.SHA256);

        Assert.Equal(SecurityFixture.Organisation.Thumbprint, certificate.Thumbprint);
        using var publicKey = certificate.GetRSAPublicKey()!;
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Pkcs12CredentialSource_FromFile_Loads()
    {
        var path = Path.Combine(Path.GetTempPath(), $"segur-{Guid.NewGuid():N}.p12");
        await File.WriteAllBytesAsync(path, TestPki.ExportPkcs12(SecurityFixture.Organisation, "pw"));
        try
        {
            using var source = new Pkcs12CredentialSource(path, "pw");

            Assert.Equal(SecurityFixture.Organisation.Thumbprint, (await source.GetCertificateAsync()).Thumbprint);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pkcs12CredentialSource_WrongPassword_ThrowsPasswordOrFormat()
    {
        var pfx = TestPki.ExportPkcs12(SecurityFixture.Organisation, "right");

        var ex = Assert.Throws<SegurValidationException>(() => new Pkcs12CredentialSource(pfx, "wrong"));

        Assert.Equal(CoreErrorCodes.Pkcs12PasswordOrFormat, ex.ErrorCode);
        Assert.DoesNotContain("wrong", ex.Message.Replace("password is wrong", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Pkcs12CredentialSource_NotPkcs12_ThrowsPasswordOrFormat()
    {
        var ex = Assert.Throws<SegurValidationException>(() => new Pkcs12CredentialSource(new byte[] { 1, 2, 3 }, "pw"));

        Assert.Equal(CoreErrorCodes.Pkcs12PasswordOrFormat, ex.ErrorCode);
    }

    [Fact]
    public void Pkcs12CredentialSource_MissingFile_ThrowsFileUnreadable()
    {
        var ex = Assert.Throws<SegurValidationException>(() => new Pkcs12CredentialSource("/nonexistent/segur.p12", "pw"));

        Assert.Equal(CoreErrorCodes.Pkcs12FileUnreadable, ex.ErrorCode);
    }

    [Fact]
    public void Pkcs12CredentialSource_NoPrivateKey_ThrowsPrivateKeyMissing()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(SecurityFixture.Organisation.RawData);
        var pfx = publicOnly.Export(X509ContentType.Pkcs12, "pw");

        var ex = Assert.Throws<SegurValidationException>(() => new Pkcs12CredentialSource(pfx, "pw"));

        Assert.Equal(CoreErrorCodes.CredentialPrivateKeyMissing, ex.ErrorCode);
    }

    [Fact]
    public void Pkcs12CredentialSource_EcdsaKey_ThrowsKeyNotRsa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ec", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var pfx = certificate.Export(X509ContentType.Pkcs12, "pw");

        var ex = Assert.Throws<SegurValidationException>(() => new Pkcs12CredentialSource(pfx, "pw"));

        Assert.Equal(CoreErrorCodes.CredentialKeyNotRsa, ex.ErrorCode);
    }

    [Fact]
    public async Task Pkcs12CredentialSource_Disposed_ThrowsCredentialDisposed()
    {
        var source = new Pkcs12CredentialSource(TestPki.ExportPkcs12(SecurityFixture.Organisation, "pw"), "pw");
        source.Dispose();

        var ex = await Assert.ThrowsAsync<SegurException>(async () => await source.SignDataAsync(new byte[1], HashAlgorithmName.SHA256));

        Assert.Equal(CoreErrorCodes.CredentialDisposed, ex.ErrorCode);
    }

    [Fact]
    public async Task CertificateStoreCredentialSource_ThumbprintAndSubject_FindCertificateInCurrentUserStore()
    {
        using var pki = TestPki.Create(name: "STORE");
        var issued = pki.IssueOrganisationCertificate("399999999900001", "SEGUR-STORE-" + Guid.NewGuid().ToString("N")[..8]);
        using var persisted = X509CertificateLoader.LoadPkcs12(TestPki.ExportPkcs12(issued, "pw"), "pw",
            X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(persisted);
        try
        {
            using var byThumbprint = CertificateStoreCredentialSource.FromThumbprint(persisted.Thumbprint.ToLowerInvariant());
            using var bySubject = CertificateStoreCredentialSource.FromSubject(persisted.GetNameInfo(X509NameType.SimpleName, false));

            var signature = await byThumbprint.SignDataAsync("x"u8.ToArray(), HashAlgorithmName.SHA256);

            Assert.Equal(persisted.Thumbprint, (await byThumbprint.GetCertificateAsync()).Thumbprint);
            Assert.Equal(persisted.Thumbprint, (await bySubject.GetCertificateAsync()).Thumbprint);
            using var publicKey = persisted.GetRSAPublicKey()!;
            Assert.True(publicKey.VerifyData("x"u8, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        finally
        {
            store.Remove(persisted);
        }
    }

    [Fact]
    public async Task CertificateStoreCredentialSource_Absent_ThrowsNotFoundInStore()
    {
        using var source = CertificateStoreCredentialSource.FromThumbprint(new string('A', 40));

        var ex = await Assert.ThrowsAsync<SegurValidationException>(async () => await source.GetCertificateAsync());

        Assert.Equal(CoreErrorCodes.CertificateNotFoundInStore, ex.ErrorCode);
        Assert.Contains("CurrentUser", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateStoreCredentialSource_BadThumbprint_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => CertificateStoreCredentialSource.FromThumbprint("1234"));
    }
}
