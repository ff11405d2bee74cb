using System.Security.Cryptography.X509Certificates;
using Segur.Security;
using Segur.Testing;
using Segur.Testing.Pki;

namespace Segur.Core.Tests.Security;

public sealed class IgcSanteTrustTests
{
    private static CertificateValidationOptions At(DateTimeOffset now) =>
        new() { Revocation = RevocationPolicy.NoCheck, TimeProvider = new ManualTimeProvider(now) };

    [Fact]
    public void Production_LoadsEmbeddedRootsAndIntermediates()
    {
        var trust = IgcSanteTrust.Production;

        Assert.Equal(
            ["AC RACINE IGC-SANTE ELEMENTAIRE", "AC RACINE IGC-SANTE FORT", "AC RACINE IGC-SANTE STANDARD"],
            trust.Roots.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)).Order(StringComparer.Ordinal));
        Assert.Equal(5, trust.Intermediates.Count);
        Assert.DoesNotContain(trust.Roots.Concat(trust.Intermediates), c => c.Subject.Contains("TEST", StringComparison.Ordinal));
    }

    [Fact]
    public void Production_EachIntermediate_ChainsToItsRootOffline()
    {
        var trust = IgcSanteTrust.Production;
        var options = At(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        foreach (var intermediate in trust.Intermediates)
        {
            var result = trust.Evaluate(intermediate, options);
            Assert.True(result.IsTrusted, $"{intermediate.Subject}: {string.Join("; ", result.Problems)}");
            Assert.Equal(2, result.Chain.Count);
            Assert.Equal(intermediate.Issuer, result.Chain[^1].Subject);
        }
    }

    [Fact]
    public void Test_AnchorsAreSeparateAndNotTrustedByProduction()
    {
        var test = IgcSanteTrust.Test;
        var intermediate = Assert.Single(test.Intermediates);
        var options = At(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Contains("TEST AC RACINE IGC-SANTE ELEMENTAIRE", Assert.Single(test.Roots).Subject, StringComparison.Ordinal);
        Assert.True(test.Evaluate(intermediate, options).IsTrusted);
        var ex = Assert.Throws<SegurValidationException>(() => IgcSanteTrust.Production.Validate(intermediate, options));
        Assert.Equal(CoreErrorCodes.CertificateChainUntrusted, ex.ErrorCode);
    }

    [Fact]
    public void Production_AfterExpiry_ReportsNotTimeValid()
    {
        var trust = IgcSanteTrust.Production;

        var result = trust.Evaluate(trust.Intermediates[0], At(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(CoreErrorCodes.CertificateNotTimeValid, result.ErrorCode);
        Assert.Contains(result.Problems, p => p.Contains("NotTimeValid", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TestPkiLeaf_IsTrusted()
    {
        SecurityFixture.Pki.Trust.Validate(SecurityFixture.Organisation, At(SecurityFixture.Now));
        var result = SecurityFixture.Pki.Trust.Evaluate(SecurityFixture.Signer, At(SecurityFixture.Now));

        Assert.True(result.IsTrusted, string.Join("; ", result.Problems));
        Assert.Equal(3, result.Chain.Count);
    }

    [Fact]
    public void Validate_ExpiredLeaf_ThrowsNotTimeValidNamingStatus()
    {
        var expired = SecurityFixture.Pki.IssueOrganisationCertificate("312345678900017",
            notBefore: SecurityFixture.Now.AddYears(-2), notAfter: SecurityFixture.Now.AddDays(-1));

        var ex = Assert.Throws<SegurValidationException>(() => SecurityFixture.Pki.Trust.Validate(expired, At(SecurityFixture.Now)));

        Assert.Equal(CoreErrorCodes.CertificateNotTimeValid, ex.ErrorCode);
        Assert.Contains("NotTimeValid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClockMovedPastExpiry_ThrowsNotTimeValid()
    {
        var ex = Assert.Throws<SegurValidationException>(() =>
            SecurityFixture.Pki.Trust.Validate(SecurityFixture.Organisation, At(SecurityFixture.Now.AddYears(2))));

        Assert.Equal(CoreErrorCodes.CertificateNotTimeValid, ex.ErrorCode);
    }

    [Fact]
    public void Validate_OtherRoot_ThrowsChainUntrusted()
    {
        using var other = TestPki.Create(new ManualTimeProvider(SecurityFixture.Now), "OTHER");

        var ex = Assert.Throws<SegurValidationException>(() => other.Trust.Validate(SecurityFixture.Organisation, At(SecurityFixture.Now)));
        var production = IgcSanteTrust.Production.Evaluate(SecurityFixture.Organisation, At(SecurityFixture.Now));

        Assert.Equal(CoreErrorCodes.CertificateChainUntrusted, ex.ErrorCode);
        Assert.False(production.IsTrusted);
    }

    [Fact]
    public void Validate_OnlineRevocationWithoutCrl_ReportsRevocationUnknown()
    {
        // The test PKI publishes no CRL distribution point, so an online check cannot conclude.
        var options = At(SecurityFixture.Now);
        options.Revocation = RevocationPolicy.Online;

        var result = SecurityFixture.Pki.Trust.Evaluate(SecurityFixture.Organisation, options);

        Assert.Equal(CoreErrorCodes.CertificateRevocationUnknown, result.ErrorCode);
    }

    [Fact]
    public void TestPki_Certificates_HaveIgcSanteShapedSubjects()
    {
        var personal = SecurityFixture.Signer;
        var organisation = SecurityFixture.Organisation;

        Assert.Contains("CN=899700012345", personal.Subject, StringComparison.Ordinal);
        Assert.Contains("SN=DUPONT", personal.Subject, StringComparison.Ordinal);
        Assert.Contains("G=JEANNE", personal.Subject, StringComparison.Ordinal);
        Assert.Contains("T=Pharmacien", personal.Subject, StringComparison.Ordinal);
        Assert.Contains("OU=IGC-SANTE TEST", personal.Issuer, StringComparison.Ordinal);
        Assert.Equal("INSI-MANU", organisation.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Contains("OU=312345678900017", organisation.Subject, StringComparison.Ordinal);
        Assert.Contains("ORGANISATIONS", organisation.Issuer, StringComparison.Ordinal);
        Assert.True(personal.HasPrivateKey);
    }
}
