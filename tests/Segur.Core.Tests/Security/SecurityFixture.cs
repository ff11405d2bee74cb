using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Segur.Security;
using Segur.Testing;
using Segur.Testing.Pki;

namespace Segur.Core.Tests.Security;

/// <summary>One test PKI shared by the security tests (RSA key generation is slow).</summary>
internal static class SecurityFixture
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<TestPki> LazyPki = new(() => TestPki.Create(new ManualTimeProvider(Now)));
    private static readonly Lazy<X509Certificate2> LazySigner = new(() =>
        Pki.IssuePersonalCertificate("899700012345", "DUPONT", "JEANNE", "Pharmacien"));
    private static readonly Lazy<X509Certificate2> LazyOrganisation = new(() =>
        Pki.IssueOrganisationCertificate("312345678900017", "INSI-MANU"));

    public static TestPki Pki => LazyPki.Value;

    public static X509Certificate2 Signer => LazySigner.Value;

    public static X509Certificate2 Organisation => LazyOrganisation.Value;

    public static Pkcs12CredentialSource CreateSignerCredential() => TestPki.CreateCredential(Signer);

    public static XmlDocument Load(string xml) => Segur.Xml.SafeXml.LoadDocument(xml);

    public static string C14n(XmlElement element, IEnumerable<string>? prefixes = null, XmlNode? excluded = null) =>
        Encoding.UTF8.GetString(ExclusiveCanonicalization.Canonicalize(element, prefixes, excluded));

    /// <summary>Serializes without any reformatting.</summary>
    public static string Serialize(XmlDocument document)
    {
        using var writer = new StringWriter();
        using (var xml = XmlWriter.Create(writer, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false }))
        {
            document.Save(xml);
        }

        return writer.ToString();
    }
}
