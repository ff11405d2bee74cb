using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;

namespace Segur.Security;

/// <summary>Options of <see cref="SamlAssertions.Validate"/>.</summary>
public sealed class SamlValidationOptions
{
    /// <summary>The clock giving "now".</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The clock difference tolerated on <c>NotBefore</c>, <c>NotOnOrAfter</c> and <c>IssueInstant</c>.</summary>
    /// <value>Default: 5 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When set, the assertion must have an <c>AudienceRestriction</c> naming this audience (each restriction
    /// must name it).</summary>
    /// <value>Default: <see langword="null"/> (audience not checked).</value>
    public string? ExpectedAudience { get; set; }

    /// <summary>When set, the <c>Issuer</c> must equal this value.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? ExpectedIssuer { get; set; }

    /// <summary>The signature verification options (SHA-1 policy, known signer).</summary>
    /// <value>Default: SHA-1 refused, signer from <c>KeyInfo</c>.</value>
    public XmlSignatureVerificationOptions Signature { get; set; } = new();
}

/// <summary>The outcome of a successful <see cref="SamlAssertions.Validate"/>.</summary>
public sealed class SamlValidationResult
{
    internal SamlValidationResult(SamlAssertion assertion, X509Certificate2 signerCertificate)
    {
        Assertion = assertion;
        SignerCertificate = signerCertificate;
    }

    /// <summary>The assertion's content, read from the signed XML.</summary>
    public SamlAssertion Assertion { get; }

    /// <summary>The certificate that signed it. Check its trust with <see cref="IgcSanteTrust"/>.</summary>
    public X509Certificate2 SignerCertificate { get; }
}

