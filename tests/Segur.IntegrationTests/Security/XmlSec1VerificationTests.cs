using System.Diagnostics;
using System.Xml;
using Segur.Security;
using Segur.Testing.Pki;

namespace Segur.IntegrationTests.Security;

/// <summary>
/// Signatures made by Segur.Core checked by an independent implementation: xmlsec1 (libxmlsec1/OpenSSL), with the
/// signer certificate chained to the test PKI root (component <c>tests/env/components/xml-tools.sh</c>).
/// </summary>
public sealed class XmlSec1VerificationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("segur-xmlsec1-").FullName;
    private readonly TestPki _pki = TestPki.Create(name: "XMLSEC1");

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [IntegrationFact("SEGUR_TEST_XMLSEC1")]
    public async Task Xmlsec1_VerifiesSignedSamlAssertion_AndRejectsTamperedOne()
    {
        var signer = _pki.IssuePersonalCertificate("899700012345", "DUPONT", "JEANNE", "Pharmacien");
        using var credential = TestPki.CreateCredential(signer);
        var assertion = new SamlAssertion
        {
            Issuer = signer.Subject,
            IssuerFormat = SamlAssertion.X509SubjectNameFormat,
            Subject = new SamlNameId("899700012345") { NameQualifier = "CPS" },
            NotBefore = DateTimeOffset.UtcNow.AddMinutes(-1),
            NotOnOrAfter = DateTimeOffset.UtcNow.AddMinutes(10),
            Audiences = { "urn:dmp" },
            AuthnStatement = new SamlAuthnStatement { AuthnContextClassRef = SamlAssertion.SmartcardPkiContext },
            Attributes =
            {
                new SamlAttribute("VIHF_Version", "3.0"),
                new SamlAttribute("LPS_Nom") { Values = { SamlAttributeValue.FromText("Segur SDK é€", "string") } },
            },
        };
        var doc = await SamlAssertions.BuildSignedAsync(assertion, credential);
        var signed = Write("assertion.xml", doc);

        var ok = await RunXmlSec1Async("--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", signed);
        var tamperedDoc = Segur.Xml.SafeXml.LoadDocument(await File.ReadAllTextAsync(signed));
        tamperedDoc.GetElementsByTagName("AttributeValue", SamlAssertion.Namespace)[0]!.InnerText = "9.9";
        var tampered = await RunXmlSec1Async("--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", Write("tampered.xml", tamperedDoc));

        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("OK", ok.Output, StringComparison.Ordinal);
        Assert.True(tampered.ExitCode != 0, tampered.Output);
        Assert.Contains("FAIL", tampered.Output, StringComparison.Ordinal);
    }

    [IntegrationFact("SEGUR_TEST_XMLSEC1")]
    public async Task Xmlsec1_VerifiesSignedDocumentWithInclusivePrefixes_AndRejectsTamperedOne()
    {
        var signer = _pki.IssueOrganisationCertificate("312345678900017", "INSI-MANU");
        using var credential = TestPki.CreateCredential(signer);
        var doc = Segur.Xml.SafeXml.LoadDocument(
            "<doc xmlns=\"urn:test\" xmlns:p=\"urn:p\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <p:item ID=\"_item1\" kind=\"a\">\n    <p:name type=\"xs:string\">Café &amp; co</p:name>\n  </p:item>\n</doc>");
        var item = (XmlElement)doc.GetElementsByTagName("item", "urn:p")[0]!;
        var options = new XmlSigningOptions();
        options.InclusiveNamespacePrefixes.Add("xs");
        await XmlSignature.SignEnvelopedAsync(item, credential, options);
        var signed = Write("document.xml", doc);

        var ok = await RunXmlSec1Async("--id-attr:ID", "urn:p:item", signed);
        item.SetAttribute("kind", "b");
        var tampered = await RunXmlSec1Async("--id-attr:ID", "urn:p:item", Write("document-tampered.xml", doc));

        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("OK", ok.Output, StringComparison.Ordinal);
        Assert.True(tampered.ExitCode != 0, tampered.Output);
        Assert.Contains("FAIL", tampered.Output, StringComparison.Ordinal);
    }

    private string Write(string name, XmlDocument doc)
    {
        var path = Path.Combine(_dir, name);
        using var writer = XmlWriter.Create(path, new XmlWriterSettings { Indent = false, Encoding = new System.Text.UTF8Encoding(false) });
        doc.Save(writer);
        return path;
    }

    private async Task<(int ExitCode, string Output)> RunXmlSec1Async(params string[] args)
    {
        var root = Path.Combine(_dir, "root.pem");
        var organisations = Path.Combine(_dir, "organisations-ca.pem");
        var persons = Path.Combine(_dir, "persons-ca.pem");
        await File.WriteAllTextAsync(root, TestPki.ExportCertificatePem(_pki.Root) + "\n");
        await File.WriteAllTextAsync(organisations, TestPki.ExportCertificatePem(_pki.OrganisationsCa) + "\n");
        await File.WriteAllTextAsync(persons, TestPki.ExportCertificatePem(_pki.PersonsCa) + "\n");
        var start = new ProcessStartInfo(TestEnv.Require("SEGUR_TEST_XMLSEC1"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--verify");
        start.ArgumentList.Add("--trusted-pem");
        start.ArgumentList.Add(root);
        start.ArgumentList.Add("--untrusted-pem");
        start.ArgumentList.Add(organisations);
        start.ArgumentList.Add("--untrusted-pem");
        start.ArgumentList.Add(persons);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
