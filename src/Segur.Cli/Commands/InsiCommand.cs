using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Segur.Ins;
using Segur.Ins.Insi;
using Segur.Security;

namespace Segur.Cli.Commands;

/// <summary><c>segur insi search</c>: one INSi search by traits, with the organisation certificate (mutual TLS).</summary>
internal static class InsiCommand
{
    public static Command Create(CliContext context)
    {
        var insi = new Command("insi", "Call the INSi teleservice (search an INS by identity traits).");
        var endpoint = new Option<string?>("--endpoint") { Description = "Service URL (default: the qualification mutual-TLS endpoint, or production with --environment production)." };
        var environment = new Option<string>("--environment") { Description = "qualification or production.", DefaultValueFactory = _ => "qualification" };
        var birthName = new Option<string>("--birth-name") { Description = "Birth name (nom de naissance), RNIV form.", Required = true };
        var firstNames = new Option<string>("--first-names") { Description = "First name, or the space-separated first-name list.", Required = true };
        var sex = new Option<string>("--sex") { Description = "M or F.", Required = true };
        var birthDate = new Option<string>("--birth-date") { Description = "Birth date, YYYY-MM-DD.", Required = true };
        var birthPlace = new Option<string?>("--birth-place") { Description = "COG code of the birth place (5 characters)." };
        var p12 = new Option<FileInfo?>("--p12") { Description = "Organisation certificate (PKCS#12, CN INSI-MANU or INSI-AUTO) for mutual TLS." };
        var passwordEnv = new Option<string?>("--p12-password-env") { Description = "Name of the environment variable holding the PKCS#12 password (never on the command line)." };
        var idam = new Option<string?>("--idam") { Description = "CNDA authorisation number (IDAM). Default: $SEGUR_INSI_IDAM." };
        var emetteur = new Option<string?>("--emetteur") { Description = "Emetteur written in both contexts (default: the certificate's OU)." };
        var ca = new Option<FileInfo?>("--ca") { Description = "PEM file with the CA certificates to trust for the server (root first or any order); default IGC-Santé." };
        var noRevocation = new Option<bool>("--no-revocation") { Description = "Do not check server certificate revocation (test CAs without CRL)." };

        var search = new Command("search", "Search an INS by traits (rechercherInsAvecTraitsIdentite). Exit 0: found; 2: not found or several; 1: error.");
        foreach (var option in new Option[] { endpoint, environment, birthName, firstNames, sex, birthDate, birthPlace, p12, passwordEnv, idam, emetteur, ca, noRevocation })
        {
            search.Options.Add(option);
        }

        search.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await SearchAsync(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (SegurException ex)
            {
                return context.Fail(ex.Message);
            }
        });
        insi.Subcommands.Add(search);
        return insi;

        async Task<int> SearchAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            var json = parse.GetValue(CliApp.Json);
            var p12File = parse.GetValue(p12);
            if (p12File is null)
            {
                return context.Fail("segur insi search: --p12 is required (the organisation certificate, CN INSI-MANU or INSI-AUTO).");
            }

            var passwordVariable = parse.GetValue(passwordEnv);
            var password = passwordVariable is null ? null : Environment.GetEnvironmentVariable(passwordVariable);
            if (passwordVariable is not null && password is null)
            {
                return context.Fail($"segur insi search: the environment variable {passwordVariable} is not set.");
            }

            var idamValue = parse.GetValue(idam) ?? Environment.GetEnvironmentVariable("SEGUR_INSI_IDAM");
            if (string.IsNullOrWhiteSpace(idamValue))
            {
                return context.Fail("segur insi search: --idam (or SEGUR_INSI_IDAM) is required.");
            }

            var env = parse.GetValue(environment)?.Trim().ToLowerInvariant() switch
            {
                "production" => InsiEnvironment.Production,
                "qualification" => InsiEnvironment.Qualification,
                _ => (InsiEnvironment?)null,
            };
            if (env is null)
            {
                return context.Fail("segur insi search: --environment must be qualification or production.");
            }

