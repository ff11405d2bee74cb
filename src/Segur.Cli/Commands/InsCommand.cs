using System.CommandLine;
using System.Text;
using Segur.Ins;
using Segur.Ins.Datamatrix;

namespace Segur.Cli.Commands;

/// <summary><c>segur ins</c>: matricule INS keys and the INS Datamatrix.</summary>
internal static class InsCommand
{
    public static Command Create(CliContext context)
    {
        var ins = new Command("ins", "INS tools: matricule key, INS Datamatrix encode and parse.");
        ins.Subcommands.Add(KeyCommand(context));
        ins.Subcommands.Add(CheckCommand(context));
        ins.Subcommands.Add(DatamatrixCommand(context));
        ins.Subcommands.Add(ParseDatamatrixCommand(context));
        return ins;
    }

    private static Command KeyCommand(CliContext context)
    {
        var value = new Argument<string>("matricule") { Description = "13 characters (the key is computed) or 15 characters (the key is checked)." };
        var command = new Command("key", "Compute the two-digit key of a NIR/NIA (13 characters), or check it (15 characters).");
        command.Arguments.Add(value);
        command.SetAction(parse =>
        {
            var input = (parse.GetValue(value) ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
            if (input.Length == 15)
            {
                return Check(context, parse.GetValue(CliApp.Json), input);
            }

            var matricule = InsMatricule.FromNumber(input);
            if (parse.GetValue(CliApp.Json))
            {
                context.WriteJson(new { number = matricule.Number, key = matricule.Key, matricule = matricule.Value });
            }
            else
            {
                context.Output.WriteLine(matricule.Key);
            }

            return 0;
        });
        return command;
    }

    private static Command CheckCommand(CliContext context)
    {
        var value = new Argument<string>("matricule") { Description = "The matricule INS with its key (15 characters)." };
        var command = new Command("check", "Check the key of a 15-character matricule INS: exit 0 when right, 1 otherwise.");
        command.Arguments.Add(value);
        command.SetAction(parse => Check(context, parse.GetValue(CliApp.Json), parse.GetValue(value) ?? string.Empty));
        return command;
    }

    private static int Check(CliContext context, bool json, string input)
    {
        var compact = input.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Length != 15)
        {
            return context.Fail($"segur ins check: {InsErrorCodes.MatriculeLength}: a matricule INS with its key has 15 characters; {compact.Length} were given.");
        }

        var matricule = InsMatricule.FromReceived(compact);
        if (json)
        {
            context.WriteJson(new { matricule = matricule.Value, key = matricule.Key, expectedKey = matricule.ExpectedKey, valid = matricule.IsKeyValid });
        }
        else if (matricule.IsKeyValid)
        {
            context.Output.WriteLine($"key {matricule.Key} is correct");
        }

        return matricule.IsKeyValid
            ? 0
            : context.Fail($"segur ins check: {InsErrorCodes.MatriculeKey}: the key is {matricule.Key}, expected {matricule.ExpectedKey}.");
    }

