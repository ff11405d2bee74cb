using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using Segur.Security;

namespace Segur.Testing.Dmp;

/// <summary>What the simulator read from an accepted VIHF.</summary>
internal sealed record VihfInfo(string SubjectId, string StructureId, string Mode, IReadOnlyList<(string Code, string System)> Roles, string PurposeOfUse,
    string ResourceId, string? ConfidentialityCode)
{
    public string ResourceIns => DmpSimulator.InsOf(ResourceId);

    public bool IsEmergency => PurposeOfUse is "bris_de_glace" or "centre_15";
}

public sealed partial class DmpSimulator
{
    private const string ProfessionSystem = "1.2.250.1.71.1.2.7";

    /// <summary>VIHF checks of the DMP documentation §3.2, in order: presence, signature (SHA-1 or SHA-256) and trust,
    /// issue instant within the skew, required attributes (both spellings of the mode attribute), roles (a second role
    /// for physicians and pharmacists), mode rules (DIRECTE: signer = TLS certificate and NameID = card holder;
    /// INDIRECTE*: structure in the signer's OU, subject-id present; AIR: an <c>AuthnContextDecl</c> or
    /// <c>AuthnContextDeclRef</c>).</summary>
    private DmpAnswer? CheckVihf(DmpExchange exchange)
    {
        var codes = Options.ErrorCodes;
        string? modeName = null, mode = null, signatureMethod = null, digestMethod = null, subject = null, structure = null, purpose = null, resource = null, confidentiality = null;
        var roles = new List<(string Code, string System)>();
        DmpAnswer Refuse(string subcode, string code, string reason)
        {
            _vihfs.Enqueue(new DmpReceivedVihf(exchange.Action, modeName, mode, signatureMethod, digestMethod, subject, structure,
                [.. roles.Select(r => r.Code)], purpose, resource, confidentiality, code));
            return Fault(exchange, "env:Sender", subcode, code, reason);
        }

        var security = exchange.Envelope!.FindHeader("Security", DmpNs.Wsse);
        var assertion = security?.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "Assertion" && e.NamespaceURI == SamlAssertion.Namespace);
        if (assertion is null)
        {
            return Refuse("wsse:InvalidSecurity", codes.VihfMissing, "Jeton VIHF absent (wsse:Security/saml2:Assertion).");
        }

        // Read what can be read before any check, so the inspection API records refused tokens too.
        var attributes = ReadAttributes(assertion);
        modeName = attributes.ContainsKey("Authentification_Mode") ? "Authentification_Mode" : attributes.ContainsKey("Authentification_mode") ? "Authentification_mode" : null;
        mode = modeName is null ? null : First(attributes, modeName);
        subject = ChildText(ChildElement(assertion, "Subject"), "NameID");
        structure = First(attributes, "Identifiant_Structure");
        resource = First(attributes, "urn:oasis:names:tc:xacml:2.0:resource:resource-id");
        purpose = CodedValues(attributes, "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse").FirstOrDefault().Code;
        confidentiality = CodedValues(attributes, "urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code").FirstOrDefault().Code;
        roles.AddRange(CodedValues(attributes, "urn:oasis:names:tc:xacml:2.0:subject:role"));

        X509Certificate2 signer;
        try
        {
            var verification = XmlSignature.Verify(assertion, new XmlSignatureVerificationOptions { AllowSha1 = true });
            signatureMethod = verification.SignatureMethod;
            digestMethod = verification.DigestMethod;
            signer = verification.SignerCertificate;
        }
        catch (SegurException ex)
        {
            return Refuse("wsse:FailedAuthentication", codes.VihfSignature, "Signature du VIHF invalide : " + ex.Message);
        }