            Uri? endpointUri = null;
            if (parse.GetValue(endpoint) is { } endpointText && !Uri.TryCreate(endpointText, UriKind.Absolute, out endpointUri))
            {
                return context.Fail($"segur insi search: --endpoint '{endpointText}' is not an absolute URL.");
            }

            var query = new InsiTraitsQuery(parse.GetValue(birthName)!, parse.GetValue(firstNames)!, InsSexCode.Parse(parse.GetValue(sex)),
                BirthDate.ParseIso(parse.GetValue(birthDate)), parse.GetValue(birthPlace));
            using var credential = new Pkcs12CredentialSource(p12File.FullName, password);
            var options = new InsiClientOptions
            {
                Environment = env.Value,
                Endpoint = endpointUri,
                Credential = credential,
                Idam = idamValue,
                LpsName = "urn:lps:segur-cli:" + Version,
                LpsVersion = Version,
                InstanceId = MachineInstanceId(),
                Emetteur = parse.GetValue(emetteur),
                TimeProvider = context.Time,
            };
            if (parse.GetValue(ca) is { } caFile)
            {
                options.ServerTrust = LoadTrust(caFile);
            }

            if (parse.GetValue(noRevocation))
            {
                options.ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = context.Time };
            }

            using var client = await InsiClient.CreateAsync(options, cancellationToken).ConfigureAwait(false);
            var result = await client.SearchByTraitsAsync(query, cancellationToken).ConfigureAwait(false);
            var identity = result.Identity;
            if (json)
            {
                context.WriteJson(new
                {
                    outcome = result.Outcome.ToString(),
                    returnCode = result.ReturnCode,
                    returnLabel = result.ReturnLabel,
                    nextStep = result.NextStep.ToString(),
                    messageId = result.MessageId,
                    warnings = result.Warnings,
                    identity = identity is null ? null : new
                    {
                        matricule = identity.Matricule?.Value,
                        oid = identity.Oid?.Value,
                        birthName = identity.BirthName,
                        givenNames = identity.GivenNames,
                        firstName = identity.FirstName,
                        sex = identity.Sex.ToCode(),
                        birthDate = identity.BirthDate.ToIsoString(),
                        birthPlace = identity.BirthPlace,
                        history = identity.History.Select(h => new { matricule = h.Matricule.Value, oid = h.Oid.Value }),
                    },
                });
            }
            else
            {
                context.Output.WriteLine($"{result.ReturnCode} {result.ReturnLabel}");
                if (identity is not null)
                {
                    context.Output.WriteLine($"INS        {identity.Matricule?.Value} ({identity.Oid?.Value})");
                    context.Output.WriteLine($"Traits     {identity.BirthName} / {string.Join(' ', identity.GivenNames)} / {identity.Sex.ToCode()} / {identity.BirthDate.ToIsoString()} / {identity.BirthPlace}");
                    foreach (var old in identity.History)
                    {
                        context.Output.WriteLine($"History    {old.Matricule.Value} ({old.Oid.Value})");
                    }
                }
                else if (result.NextStep != InsiNextStep.None)
                {
                    context.Output.WriteLine($"Next step  {result.NextStep}");
                }

                foreach (var warning in result.Warnings)
                {
                    context.Output.WriteLine($"Warning    {warning}");
                }
            }

            return result.IsFound ? 0 : 2;
        }
    }

    private static string Version => typeof(InsiCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>A stable per-machine instance id (INSi wants one UUID per installation).</summary>
    private static Guid MachineInstanceId()
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("segur-cli:" + Environment.MachineName));
        return new Guid(hash.AsSpan(0, 16));
    }

    internal static IgcSanteTrust LoadTrust(FileInfo file)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(file.FullName);
        var roots = certificates.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) || c.Subject == c.Issuer).ToList();
        if (roots.Count == 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, $"{file.Name} holds no self-signed root certificate.") { Field = "--ca" };
        }

        return IgcSanteTrust.Custom(file.Name, roots, certificates.Except(roots));
    }
}