    private static Command DatamatrixCommand(CliContext context)
    {
        var matriculeOption = new Option<string>("--matricule", "--ins") { Description = "Matricule INS: 15 characters (key checked) or 13 (key computed).", Required = true };
        var oidOption = new Option<string>("--oid") { Description = "OID: 1.2.250.1.213.1.4.8 (NIR), .9 (NIA), .10 (test), .11 (demonstration).", Required = true };
        var birthName = new Option<string>("--birth-name") { Description = "Birth name in RNIV form (upper case A-Z, space, ', -).", Required = true };
        var firstNames = new Option<string>("--first-names") { Description = "Birth given-name list, space-separated, RNIV form.", Required = true };
        var sex = new Option<string>("--sex") { Description = "M or F.", Required = true };
        var birthDate = new Option<string>("--birth-date") { Description = "Birth date YYYY-MM-DD.", Required = true };
        var birthPlace = new Option<string?>("--birth-place") { Description = "INSEE COG code of the birth place (5 characters)." };
        var png = new Option<FileInfo?>("--png") { Description = "Write the symbol as PNG to this file." };
        var svg = new Option<FileInfo?>("--svg") { Description = "Write the symbol as SVG to this file." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the symbol to this file, PNG or SVG by its extension." };
        var moduleSize = new Option<int>("--module-size") { Description = "Pixels per module (1-100).", DefaultValueFactory = _ => 4 };
        var quietZone = new Option<int>("--quiet-zone") { Description = "Light modules around the symbol (1-100).", DefaultValueFactory = _ => 2 };
        var mode = new Option<string>("--validation-mode") { Description = "RNIV validation mode of the identity check you vouch for (CN, PA, CS, AV...).", DefaultValueFactory = _ => IdentityCheck.NationalIdentityCard };
        var command = new Command("datamatrix", "Print the INS Datamatrix content of a qualified identity (GS as the 0x1D byte) and write the ECC200 symbol. You vouch that the identity is qualified (INSi + high-trust document check).");
        foreach (var option in new Option[] { matriculeOption, oidOption, birthName, firstNames, sex, birthDate, birthPlace, png, svg, output, moduleSize, quietZone, mode })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var size = parse.GetValue(moduleSize);
            var quiet = parse.GetValue(quietZone);
            if (size is < 1 or > 100 || quiet is < 1 or > 100)
            {
                return context.Fail("segur ins datamatrix: --module-size and --quiet-zone must be between 1 and 100.");
            }

            var outFile = parse.GetValue(output);
            if (outFile is not null && !outFile.Extension.Equals(".png", StringComparison.OrdinalIgnoreCase) && !outFile.Extension.Equals(".svg", StringComparison.OrdinalIgnoreCase))
            {
                return context.Fail("segur ins datamatrix: --out must end in .png or .svg.");
            }

            var matriculeText = (parse.GetValue(matriculeOption) ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
            var matricule = matriculeText.Length == 13 ? InsMatricule.FromNumber(matriculeText) : InsMatricule.Parse(matriculeText);
            var oid = InsOid.Parse(parse.GetValue(oidOption));
            var traitsInput = (Name: parse.GetValue(birthName), Given: parse.GetValue(firstNames));
            var date = BirthDate.ParseIso(parse.GetValue(birthDate));
            var sexValue = InsSexCode.Parse(parse.GetValue(sex));
            var normalized = InsTraits.Normalize(traitsInput.Name, traitsInput.Given, sexValue, date, parse.GetValue(birthPlace));
            if (normalized.IsChanged)
            {
                // Never alter an identity silently: show the RNIV form and let the user pass it.
                return context.Fail($"segur ins datamatrix: {InsErrorCodes.TraitCharacters}: traits are not in RNIV form; use "
                    + string.Join(", ", normalized.Changes.Select(c => $"--{(c.Field == "birthName" ? "birth-name" : "first-names")} \"{c.Normalized}\"")) + ".");
            }

            var record = IdentityRecord.CreateProvisional(normalized.Traits, options: new IdentityRecordOptions { AllowTestOids = true });
            record.Qualify(InsIdentity.Create(normalized.Traits, new InsIdentifier(matricule, oid)), new IdentityCheck(parse.GetValue(mode) ?? string.Empty, context.Time.GetUtcNow(), "segur ins datamatrix"));
            var qualified = record.GetShareableIns();
            var content = InsDatamatrix.CreateContent(qualified);
            var symbol = InsDatamatrix.CreateSymbol(qualified);
            var written = new List<string>();
            var targets = new List<(FileInfo File, bool Svg)>();
            if (parse.GetValue(png) is { } pngFile)
            {
                targets.Add((pngFile, false));
            }

            if (parse.GetValue(svg) is { } svgFile)
            {
                targets.Add((svgFile, true));
            }

            if (outFile is not null)
            {
                targets.Add((outFile, outFile.Extension.Equals(".svg", StringComparison.OrdinalIgnoreCase)));
            }

            foreach (var (file, isSvg) in targets)
            {
                if (isSvg)
                {
                    File.WriteAllText(file.FullName, symbol.ToSvg(size, quiet), new UTF8Encoding(false));
                }
                else
                {
                    File.WriteAllBytes(file.FullName, symbol.ToPng(size, quiet));
                }

                written.Add(file.FullName);
            }

            if (parse.GetValue(CliApp.Json))
            {
                context.WriteJson(new { content, symbolSize = symbol.Size, files = written });
            }
            else
            {
                context.Output.Write(content);
                context.Output.Write('\n');
            }

            return 0;
        });
        return command;
    }

    private static Command ParseDatamatrixCommand(CliContext context)
    {
        var file = new Argument<string?>("file") { Description = "A file holding the scanned content, or - for standard input.", DefaultValueFactory = _ => "-" };
        var command = new Command("parse-datamatrix", "Parse a scanned INS Datamatrix content and print the identity as JSON.");
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file) ?? "-";
            string content;
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var reader = new StreamReader(stdin, Encoding.Latin1);
                content = reader.ReadToEnd();
            }
            else if (File.Exists(path))
            {
                content = Encoding.Latin1.GetString(File.ReadAllBytes(path));
            }
            else
            {
                return context.Fail($"segur ins parse-datamatrix: file not found: {path}");
            }

            var identity = InsDatamatrix.ParseContent(content);
            context.WriteJson(new
            {
                matricule = identity.Matricule!.Value,
                keyValid = identity.Matricule.IsKeyValid,
                oid = identity.Oid!.Value,
                oidKind = identity.Oid.Kind.ToString(),
                birthName = identity.BirthName,
                givenNames = identity.GivenNames,
                firstName = identity.FirstName,
                sex = identity.Sex.ToCode(),
                birthDate = identity.BirthDate.ToIsoString(),
                birthPlace = identity.BirthPlace,
            });
            return 0;
        });
        return command;
    }
}