        if (Options.RequireTrustedVihfSigner
            && !Pki.Trust.Evaluate(signer, new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = Options.TimeProvider }).IsTrusted)
        {
            return Refuse("wsse:FailedAuthentication", codes.VihfSignature, "Le certificat signataire du VIHF n'est pas reconnu.");
        }

        try
        {
            SamlAssertions.Validate(assertion, new SamlValidationOptions
            {
                TimeProvider = Options.TimeProvider, ClockSkew = Options.MaxClockSkew, Signature = new XmlSignatureVerificationOptions { AllowSha1 = true },
            });
        }
        catch (SegurValidationException ex) when (ex.ErrorCode is CoreErrorCodes.SamlNotYetValid or CoreErrorCodes.SamlExpired)
        {
            return Refuse("wsse:MessageExpired", codes.VihfExpired, "VIHF hors période de validité : " + ex.Message);
        }
        catch (SegurException ex)
        {
            return Refuse("wsse:InvalidSecurityToken", codes.VihfAttribute, "VIHF invalide : " + ex.Message);
        }

        var issued = DateTimeOffset.Parse(assertion.GetAttribute("IssueInstant"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        if ((Options.TimeProvider.GetUtcNow() - issued).Duration() > Options.MaxClockSkew)
        {
            return Refuse("wsse:MessageExpired", codes.VihfExpired,
                $"IssueInstant du VIHF trop éloigné de l'heure du serveur (écart maximal {Options.MaxClockSkew.TotalMinutes:0} min).");
        }

        var missing = new List<string>();
        var version = First(attributes, "VIHF_Version");
        if (version is null || !Options.AcceptedVihfVersions.Contains(version))
        {
            missing.Add("VIHF_Version");
        }

        if (mode is not ("DIRECTE" or "INDIRECTE" or "INDIRECTE_RENFORCEE"))
        {
            missing.Add("Authentification_Mode");
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            missing.Add("Subject/NameID");
        }

        if (string.IsNullOrWhiteSpace(structure))
        {
            missing.Add("Identifiant_Structure");
        }

        if (string.IsNullOrWhiteSpace(First(attributes, "Secteur_Activite")))
        {
            missing.Add("Secteur_Activite");
        }

        // TD0.4 and TD0.5 are about no particular patient: their VIHF may omit resource-id [assumption: the public
        // documentation lists resource-id as required without saying what a patient-less transaction carries].
        var patientLess = exchange.Action is DmpActions.Td04 or DmpActions.Td05;
        if (resource is null && patientLess)
        {
            resource = string.Empty;
        }
        else if (resource is null || !resource.EndsWith("&ISO^NH", StringComparison.Ordinal) || InsOf(resource).Length == 0)
        {
            missing.Add("resource-id");
        }

        if (First(attributes, "Ressource_URN") != "urn:dmp")
        {
            missing.Add("Ressource_URN");
        }

        if (purpose is not ("normal" or "bris_de_glace" or "centre_15"))
        {
            missing.Add("purposeofuse");
        }

        foreach (var name in new[] { "LPS_Nom", "LPS_Version", "LPS_ID_HOMOLOGATION_DMP" })
        {
            if (string.IsNullOrWhiteSpace(First(attributes, name)))
            {
                missing.Add(name);
            }
        }

        if (mode is "INDIRECTE" or "INDIRECTE_RENFORCEE" && string.IsNullOrWhiteSpace(First(attributes, "urn:oasis:names:tc:xspa:1.0:subject:subject-id")))
        {
            missing.Add("subject-id");
        }

        if (roles.Count == 0)
        {
            missing.Add("role");
        }

        if (missing.Count > 0)
        {
            return Refuse("wsse:InvalidSecurityToken", codes.VihfAttribute, "Attributs du VIHF absents ou invalides : " + string.Join(", ", missing) + ".");
        }

        if (roles[0].System == ProfessionSystem && roles[0].Code is "10" or "21" && roles.Count < 2)
        {
            return Refuse("wsse:InvalidSecurityToken", codes.VihfAttribute,
                "Un médecin ou un pharmacien doit porter un second rôle (spécialité R01 ou G05).");
        }

        var modeError = CheckMode(exchange, assertion, mode!, subject!, structure!, signer);
        if (modeError is not null)
        {
            return Refuse("wsse:FailedAuthentication", codes.VihfMode, modeError);
        }

        _vihfs.Enqueue(new DmpReceivedVihf(exchange.Action, modeName, mode, signatureMethod, digestMethod, subject, structure,
            [.. roles.Select(r => r.Code)], purpose, resource, confidentiality, null));
        exchange.Vihf = new VihfInfo(subject!, structure!, mode!, roles, purpose!, resource!, confidentiality);
        return null;
    }

    private static string? CheckMode(DmpExchange exchange, XmlElement assertion, string mode, string subject, string structure, X509Certificate2 signer)
    {
        if (mode == "DIRECTE")
        {
            // The card gives both the TLS certificate and the VIHF signature; NameID is the holder.
            if (exchange.ClientCertificate is not null && !exchange.ClientCertificate.RawData.AsSpan().SequenceEqual(signer.RawData))
            {
                return "Mode DIRECTE : le VIHF doit être signé par la carte qui authentifie la connexion TLS.";
            }

            var holder = signer.GetNameInfo(X509NameType.SimpleName, false);
            return holder == subject ? null : "Mode DIRECTE : le NameID doit être l'identifiant du porteur de la carte.";
        }

        // ORG SIGN certificate: OU = structure identifier.
        var ou = signer.SubjectName.EnumerateRelativeDistinguishedNames()
            .FirstOrDefault(r => r.GetSingleElementType().Value == "2.5.4.11")?.GetSingleElementValue();
        if (ou != structure)
        {
            return $"Mode {mode} : Identifiant_Structure doit être l'OU du certificat de signature de la structure.";
        }

        if (mode == "INDIRECTE_RENFORCEE")
        {
            var context = ChildElement(ChildElement(assertion, "AuthnStatement"), "AuthnContext");
            if (ChildElement(context, "AuthnContextDecl") is null && ChildElement(context, "AuthnContextDeclRef") is null)
            {
                return "Mode INDIRECTE_RENFORCEE : AuthnContextDecl (authentification primaire) requis.";
            }
        }

        return null;
    }

    private static Dictionary<string, List<XmlElement>> ReadAttributes(XmlElement assertion)
    {
        var result = new Dictionary<string, List<XmlElement>>(StringComparer.Ordinal);
        foreach (var statement in assertion.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "AttributeStatement" && e.NamespaceURI == SamlAssertion.Namespace))
        {
            foreach (var attribute in statement.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Attribute"))
            {
                var name = attribute.GetAttribute("Name");
                if (!result.TryGetValue(name, out var values))
                {
                    result[name] = values = [];
                }

                values.AddRange(attribute.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "AttributeValue"));
            }
        }

        return result;
    }

    private static string? First(Dictionary<string, List<XmlElement>> attributes, string name) =>
        attributes.TryGetValue(name, out var values) && values.Count > 0 ? values[0].InnerText.Trim() : null;

    private static List<(string Code, string System)> CodedValues(Dictionary<string, List<XmlElement>> attributes, string name) =>
        attributes.TryGetValue(name, out var values)
            ? [.. values.Select(v => v.ChildNodes.OfType<XmlElement>().FirstOrDefault()).OfType<XmlElement>().Select(e => (e.GetAttribute("code"), e.GetAttribute("codeSystem")))]
            : [];

    internal static XmlElement? ChildElement(XmlElement? parent, string localName) =>
        parent?.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == localName);

    internal static string? ChildText(XmlElement? parent, string localName) => ChildElement(parent, localName)?.InnerText.Trim();
}