/// <summary>Builds, signs and validates SAML 2.0 assertions.</summary>
public static class SamlAssertions
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
    private const string XsNamespace = "http://www.w3.org/2001/XMLSchema";

    /// <summary>Writes an assertion as an unsigned XML document whose root is <c>saml:Assertion</c>.</summary>
    /// <param name="assertion">The assertion.</param>
    /// <param name="timeProvider">Gives "now" when <see cref="SamlAssertion.IssueInstant"/> is not set; <see langword="null"/> for the system clock.</param>
    /// <returns>A new document.</returns>
    /// <exception cref="ArgumentException">The issuer or the identifier is missing or invalid.</exception>
    public static XmlDocument Build(SamlAssertion assertion, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentException.ThrowIfNullOrWhiteSpace(assertion.Issuer, nameof(assertion));
        try
        {
            XmlConvert.VerifyNCName(assertion.Id);
        }
        catch (XmlException ex)
        {
            throw new ArgumentException("The assertion ID must be an XML NCName (start with a letter or '_').", nameof(assertion), ex);
        }

        var issueInstant = assertion.IssueInstant == default ? (timeProvider ?? TimeProvider.System).GetUtcNow() : assertion.IssueInstant;
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var root = document.CreateElement("saml", "Assertion", SamlAssertion.Namespace);
        root.SetAttribute("xmlns:saml", SamlAssertion.Namespace);
        var typed = assertion.Attributes.SelectMany(a => a.Values).Any(v => v.XsiType is not null);
        if (typed)
        {
            root.SetAttribute("xmlns:xs", XsNamespace);
            root.SetAttribute("xmlns:xsi", XsiNamespace);
        }

        root.SetAttribute("ID", assertion.Id);
        root.SetAttribute("IssueInstant", Format(issueInstant));
        root.SetAttribute("Version", "2.0");
        document.AppendChild(root);

        var issuer = Add(root, "Issuer", assertion.Issuer);
        SetOptional(issuer, "Format", assertion.IssuerFormat);

        if (assertion.Subject is { } subject)
        {
            var subjectElement = Add(root, "Subject");
            var nameId = Add(subjectElement, "NameID", subject.Value);
            SetOptional(nameId, "Format", subject.Format);
            SetOptional(nameId, "NameQualifier", subject.NameQualifier);
            SetOptional(nameId, "SPNameQualifier", subject.SPNameQualifier);
            if (!string.IsNullOrWhiteSpace(assertion.SubjectConfirmationMethod))
            {
                Add(subjectElement, "SubjectConfirmation").SetAttribute("Method", assertion.SubjectConfirmationMethod);
            }
        }

        if (assertion.NotBefore is not null || assertion.NotOnOrAfter is not null || assertion.Audiences.Count > 0)
        {
            var conditions = Add(root, "Conditions");
            if (assertion.NotBefore is { } notBefore)
            {
                conditions.SetAttribute("NotBefore", Format(notBefore));
            }

            if (assertion.NotOnOrAfter is { } notOnOrAfter)
            {
                conditions.SetAttribute("NotOnOrAfter", Format(notOnOrAfter));
            }

            if (assertion.Audiences.Count > 0)
            {
                var restriction = Add(conditions, "AudienceRestriction");
                foreach (var audience in assertion.Audiences)
                {
                    Add(restriction, "Audience", audience);
                }
            }
        }

        if (assertion.AuthnStatement is { } authn)
        {
            var statement = Add(root, "AuthnStatement");
            statement.SetAttribute("AuthnInstant", Format(authn.AuthnInstant == default ? issueInstant : authn.AuthnInstant));
            SetOptional(statement, "SessionIndex", authn.SessionIndex);
            Add(Add(statement, "AuthnContext"), "AuthnContextClassRef", authn.AuthnContextClassRef);
        }

        if (assertion.Attributes.Count > 0)
        {
            var statement = Add(root, "AttributeStatement");
            foreach (var attribute in assertion.Attributes)
            {
                var element = Add(statement, "Attribute");
                element.SetAttribute("Name", attribute.Name);
                SetOptional(element, "NameFormat", attribute.NameFormat);
                SetOptional(element, "FriendlyName", attribute.FriendlyName);
                foreach (var value in attribute.Values)
                {
                    var valueElement = Add(element, "AttributeValue");
                    if (value.Element is not null)
                    {
                        using var reader = value.Element.CreateReader();
                        var node = document.ReadNode(reader) ?? throw new ArgumentException("An attribute value element is empty.", nameof(assertion));
                        valueElement.AppendChild(node);
                    }
                    else
                    {
                        if (value.XsiType is not null)
                        {
                            var type = document.CreateAttribute("xsi", "type", XsiNamespace);
                            type.Value = "xs:" + value.XsiType;
                            valueElement.Attributes.Append(type);
                        }

                        valueElement.AppendChild(document.CreateTextNode(value.Text ?? string.Empty));
                    }
                }
            }
        }

        return document;

        XmlElement Add(XmlElement parent, string localName, string? text = null)
        {
            var child = document.CreateElement("saml", localName, SamlAssertion.Namespace);
            if (text is not null)
            {
                child.AppendChild(document.CreateTextNode(text));
            }

            parent.AppendChild(child);
            return child;
        }
    }

    /// <summary>Writes an assertion and signs it (enveloped signature right after <c>Issuer</c>, as the schema requires).</summary>
    /// <param name="assertion">The assertion.</param>
    /// <param name="credential">The signer, for example a CPS card or an ORG SIGN certificate.</param>
    /// <param name="timeProvider">Gives "now" when the issue instant is not set; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The signed document. Do not reformat it: whitespace is part of the signature.</returns>
    /// <exception cref="ArgumentException">The assertion is incomplete.</exception>
    /// <exception cref="SegurException">The credential could not sign.</exception>
    public static async Task<XmlDocument> BuildSignedAsync(SamlAssertion assertion, ICredentialSource credential,
        TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var document = Build(assertion, timeProvider);
        var root = document.DocumentElement!;
        var options = new XmlSigningOptions { InsertAfter = root.FirstChild };
        if (assertion.Attributes.SelectMany(a => a.Values).Any(v => v.XsiType is not null))
        {
            // xs is only used inside attribute values (xsi:type="xs:string"), so exclusive c14n would not render it.
            options.InclusiveNamespacePrefixes.Add("xs");
        }

        await XmlSignature.SignEnvelopedAsync(root, credential, options, cancellationToken).ConfigureAwait(false);
        return document;
    }

    /// <summary>Validates a signed assertion: signature (the assertion itself must be the signed element), time window
    /// with clock skew, optional issuer and audience.</summary>
    /// <param name="assertion">The <c>saml:Assertion</c> element, from a document parsed with <see cref="Segur.Xml.SafeXml"/>.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The assertion's content and its signer certificate.</returns>
    /// <exception cref="SegurValidationException">The assertion is malformed (<c>SGR-1320</c>), not valid yet
    /// (<c>SGR-1321</c>), expired (<c>SGR-1322</c>), for another audience (<c>SGR-1323</c>) or issuer (<c>SGR-1324</c>),
    /// or its signature is refused (<c>SGR-1301</c>…<c>SGR-1308</c>).</exception>
    public static SamlValidationResult Validate(XmlElement assertion, SamlValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        options ??= new SamlValidationOptions();
        if (assertion.LocalName != "Assertion" || assertion.NamespaceURI != SamlAssertion.Namespace)
        {
            throw Fail(CoreErrorCodes.SamlMalformed, $"Expected a SAML 2.0 Assertion, found '{assertion.LocalName}'.");
        }

        if (assertion.GetAttribute("Version") != "2.0")
        {
            throw Fail(CoreErrorCodes.SamlMalformed, "The assertion's Version is not 2.0.");
        }

        var verification = XmlSignature.Verify(assertion, options.Signature);
        var model = Read(assertion);

        var now = options.TimeProvider.GetUtcNow();
        var skew = options.ClockSkew;
        if (model.IssueInstant - skew > now)
        {
            throw Fail(CoreErrorCodes.SamlNotYetValid, $"The assertion was issued in the future ({Format(model.IssueInstant)}).");
        }

        if (model.NotBefore is { } notBefore && notBefore - skew > now)
        {
            throw Fail(CoreErrorCodes.SamlNotYetValid, $"The assertion is not valid before {Format(notBefore)}.");
        }

        if (model.NotOnOrAfter is { } notOnOrAfter && now >= notOnOrAfter + skew)
        {
            throw Fail(CoreErrorCodes.SamlExpired, $"The assertion expired at {Format(notOnOrAfter)}.");
        }

        if (options.ExpectedIssuer is not null && !string.Equals(options.ExpectedIssuer, model.Issuer, StringComparison.Ordinal))
        {
            throw Fail(CoreErrorCodes.SamlIssuerMismatch, "The assertion's issuer is not the expected one.");
        }

        if (options.ExpectedAudience is not null)
        {
            var restrictions = Children(Children(assertion, "Conditions").FirstOrDefault(), "AudienceRestriction").ToList();
            if (restrictions.Count == 0 || restrictions.Any(r => !Children(r, "Audience").Any(a => a.InnerText.Trim() == options.ExpectedAudience)))
            {
                throw Fail(CoreErrorCodes.SamlAudienceMismatch, $"The assertion is not meant for the audience '{options.ExpectedAudience}'.");
            }
        }

        return new SamlValidationResult(model, verification.SignerCertificate);
    }

    private static SamlAssertion Read(XmlElement root)
    {
        var model = new SamlAssertion
        {
            Id = root.GetAttribute("ID"),
            IssueInstant = ParseTime(root.GetAttribute("IssueInstant"), "IssueInstant"),
        };
        var issuer = Children(root, "Issuer").FirstOrDefault() ?? throw Fail(CoreErrorCodes.SamlMalformed, "The assertion has no Issuer.");
        model.Issuer = issuer.InnerText;
        model.IssuerFormat = NullIfEmpty(issuer.GetAttribute("Format"));

        if (Children(Children(root, "Subject").FirstOrDefault(), "NameID").FirstOrDefault() is { } nameId)
        {
            model.Subject = new SamlNameId(nameId.InnerText)
            {
                Format = NullIfEmpty(nameId.GetAttribute("Format")),
                NameQualifier = NullIfEmpty(nameId.GetAttribute("NameQualifier")),
                SPNameQualifier = NullIfEmpty(nameId.GetAttribute("SPNameQualifier")),
            };
            model.SubjectConfirmationMethod = Children(Children(root, "Subject").First(), "SubjectConfirmation").FirstOrDefault()?.GetAttribute("Method");
        }

        if (Children(root, "Conditions").FirstOrDefault() is { } conditions)
        {
            model.NotBefore = conditions.HasAttribute("NotBefore") ? ParseTime(conditions.GetAttribute("NotBefore"), "NotBefore") : null;
            model.NotOnOrAfter = conditions.HasAttribute("NotOnOrAfter") ? ParseTime(conditions.GetAttribute("NotOnOrAfter"), "NotOnOrAfter") : null;
            foreach (var audience in Children(conditions, "AudienceRestriction").SelectMany(r => Children(r, "Audience")))
            {
                model.Audiences.Add(audience.InnerText.Trim());
            }
        }

        if (Children(root, "AuthnStatement").FirstOrDefault() is { } authn)
        {
            model.AuthnStatement = new SamlAuthnStatement
            {
                AuthnInstant = ParseTime(authn.GetAttribute("AuthnInstant"), "AuthnInstant"),
                SessionIndex = NullIfEmpty(authn.GetAttribute("SessionIndex")),
                AuthnContextClassRef = Children(Children(authn, "AuthnContext").FirstOrDefault(), "AuthnContextClassRef").FirstOrDefault()?.InnerText.Trim()
                    ?? string.Empty,
            };
        }

        foreach (var attribute in Children(root, "AttributeStatement").SelectMany(s => Children(s, "Attribute")))
        {
            var name = attribute.GetAttribute("Name");
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Fail(CoreErrorCodes.SamlMalformed, "A SAML Attribute has no Name.");
            }

            var item = new SamlAttribute(name)
            {
                NameFormat = NullIfEmpty(attribute.GetAttribute("NameFormat")),
                FriendlyName = NullIfEmpty(attribute.GetAttribute("FriendlyName")),
            };
            foreach (var value in Children(attribute, "AttributeValue"))
            {
                var element = value.ChildNodes.OfType<XmlElement>().FirstOrDefault();
                if (element is not null)
                {
                    using var reader = new XmlNodeReader(element);
                    item.Values.Add(SamlAttributeValue.FromElement(XElement.Load(reader)));
                }
                else
                {
                    var type = value.GetAttribute("type", XsiNamespace);
                    var colon = type.IndexOf(':', StringComparison.Ordinal);
                    var typeName = colon >= 0 && value.GetNamespaceOfPrefix(type[..colon]) == XsNamespace ? type[(colon + 1)..] : NullIfEmpty(type);
                    item.Values.Add(SamlAttributeValue.FromText(value.InnerText, typeName));
                }
            }

            model.Attributes.Add(item);
        }

        return model;
    }

    private static IEnumerable<XmlElement> Children(XmlElement? parent, string localName)
    {
        if (parent is null)
        {
            yield break;
        }

        for (var child = parent.FirstChild; child is not null; child = child.NextSibling)
        {
            if (child is XmlElement element && element.LocalName == localName && element.NamespaceURI == SamlAssertion.Namespace)
            {
                yield return element;
            }
        }
    }

    private static DateTimeOffset ParseTime(string value, string what)
    {
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        throw Fail(CoreErrorCodes.SamlMalformed, $"The assertion's {what} is missing or not a date-time.");
    }

    private static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void SetOptional(XmlElement element, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            element.SetAttribute(name, value);
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static SegurValidationException Fail(string code, string message) => new(code, message);
}
