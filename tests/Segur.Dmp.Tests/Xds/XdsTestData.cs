using System.Text;
using System.Xml;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Dmp.Tests.Cda;
using Segur.Dmp.Xds;
using Segur.Identifiers;
using Segur.Ins;
using Segur.Testing;
using Segur.Xml;

namespace Segur.Dmp.Tests.Xds;

/// <summary>Synthetic DMP inputs for the XDS tests, and XPath over written messages.</summary>
internal static class XdsTestData
{
    public static readonly CdaCode Report = new("10", "1.2.250.1.213.1.1.4.1", "Compte rendu");

    public static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 45, 12, TimeSpan.FromHours(1));

    public static DmpPatient Patient(string matricule = "279035121518989") => DmpPatient.Restore(
        new InsIdentifier(InsMatricule.Parse(matricule), InsOid.TestNir),
        InsTraits.Create("PAT-TROIS", "DOMINIQUE MARIE-LOUISE", InsSex.Female, BirthDate.Create(1979, 3, 28)));

    public static DmpUserContext User(bool secret = false) => new()
    {
        Mode = DmpAuthenticationMode.Indirect,
        User = ProfessionalIdentifier.Parse("899900063480"),
        FamilyName = "OFFICINE",
        GivenName = "Paul",
        Structure = OrganizationIdentifier.Parse("10B0127189"),
        Roles = [new DmpRole("21", "1.2.250.1.71.1.2.7", "Pharmacien"), new DmpRole("G", "1.2.250.1.213.1.1.4.3", "Section G")],
        SecretConnection = secret,
    };

    public static byte[] Cda(CdaPatient? patient = null, string title = "Compte rendu d'entretien pharmaceutique")
    {
        var header = CdaTestData.Header(title: title) with { Patient = patient ?? CdaTestData.Patient };
        var built = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = new ManualTimeProvider(CdaTestData.Now) })
            .BuildN1(header, CdaTestData.Pdf());
        return built.Content.ToArray();
    }

    public static XdsSubmissionSettings Settings(bool allowBoth = false) => new() { SourceId = "1.2.250.1.999.1.1.7898", AllowHiddenAndInvisible = allowBoth };

    /// <summary>Writes with an <see cref="XmlWriter"/> as the SOAP layer would, then reloads through SafeXml.</summary>
    public static XmlDocument Write(Action<XmlWriter> body)
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("Body");
            body(writer);
            writer.WriteEndElement();
        }

        return SafeXml.LoadDocument(text.ToString());
    }

    public static XmlNamespaceManager Ns(XmlDocument document)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("rim", "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0");
        ns.AddNamespace("rs", "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0");
        ns.AddNamespace("lcm", "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0");
        ns.AddNamespace("query", "urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0");
        ns.AddNamespace("xdsb", "urn:ihe:iti:xds-b:2007");
        ns.AddNamespace("xop", "http://www.w3.org/2004/08/xop/include");
        return ns;
    }

    public static XmlElement Element(string xml) => SafeXml.LoadDocument(xml).DocumentElement!;
}
