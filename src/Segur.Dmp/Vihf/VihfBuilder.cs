using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Segur.Dmp.Client;
using Segur.Security;

namespace Segur.Dmp.Vihf;

/// <summary>
/// Builds the VIHF token (SAML 2.0 assertion, dmp.md §2.3/§2.4/§4) for one call: fresh <c>ID</c> and
/// <c>IssueInstant</c>, <c>Issuer</c> = the signer certificate's subject DN, enveloped signature after the issuer.
/// </summary>
internal sealed class VihfBuilder
{
    internal const string Hl7Namespace = "urn:hl7-org:v3";
    internal const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
    internal const string PurposeOfUseCodeSystem = "1.2.250.1.213.1.1.4.248";
    internal const string RoleAttribute = "urn:oasis:names:tc:xacml:2.0:subject:role";
    internal const string SubjectIdAttribute = "urn:oasis:names:tc:xspa:1.0:subject:subject-id";
    internal const string ResourceIdAttribute = "urn:oasis:names:tc:xacml:2.0:resource:resource-id";
    internal const string PurposeOfUseAttribute = "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse";
    internal const string ConfidentialityAttribute = "urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code";
    private const string G15 = "1.2.250.1.71.1.2.7";

    private readonly DmpClientOptions _options;

    public VihfBuilder(DmpClientOptions options) => _options = options;

