using System.CommandLine;
using System.Globalization;
using Segur.Dmp.Cda;
using Segur.Ins;

namespace Segur.Cli.Commands;

/// <summary><c>segur cda</c>: build CI-SIS CDA documents for the DMP.</summary>
internal static class CdaCommand
{
    private const string AuthorSpecialtySystem = "1.2.250.1.213.1.1.4.5";

    public static Command Create(CliContext context)
    {
        var cda = new Command("cda", "CDA R2 documents for the DMP (CI-SIS structured body level 1).");
        cda.Subcommands.Add(N1Command(context));
        return cda;
    }

    private static Command N1Command(CliContext context)
    {
        Option<T> Opt<T>(string name, string description) => new(name) { Description = description };

        var pdf = Opt<FileInfo>("--pdf", "The PDF to embed (required).");
        var output = Opt<FileInfo>("--out", "The CDA file to write (required).");
        var title = Opt<string>("--title", "The document title (required).");
        var typeCode = Opt<string>("--type-code", "The LOINC document type from JDV_J07, e.g. 11488-4 (required).");
        var matricule = Opt<string>("--matricule", "The patient's matricule INS, 15 characters with its key (required).");
        var oid = Opt<string>("--oid", "The INS OID: 1.2.250.1.213.1.4.8 (NIR), .9 (NIA), .10 (test), .11 (demo) (required).");
        var birthName = Opt<string>("--birth-name", "The birth name, in RNIV form (required).");
        var firstNames = Opt<string>("--first-names", "The birth first names separated by spaces, in RNIV form (required).");
        var sex = Opt<string>("--sex", "M or F (required).");
        var birthDate = Opt<string>("--birth-date", "The birth date YYYY-MM-DD (required).");
        var birthPlace = Opt<string>("--birth-place", "The birth place INSEE COG code (5 characters; 99xxx abroad).");
        var authorId = Opt<string>("--author-id", "The author's PS_IdNat: 8 + RPPS or 0 + ADELI (required).");
        var authorFamily = Opt<string>("--author-family", "The author's family name (required).");
        var authorGiven = Opt<string>("--author-given", "The author's given name (required).");
        var authorSpecialty = Opt<string>("--author-specialty", "The author's specialty code from JDV_J01 (default G15_10, médecin; G15_21 pharmacien).");
        var finess = Opt<string>("--organization-finess", "The FINESS of the author's organisation, 9 characters (required).");
        var organizationName = Opt<string>("--organization-name", "The organisation's name (default: 'FINESS <number>').");
        var confidentiality = Opt<string>("--confidentiality", "N (default), R or V.");
        var documentId = Opt<string>("--document-id", "The document id, a bare OID (default: a new 2.25 UUID OID).");
        var setId = Opt<string>("--set-id", "The set id, a bare OID (default: a new one, or the replaced document's).");
        var replaces = Opt<string>("--replaces", "Replace (RPLC) this earlier document id; needs --replaces-set-id and --replaces-version.");
        var replacesSetId = Opt<string>("--replaces-set-id", "The set id of the replaced document.");
        var replacesVersion = Opt<int?>("--replaces-version", "The version number of the replaced document.");

        var command = new Command("n1", "Build a CDA N1 (PDF body) for the DMP from a PDF and the patient's qualified INS traits.");
        foreach (var option in new Option[]
        {
            pdf, output, title, typeCode, matricule, oid, birthName, firstNames, sex, birthDate, birthPlace,
            authorId, authorFamily, authorGiven, authorSpecialty, finess, organizationName, confidentiality,
            documentId, setId, replaces, replacesSetId, replacesVersion,
        })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var required = new (Option Option, object? Value)[]
            {
                (pdf, parse.GetValue(pdf)), (output, parse.GetValue(output)), (title, parse.GetValue(title)),
                (typeCode, parse.GetValue(typeCode)), (matricule, parse.GetValue(matricule)), (oid, parse.GetValue(oid)),
                (birthName, parse.GetValue(birthName)), (firstNames, parse.GetValue(firstNames)), (sex, parse.GetValue(sex)),
                (birthDate, parse.GetValue(birthDate)), (authorId, parse.GetValue(authorId)), (authorFamily, parse.GetValue(authorFamily)),
                (authorGiven, parse.GetValue(authorGiven)), (finess, parse.GetValue(finess)),
            };
            var missing = required.Where(r => r.Value is null || (r.Value is string s && string.IsNullOrWhiteSpace(s))).Select(r => r.Option.Name).ToList();
            if (missing.Count > 0)
            {
                return context.Fail($"segur cda n1: missing {string.Join(", ", missing)}.");
            }

            var replaceParts = (parse.GetValue(replaces), parse.GetValue(replacesSetId), parse.GetValue(replacesVersion));
            if ((replaceParts.Item1 ?? replaceParts.Item2 ?? (object?)replaceParts.Item3) is not null
                && (replaceParts.Item1 is null || replaceParts.Item2 is null || replaceParts.Item3 is null))
            {
                return context.Fail("segur cda n1: --replaces needs --replaces-set-id and --replaces-version (all three or none).");
            }

            var confidentialityCode = (parse.GetValue(confidentiality) ?? "N").Trim().ToUpperInvariant();
            if (confidentialityCode is not ("N" or "R" or "V"))
            {
                return context.Fail($"segur cda n1: --confidentiality must be N, R or V, not '{confidentialityCode}'.");
            }

            var pdfFile = parse.GetValue(pdf)!;
            if (!pdfFile.Exists)
            {
                return context.Fail($"segur cda n1: the PDF '{pdfFile.FullName}' does not exist.");
            }

            // The patient's values are checked with the INS rules (matricule key, OID, RNIV traits) before the CDA ones.
            var ins = InsMatricule.Parse(parse.GetValue(matricule));
            var insOid = InsOid.Parse(parse.GetValue(oid));
            var traits = InsTraits.Create(parse.GetValue(birthName), parse.GetValue(firstNames), InsSexCode.Parse(parse.GetValue(sex)),
                BirthDate.ParseIso(parse.GetValue(birthDate)), parse.GetValue(birthPlace));
            if (traits.BirthDate.ToDateOnly() is not { } birthDay)
            {
                return context.Fail($"segur cda n1: the birth date {traits.BirthDate.ToIsoString()} is lunar (day or month unknown); a CDA needs a calendar date (the RNIV-completed one).");
            }

            var patient = new CdaPatient
            {
                Ins = ins.Value,
                InsOid = insOid.Value,
                BirthName = traits.BirthName,
                FirstNames = traits.GivenNames,
                Sex = traits.Sex == InsSex.Female ? CdaAdministrativeGender.Female : CdaAdministrativeGender.Male,
                BirthDate = birthDay,
                BirthPlaceCode = traits.BirthPlace,
            };

            var finessValue = parse.GetValue(finess)!.Trim();
            var organization = new CdaOrganization
            {
                IdType = CdaOrganizationIdType.Finess,
                Identifier = finessValue,
                Name = parse.GetValue(organizationName) ?? "FINESS " + finessValue,
            };
            var header = new CdaHeader
            {
                Patient = patient,
                Author = new CdaAuthor
                {
                    PsIdNat = parse.GetValue(authorId)!.Trim(),
                    FamilyName = parse.GetValue(authorFamily)!,
                    GivenName = parse.GetValue(authorGiven),
                    Specialty = new CdaCode(parse.GetValue(authorSpecialty) ?? "G15_10", AuthorSpecialtySystem),
                    Organization = organization,
                },
                TypeCode = CdaCode.FromLoinc(parse.GetValue(typeCode)!.Trim()),
                Title = parse.GetValue(title)!,
                Confidentiality = confidentialityCode switch
                {
                    "R" => CdaConfidentiality.Restricted,
                    "V" => CdaConfidentiality.VeryRestricted,
                    _ => CdaConfidentiality.Normal,
                },
                DocumentId = parse.GetValue(documentId),
                SetId = parse.GetValue(setId),
            };
            if (replaceParts.Item1 is not null)
            {
                header = header.AsReplacementOf(new CdaDocumentReference(replaceParts.Item1, replaceParts.Item2!, replaceParts.Item3!.Value));
            }

            var content = await File.ReadAllBytesAsync(pdfFile.FullName, cancellationToken).ConfigureAwait(false);
            var builder = new CdaDocumentBuilder(new CdaBuilderOptions { TimeProvider = context.Time });
            var result = builder.BuildN1(header, content);
            var outFile = parse.GetValue(output)!;
            await File.WriteAllBytesAsync(outFile.FullName, result.Content.ToArray(), cancellationToken).ConfigureAwait(false);

            if (parse.GetValue(CliApp.Json))
            {
                context.WriteJson(new
                {
                    file = outFile.FullName,
                    size = result.Content.Length,
                    documentId = result.Reference.DocumentId,
                    setId = result.Reference.SetId,
                    versionNumber = result.Reference.VersionNumber,
                    warnings = result.Warnings,
                });
            }
            else
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {outFile.FullName} ({result.Content.Length} bytes): document {result.Reference.DocumentId}, set {result.Reference.SetId}, version {result.Reference.VersionNumber}"));
                foreach (var warning in result.Warnings)
                {
                    context.Output.WriteLine("warning: " + warning);
                }
            }

            return 0;
        });
        return command;
    }
}
