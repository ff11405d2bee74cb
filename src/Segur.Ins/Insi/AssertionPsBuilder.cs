using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Segur.Security;

namespace Segur.Ins.Insi;

/// <summary>
/// Builds the signed SAML 2.0 "assertion PS" the CPx mode puts in <c>wsse:Security</c>. The schema of this assertion
/// is not public: <see cref="AssertionPsBuilder"/> follows public samples; replace it when the GIE documentation asks
/// for other attributes.
/// </summary>
public interface IAssertionPsBuilder
{
    /// <summary>Builds and signs a fresh assertion (the client calls it for every request).</summary>
    /// <param name="credential">The signer (the CPS card, or a personal certificate); may be <see langword="null"/> for
    /// a builder that has its own.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The signed <c>saml:Assertion</c> element. It is copied byte-for-byte into the request.</returns>
    /// <exception cref="SegurException">The credential could not sign.</exception>
    Task<XmlElement> BuildAsync(ICredentialSource? credential, TimeProvider timeProvider, CancellationToken cancellationToken = default);
}

/// <summary>Attributes of the default assertion PS (<see cref="AssertionPsBuilder"/>).</summary>
public sealed class AssertionPsOptions
{
    /// <summary>The <c>identifiantFacturation</c> attribute: FINESS géographique (else SIRET) for an establishment, AM
    /// billing number for a liberal professional. <value>Default: <see langword="null"/> (attribute not written).</value></summary>
    [StringLength(64)]
    public string? BillingId { get; set; }

    /// <summary>The <c>secteurActivite</c> attribute, for example <c>SA07</c> (officine) or <c>SA05</c>.
    /// <value>Default: <see langword="null"/> (attribute not written).</value></summary>
    [StringLength(16)]
    public string? ActivitySector { get; set; }

    /// <summary>The <c>codeSpecialiteAMO</c> attribute (mandatory for physicians).
    /// <value>Default: <see langword="null"/> (attribute not written).</value></summary>
    [StringLength(16)]
    public string? AmoSpecialty { get; set; }

    /// <summary>Further attributes (name → value), written after the standard ones.</summary>
    public IDictionary<string, string> ExtraAttributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The assertion's validity. <value>Default: 1 hour.</value></summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The default <see cref="IAssertionPsBuilder"/>: <c>Issuer</c> = the card certificate's subject DN (X509SubjectName
/// format), <c>Subject/NameID NameQualifier="CPS"</c> = its CN, a validity window, a SmartcardPKI authentication
/// statement and the attributes of <see cref="AssertionPsOptions"/>, enveloped-signed (exc-c14n, RSA-SHA256).
/// </summary>
public sealed class AssertionPsBuilder : IAssertionPsBuilder
{
    private readonly AssertionPsOptions _options;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">The attributes; <see langword="null"/> for none.</param>
    public AssertionPsBuilder(AssertionPsOptions? options = null) => _options = options ?? new AssertionPsOptions();

    /// <inheritdoc/>
    public async Task<XmlElement> BuildAsync(ICredentialSource? credential, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (credential is null)
        {
            throw new SegurValidationException(InsErrorCodes.InsiCredentialMissing, "The CPx mode needs a credential (the CPS card) to sign the assertion PS.") { Field = "Credential" };
        }

        var certificate = await credential.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, false);
        var assertion = new SamlAssertion
        {
            IssueInstant = now,
            Issuer = certificate.Subject,
            IssuerFormat = SamlAssertion.X509SubjectNameFormat,
            Subject = new SamlNameId(string.IsNullOrEmpty(commonName) ? certificate.Subject : commonName) { NameQualifier = "CPS" },
            NotBefore = now,
            NotOnOrAfter = now + _options.Lifetime,
            AuthnStatement = new SamlAuthnStatement { AuthnInstant = now, AuthnContextClassRef = SamlAssertion.SmartcardPkiContext },
        };
        Add(assertion, "identifiantFacturation", _options.BillingId);
        Add(assertion, "secteurActivite", _options.ActivitySector);
        Add(assertion, "codeSpecialiteAMO", _options.AmoSpecialty);
        foreach (var (name, value) in _options.ExtraAttributes)
        {
            Add(assertion, name, value);
        }

        var document = await SamlAssertions.BuildSignedAsync(assertion, credential, timeProvider, cancellationToken).ConfigureAwait(false);
        return document.DocumentElement!;
    }

    private static void Add(SamlAssertion assertion, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            assertion.Attributes.Add(new SamlAttribute(name, value));
        }
    }
}