    /// <summary>The VIHF mode value.</summary>
    internal static string ModeValue(DmpAuthenticationMode mode) => mode switch
    {
        DmpAuthenticationMode.Direct => "DIRECTE",
        DmpAuthenticationMode.Indirect => "INDIRECTE",
        DmpAuthenticationMode.IndirectReinforced => "INDIRECTE_RENFORCEE",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>The TRE_R248 access mode value.</summary>
    internal static string AccessModeValue(DmpAccessMode mode) => mode switch
    {
        DmpAccessMode.Normal => "normal",
        DmpAccessMode.BreakGlass => "bris_de_glace",
        DmpAccessMode.Centre15 => "centre_15",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Checks the user context, so that a bad one fails before anything is signed or sent.</summary>
    /// <exception cref="SegurValidationException">A <c>SGR-420x</c> code naming the problem.</exception>
    public static void Validate(DmpUserContext user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!Enum.IsDefined(user.Mode) || !Enum.IsDefined(user.AccessMode))
        {
            throw Invalid(DmpErrorCodes.VihfUserInvalid, "The authentication or access mode is not a defined value.", nameof(DmpUserContext.Mode));
        }

        if (user.User is null || user.Structure is null)
        {
            throw Invalid(DmpErrorCodes.VihfUserInvalid, "The user context needs the user's PS_IdNat and the structure's identifier.", nameof(DmpUserContext.User));
        }

        if (string.IsNullOrWhiteSpace(user.FamilyName) || user.FamilyName.Length > 100 || user.GivenName?.Length > 100)
        {
            throw Invalid(DmpErrorCodes.VihfUserInvalid, "The user's family name is required (at most 100 characters) for the VIHF.", nameof(DmpUserContext.FamilyName));
        }

        if (string.IsNullOrWhiteSpace(user.ActivitySector?.Code) || string.IsNullOrWhiteSpace(user.ActivitySector.CodeSystem))
        {
            throw Invalid(DmpErrorCodes.VihfUserInvalid, "The activity sector (Secteur_Activite, JDV_J61) needs a code and a code system.", nameof(DmpUserContext.ActivitySector));
        }

        var roles = user.Roles;
        if (roles is null || roles.Count is < 1 or > 2 || roles.Any(r => r is null || string.IsNullOrWhiteSpace(r.Code) || string.IsNullOrWhiteSpace(r.CodeSystem)))
        {
            throw Invalid(DmpErrorCodes.VihfRolesInvalid, "The VIHF needs 1 or 2 roles (JDV_J65), each with a code and a code system.", nameof(DmpUserContext.Roles));
        }

        if (roles.Count == 1 && roles[0].CodeSystem == G15 && roles[0].Code is "10" or "21")
        {
            throw Invalid(DmpErrorCodes.VihfRolesInvalid,
                "Physicians (G15 10) and pharmacists (G15 21) need a second role: the specialty (R01) or the pharmacist section (G05).", nameof(DmpUserContext.Roles));
        }

        if (user.Mode == DmpAuthenticationMode.IndirectReinforced && string.IsNullOrWhiteSpace(user.AuthenticationContextDeclaration))
        {
            throw Invalid(DmpErrorCodes.VihfAuthnDeclarationMissing,
                "INDIRECTE_RENFORCEE needs AuthenticationContextDeclaration (the user's primary authentication; no public default).",
                nameof(DmpUserContext.AuthenticationContextDeclaration));
        }
    }

    /// <summary>Builds and signs a token.</summary>
    /// <param name="user">Who acts.</param>
    /// <param name="patient">The patient (resource-id), or <see langword="null"/> for calls about no patient (TD0.4, TD0.5).</param>
    /// <param name="cancellationToken">Cancels signing.</param>
    /// <returns>The signed <c>saml:Assertion</c> element (its own document).</returns>
    public async Task<XmlElement> BuildAsync(DmpUserContext user, DmpPatient? patient, CancellationToken cancellationToken)
    {
        Validate(user);
        var signer = _options.VihfSigner ?? throw Invalid(DmpErrorCodes.VihfSignerMissing,
            "DmpClientOptions.VihfSigner is required: the CPS card (DIRECTE) or the ORG SIGN certificate (indirect modes).", nameof(DmpClientOptions.VihfSigner));
        var certificate = await signer.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow();
        var vihf = _options.Vihf;
        var assertion = new SamlAssertion
        {
            Id = "_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
            IssueInstant = now,
            Issuer = certificate.Subject,
            IssuerFormat = SamlAssertion.X509SubjectNameFormat,
            Subject = new SamlNameId(user.User.Value),
            NotBefore = vihf.Validity is null ? null : now,
            NotOnOrAfter = vihf.Validity is { } validity ? now + validity : null,
            AuthnStatement = new SamlAuthnStatement
            {
                AuthnInstant = user.AuthenticationInstant ?? now,
                AuthnContextClassRef = user.AuthenticationContextClass
                    ?? (user.Mode == DmpAuthenticationMode.Direct ? vihf.DirectAuthenticationContextClass : vihf.IndirectAuthenticationContextClass),
            },
        };

        var attributes = assertion.Attributes;
        attributes.Add(new SamlAttribute("VIHF_Version", vihf.Version));
        attributes.Add(new SamlAttribute(vihf.ModeAttributeName, ModeValue(user.Mode)));
        attributes.Add(new SamlAttribute("Identifiant_Structure", user.Structure.Value));
        attributes.Add(new SamlAttribute("Secteur_Activite", $"{user.ActivitySector.Code}^{user.ActivitySector.CodeSystem}"));
        var roles = new SamlAttribute(RoleAttribute);
        foreach (var role in user.Roles)
        {
            roles.Values.Add(SamlAttributeValue.FromElement(Ce("Role", role.Code, role.CodeSystem, null, role.DisplayName)));
        }

        attributes.Add(roles);
        if (user.Mode != DmpAuthenticationMode.Direct || vihf.SubjectIdInDirectMode)
        {
            var name = string.IsNullOrWhiteSpace(user.GivenName) ? user.FamilyName.Trim() : $"{user.GivenName.Trim()} {user.FamilyName.Trim()}";
            attributes.Add(new SamlAttribute(SubjectIdAttribute, name));
        }

        if (patient is not null)
        {
            attributes.Add(new SamlAttribute(ResourceIdAttribute, patient.PatientId));
        }

        attributes.Add(new SamlAttribute("Ressource_URN", vihf.ResourceUrn));
        var purpose = new SamlAttribute(PurposeOfUseAttribute);
        purpose.Values.Add(SamlAttributeValue.FromElement(Ce("PurposeOfUse", AccessModeValue(user.AccessMode), PurposeOfUseCodeSystem,
            string.IsNullOrWhiteSpace(vihf.PurposeOfUseCodeSystemName) ? null : vihf.PurposeOfUseCodeSystemName, null)));
        attributes.Add(purpose);
        if (user.SecretConnection)
        {
            var confidentiality = new SamlAttribute(ConfidentialityAttribute);
            confidentiality.Values.Add(SamlAttributeValue.FromElement(Ce("ConfidentialityCode", vihf.SecretConnectionCode, vihf.SecretConnectionCodeSystem, null, null)));
            attributes.Add(confidentiality);
            if (vihf.WriteLegacyConfidentialityCode)
            {
                attributes.Add(new SamlAttribute("Confidentiality_code", vihf.SecretConnectionCode));
            }
        }

        if (!string.IsNullOrWhiteSpace(_options.LpsId))
        {
            attributes.Add(new SamlAttribute("LPS_ID", _options.LpsId));
        }

        attributes.Add(new SamlAttribute("LPS_Nom", _options.LpsName));
        attributes.Add(new SamlAttribute("LPS_Version", _options.LpsVersion));
        attributes.Add(new SamlAttribute("LPS_ID_HOMOLOGATION_DMP", _options.HomologationNumber));

        var document = SamlAssertions.Build(assertion, _options.TimeProvider);
        var root = document.DocumentElement!;
        if (user.Mode == DmpAuthenticationMode.IndirectReinforced)
        {
            // AuthnContext is (AuthnContextClassRef, AuthnContextDecl?): the declaration follows the class reference.
            var classRef = root.GetElementsByTagName("AuthnContextClassRef", SamlAssertion.Namespace)[0]!;
            var declaration = document.CreateElement("saml", "AuthnContextDecl", SamlAssertion.Namespace);
            declaration.AppendChild(document.CreateTextNode(user.AuthenticationContextDeclaration!.Trim()));
            classRef.ParentNode!.InsertAfter(declaration, classRef);
        }

        await DmpXmlSigner.SignEnvelopedAsync(root, assertion.Id, root.FirstChild!, signer, _options.SignatureHash, cancellationToken).ConfigureAwait(false);
        return root;
    }

    private static XElement Ce(string name, string code, string codeSystem, string? codeSystemName, string? displayName)
    {
        XNamespace hl7 = Hl7Namespace;
        XNamespace xsi = XsiNamespace;
        var element = new XElement(hl7 + name,
            new XAttribute(XNamespace.Xmlns + "xsi", XsiNamespace),
            new XAttribute(xsi + "type", "CE"),
            new XAttribute("code", code),
            new XAttribute("codeSystem", codeSystem));
        if (codeSystemName is not null)
        {
            element.Add(new XAttribute("codeSystemName", codeSystemName));
        }

        if (!string.IsNullOrWhiteSpace(displayName))
        {
            element.Add(new XAttribute("displayName", displayName));
        }

        return element;
    }

    private static SegurValidationException Invalid(string code, string message, string field) => new(code, message) { Field = field };
}
