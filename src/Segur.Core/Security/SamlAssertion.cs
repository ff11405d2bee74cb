using System.Xml.Linq;

namespace Segur.Security;

/// <summary>
/// A SAML 2.0 assertion (<c>urn:oasis:names:tc:SAML:2.0:assertion</c>) as the DMP VIHF token and the INSi "assertion
/// PS" use it: issuer, subject, conditions, an authentication statement and attributes. Turn it into signed XML with
/// <see cref="SamlAssertions.BuildSignedAsync"/>; <see cref="SamlAssertions.Validate"/> reads one back.
/// </summary>
public sealed class SamlAssertion
{
    /// <summary>The SAML 2.0 assertion namespace.</summary>
    public const string Namespace = "urn:oasis:names:tc:SAML:2.0:assertion";

    /// <summary>The <c>X509SubjectName</c> name identifier format (issuer = certificate subject DN).</summary>
    public const string X509SubjectNameFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";

    /// <summary>The <c>unspecified</c> name identifier format.</summary>
    public const string UnspecifiedNameFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

    /// <summary>The bearer subject confirmation method.</summary>
    public const string BearerConfirmation = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    /// <summary>The SmartcardPKI authentication context class (CPS card).</summary>
    public const string SmartcardPkiContext = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI";

    /// <summary>The unspecified authentication context class.</summary>
    public const string UnspecifiedContext = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified";

    /// <summary>The assertion identifier (an XML NCName).</summary>
    /// <value>Default: <c>_</c> followed by a random GUID.</value>
    public string Id { get; set; } = "_" + Guid.NewGuid().ToString("N");

    /// <summary>When the assertion was issued.</summary>
    /// <value>Default: <see cref="DateTimeOffset.MinValue"/>, meaning "now" from the builder's clock.</value>
    public DateTimeOffset IssueInstant { get; set; }

    /// <summary>The issuer, for example the signing certificate's subject DN.</summary>
    /// <value>Default: empty (required when building).</value>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The issuer's format, for example <see cref="X509SubjectNameFormat"/>.</summary>
    /// <value>Default: <see langword="null"/> (no Format attribute).</value>
    public string? IssuerFormat { get; set; }

    /// <summary>The subject's name identifier.</summary>
    /// <value>Default: <see langword="null"/> (no Subject).</value>
    public SamlNameId? Subject { get; set; }

    /// <summary>The subject confirmation method written when <see cref="Subject"/> is set; <see langword="null"/> for none.</summary>
    /// <value>Default: <see cref="BearerConfirmation"/>.</value>
    public string? SubjectConfirmationMethod { get; set; } = BearerConfirmation;

    /// <summary>The start of the validity window.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The end of the validity window (exclusive).</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public DateTimeOffset? NotOnOrAfter { get; set; }

    /// <summary>The audiences (one <c>AudienceRestriction</c> holding them all); empty for none.</summary>
    public IList<string> Audiences { get; } = new List<string>();

    /// <summary>The authentication statement.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public SamlAuthnStatement? AuthnStatement { get; set; }

    /// <summary>The attributes of the attribute statement; empty for none.</summary>
    public IList<SamlAttribute> Attributes { get; } = new List<SamlAttribute>();
}

/// <summary>A SAML <c>NameID</c>.</summary>
public sealed class SamlNameId
{
    /// <summary>Creates a name identifier.</summary>
    /// <param name="value">The identifier, for example a professional's national identifier.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty.</exception>
    public SamlNameId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    /// <summary>The identifier.</summary>
    public string Value { get; }

    /// <summary>The format URI.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Format { get; set; }

    /// <summary>The name qualifier (for example <c>CPS</c> in the INSi assertion).</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? NameQualifier { get; set; }

    /// <summary>The service-provider name qualifier.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? SPNameQualifier { get; set; }
}

/// <summary>A SAML <c>AuthnStatement</c>.</summary>
public sealed class SamlAuthnStatement
{
    /// <summary>When the user authenticated.</summary>
    /// <value>Default: <see cref="DateTimeOffset.MinValue"/>, meaning the issue instant.</value>
    public DateTimeOffset AuthnInstant { get; set; }

    /// <summary>The authentication context class, for example <see cref="SamlAssertion.SmartcardPkiContext"/>.</summary>
    /// <value>Default: <see cref="SamlAssertion.UnspecifiedContext"/>.</value>
    public string AuthnContextClassRef { get; set; } = SamlAssertion.UnspecifiedContext;

    /// <summary>The session index.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? SessionIndex { get; set; }
}

/// <summary>A SAML <c>Attribute</c> with its values.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The SAML specification names it Attribute.")]
public sealed class SamlAttribute
{
    /// <summary>The URI name format.</summary>
    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

    /// <summary>The basic name format.</summary>
    public const string BasicNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

    /// <summary>Creates an attribute with text values.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">Text values (untyped).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public SamlAttribute(string name, params string[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        foreach (var value in values)
        {
            Values.Add(SamlAttributeValue.FromText(value));
        }
    }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The name format.</summary>
    /// <value>Default: <see langword="null"/> (no NameFormat attribute).</value>
    public string? NameFormat { get; set; }

    /// <summary>The friendly name.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? FriendlyName { get; set; }

    /// <summary>The values, in order.</summary>
    public IList<SamlAttributeValue> Values { get; } = new List<SamlAttributeValue>();
}

/// <summary>One <c>AttributeValue</c>: text, optionally typed (<c>xsi:type</c>), or an XML element (for example a VIHF
/// <c>Role</c> in the HL7 v3 namespace).</summary>
public sealed class SamlAttributeValue
{
    private SamlAttributeValue(string? text, string? xsiType, XElement? element)
    {
        Text = text;
        XsiType = xsiType;
        Element = element;
    }

    /// <summary>The text value, when the value is text.</summary>
    public string? Text { get; }

    /// <summary>The <c>xsi:type</c> of a text value in the XML Schema namespace (for example <c>string</c> for
    /// <c>xs:string</c>), or <see langword="null"/> for an untyped value.</summary>
    public string? XsiType { get; }

    /// <summary>The element value, when the value is XML.</summary>
    public XElement? Element { get; }

    /// <summary>Creates a text value.</summary>
    /// <param name="text">The text.</param>
    /// <param name="xsType">An XML Schema built-in type name written as <c>xsi:type="xs:&lt;type&gt;"</c>
    /// (for example <c>string</c>); <see langword="null"/> for untyped.</param>
    /// <returns>The value.</returns>
    public static SamlAttributeValue FromText(string text, string? xsType = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SamlAttributeValue(text, string.IsNullOrWhiteSpace(xsType) ? null : xsType, null);
    }

    /// <summary>Creates an XML element value.</summary>
    /// <param name="element">The element, copied.</param>
    /// <returns>The value.</returns>
    public static SamlAttributeValue FromElement(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new SamlAttributeValue(null, null, new XElement(element));
    }
}
