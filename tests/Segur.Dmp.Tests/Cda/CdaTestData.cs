using System.Text;
using System.Xml;
using System.Xml.Schema;
using Segur.Dmp.Cda;

namespace Segur.Dmp.Tests.Cda;

/// <summary>Synthetic patients, professionals and PDFs, plus the XSD validator (test-only resolver).</summary>
internal static class CdaTestData
{
    public static readonly string SharedCda = Path.GetFullPath(Path.Combine(FindRepoRoot(), "..", "shared", "reference", "cda"));

    public static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 30, 0, TimeSpan.FromHours(1));

    public static CdaPatient Patient => new()
    {
        Ins = "279035121518989",
        InsOid = "1.2.250.1.213.1.4.10",
        BirthName = "PAT-TROIS",
        FirstNames = ["DOMINIQUE", "MARIE-LOUISE"],
        UsedName = "PAT-TROIS",
        UsedFirstName = "DOMINIQUE",
        Sex = CdaAdministrativeGender.Female,
        BirthDate = new DateOnly(1979, 3, 28),
        BirthPlaceCode = "51215",
        LocalIds = [new CdaInstanceId("1.2.3.4.567.8.9.10", "IPP-42")],
    };

    public static CdaOrganization Pharmacy => new()
    {
        IdType = CdaOrganizationIdType.Finess,
        Identifier = "750012346",
        Name = "Pharmacie du Test",
        Telecom = "tel:0144000000",
    };

    public static CdaAuthor Pharmacist => new()
    {
        PsIdNat = "899900063480",
        FamilyName = "OFFICINE",
        GivenName = "Paul",
        Prefix = "M",
        Specialty = new CdaCode("G15_21", "1.2.250.1.213.1.1.4.5"),
        Organization = Pharmacy,
    };

    public static CdaHeader Header(string typeCode = "11488-4", string title = "Compte rendu d'entretien pharmaceutique") => new()
    {
        Patient = Patient,
        Author = Pharmacist,
        TypeCode = CdaCode.FromLoinc(typeCode),
        Title = title,
        EffectiveTime = Now,
    };

    /// <summary>A tiny valid PDF; with <paramref name="pdfA"/> it carries an XMP pdfaid declaration.</summary>
    public static byte[] Pdf(bool pdfA = true, int padding = 0, bool attributeForm = false)
    {
        var xmp = attributeForm
            ? "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" pdfaid:part=\"2\" pdfaid:conformance=\"U\"/>"
            : pdfA
            ? "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"
            : string.Empty;
        var body = new StringBuilder("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        body.Append(new string('%', 1)).Append(new string('x', padding)).Append('\n');
        body.Append("3 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n").Append(xmp).Append("\nendstream\nendobj\n");
        body.Append("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
        return Encoding.Latin1.GetBytes(body.ToString());
    }

    /// <summary>Validates against CDA_extended.xsd with a resolver that only opens files under the reference folder.</summary>
    public static IReadOnlyList<string> ValidateAgainstXsd(ReadOnlyMemory<byte> xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.Schemas = Schemas.Value;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        using var stream = new MemoryStream(xml.ToArray());
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        var xsd = Path.Combine(SharedCda, "xsd");
        var set = new XmlSchemaSet { XmlResolver = new FolderResolver(xsd) };
        // Warnings (an unused xslt20 include needing a DTD) are tolerated; any schema error fails.
        set.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error)
            {
                throw new InvalidOperationException("CDA schema error: " + e.Message, e.Exception);
            }
        };
        var readerSettings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = new FolderResolver(xsd) };
        using (var reader = XmlReader.Create(Path.Combine(xsd, "CDA_extended.xsd"), readerSettings))
        {
            set.Add(null, reader);
        }

        set.Compile();
        return set;
    });

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    /// <summary>Opens only files inside one folder (test-only; schemas include each other and XMLSchema.dtd).</summary>
    private sealed class FolderResolver(string root) : XmlUrlResolver
    {
        private readonly string _root = Path.GetFullPath(root) + Path.DirectorySeparatorChar;

        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            var path = absoluteUri.IsFile ? Path.GetFullPath(absoluteUri.LocalPath) : string.Empty;
            if (!path.StartsWith(_root, StringComparison.Ordinal))
            {
                throw new XmlException($"Refused to resolve {absoluteUri} outside the reference folder.");
            }

            if (Path.GetFileName(path) == "datatypes-base.xsd")
            {
                // .NET enforces Unique Particle Attribution strictly and rejects the ANS "schema fix" wildcard in ED
                // (xs:any ##other after 'thumbnail'), which Xerces accepts; without it nothing compiles. The test serves
                // the file without that one wildcard (in memory; the reference file is untouched). Our documents never
                // put foreign XML inside an ED, so validation is not weakened for them.
                var text = File.ReadAllText(path);
                const string Wildcard = "<xs:any minOccurs=\"0\" namespace=\"##other\" processContents=\"skip\" />";
                if (!text.Contains(Wildcard, StringComparison.Ordinal))
                {
                    throw new XmlException("datatypes-base.xsd changed: the ED wildcard to drop was not found.");
                }

                return new MemoryStream(Encoding.UTF8.GetBytes(text.Replace(Wildcard, string.Empty, StringComparison.Ordinal)));
            }

            return File.OpenRead(path);
        }
    }
}
