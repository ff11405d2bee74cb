using System.CommandLine;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Segur.Dmp.Access;
using Segur.Dmp.Cda;
using Segur.Dmp.Client;
using Segur.Identifiers;
using Segur.Ins;
using Segur.Security;

namespace Segur.Cli.Commands;

/// <summary>
/// <c>segur dmp</c>: calls a DMP endpoint (by default the one <c>segur simulate dmp</c> prints, given with
/// <c>--endpoint</c> or <c>SEGUR_DMP_ENDPOINT</c>): <c>test-existence</c> (TD0.2), <c>send</c> (TD2.1), <c>search</c>
/// (TD3.1) and <c>get</c> (TD3.2). Credentials are PKCS#12 files whose password is read from an environment variable.
/// </summary>
internal static partial class DmpCommand
{
    /// <summary>The environment variable holding the DMP base address when <c>--endpoint</c> is not given.</summary>
    public const string EndpointVariable = "SEGUR_DMP_ENDPOINT";

    /// <summary>The environment variable naming the credentials folder when <c>--credentials</c> is not given.</summary>
    public const string CredentialsVariable = "SEGUR_DMP_CREDENTIALS";

    /// <summary>The environment variable holding the PKCS#12 password unless <c>--p12-password-env</c> names another.</summary>
    public const string PasswordVariable = "SEGUR_DMP_P12_PASSWORD";

    /// <summary>The environment variable holding the CNDA homologation number when <c>--homologation</c> is not given.</summary>
    public const string HomologationVariable = "SEGUR_DMP_HOMOLOGATION";

    private const string ServicesPath = "si-dmp-server/v2/services/";
    private const string ProfessionSystem = "1.2.250.1.71.1.2.7";
    private const string SpecialtySystem = "1.2.250.1.71.4.2.5";

    public static Command Create(CliContext context)
    {
        var shared = new SharedOptions();
        var dmp = new Command("dmp", "Call a DMP endpoint (the simulator of 'segur simulate dmp' by default): test-existence, send, search, get.");
        dmp.Subcommands.Add(TestExistenceCommand(context, shared));
        dmp.Subcommands.Add(SendCommand(context, shared));
        dmp.Subcommands.Add(SearchCommand(context, shared));
        dmp.Subcommands.Add(GetCommand(context, shared));
        return dmp;
    }

    private static Command NewCommand(string name, string description, SharedOptions shared, bool patientOptions, params Option[] own)
    {
        var command = new Command(name, description);
        foreach (var option in shared.Connection.Concat(patientOptions ? shared.Patient : []).Concat(own))
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>The options every <c>segur dmp</c> subcommand shares: endpoint, credentials, trust, user context,
    /// local consent; and the patient options of the subcommands that take a patient by INS.</summary>
    private sealed class SharedOptions
    {
        public Option<string?> Endpoint { get; } = new("--endpoint")
        {
            Description = $"DMP base address: the address 'segur simulate dmp' prints (the services path is added), or https://<host>/{ServicesPath}. Default: ${EndpointVariable}.",
        };

        public Option<DirectoryInfo?> Credentials { get; } = new("--credentials")
        {
            Description = $"Folder with ca.pem, client-auth.p12, org-sign.p12 and card-<id>.p12 (what 'segur simulate dmp' writes). Default: ${CredentialsVariable}.",
        };

        public Option<FileInfo?> TlsP12 { get; } = new("--tls-p12") { Description = "ORG AUTH_CLI certificate (PKCS#12) for mutual TLS (indirect modes). Default: <credentials>/client-auth.p12." };

        public Option<FileInfo?> SignP12 { get; } = new("--sign-p12") { Description = "ORG SIGN certificate (PKCS#12) signing the VIHF and the lot (indirect modes). Default: <credentials>/org-sign.p12." };

        public Option<FileInfo?> CardP12 { get; } = new("--card-p12") { Description = "Software CPS credential (PKCS#12) for --mode direct: TLS and VIHF. Default: the one <credentials>/card-*.p12." };

        public Option<string?> PasswordEnv { get; } = new("--p12-password-env")
        {
            Description = $"Name of the environment variable holding the PKCS#12 password (never on the command line). Default: {PasswordVariable}.",
        };

        public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "PEM file with the CA certificates the server must chain to. Default: <credentials>/ca.pem, else IGC-Santé production." };

        public Option<bool> NoRevocation { get; } = new("--no-revocation") { Description = "Do not check the server certificate's revocation (test CAs without CRL, such as the simulator's)." };

        public Option<string> Mode { get; } = new("--mode")
        {
            Description = "Authentication mode: indirect (ORG certificates, default), air (indirecte renforcée) or direct (CPS card).",
            DefaultValueFactory = _ => "indirect",
        };

        public Option<string?> User { get; } = new("--user") { Description = "The user's PS_IdNat (8 + RPPS, 0 + ADELI…). Default in direct mode: the card holder's id." };

        public Option<string?> FamilyName { get; } = new("--family-name") { Description = "The user's family name. Default in direct mode: the card holder's." };

        public Option<string?> GivenName { get; } = new("--given-name") { Description = "The user's given name. Default in direct mode: the card holder's." };

        public Option<string?> Structure { get; } = new("--structure") { Description = "The structure's Struct_IdNat (1 + FINESS…). Default in indirect modes: the OU of the ORG SIGN certificate." };

        public Option<string[]> Roles { get; } = new("--role")
        {
            Description = "VIHF role, repeatable (1 or 2): a G15 profession code (10 médecin, 21 pharmacien…), an R01 specialty (SMxx) or CODE@SYSTEM-OID. Default: 10 and SM26 (médecin généraliste).",
            AllowMultipleArgumentsPerToken = false,
        };

        public Option<string?> Sector { get; } = new("--sector") { Description = "Activity sector (JDV_J61, system 1.2.250.1.71.4.2.4). Default: SA33." };

        public Option<string> AccessMode { get; } = new("--access-mode")
        {
            Description = "normal (default), break-glass or centre-15 (both need --access-reason).",
            DefaultValueFactory = _ => "normal",
        };

        public Option<string?> AccessReason { get; } = new("--access-reason") { Description = "The reason for break-glass or centre-15 access (audited locally, not sent)." };

        public Option<string?> AuthContext { get; } = new("--auth-context") { Description = "For --mode air: the VIHF AuthnContextDecl (how the user authenticated)." };

        public Option<bool> SecretConnection { get; } = new("--secret-connection") { Description = "A minor's secret connection (documents sent invisible to legal representatives)." };

        public Option<bool> PatientInformed { get; } = new("--patient-informed") { Description = "Declare that the patient was informed of the feeding of their DMP (required to send)." };

        public Option<bool> Consent { get; } = new("--consent") { Description = "Declare the patient's consent to consultation by this structure (required to search/get, and to send --replace)." };

        public Option<string?> Homologation { get; } = new("--homologation")
        {
            Description = $"CNDA DMP homologation number written in the VIHF. Default: ${HomologationVariable}, else SEGUR-CLI (accepted by the simulator only).",
        };

        public Option<string?> Matricule { get; } = new("--matricule") { Description = "The patient's matricule INS (15 characters)." };

        public Option<string?> Oid { get; } = new("--oid") { Description = "The INS OID: 1.2.250.1.213.1.4.8 (NIR), .9 (NIA), .10 (test), .11 (demo)." };

        public Option<string?> BirthName { get; } = new("--birth-name") { Description = "The patient's birth name (RNIV form) from the qualified identity." };

        public Option<string?> FirstNames { get; } = new("--first-names") { Description = "The patient's birth first names, space-separated (RNIV form)." };

        public Option<string?> Sex { get; } = new("--sex") { Description = "The patient's sex: M or F." };

        public Option<string?> BirthDate { get; } = new("--birth-date") { Description = "The patient's birth date, YYYY-MM-DD." };

        public Option<string?> BirthPlace { get; } = new("--birth-place") { Description = "The patient's birth place COG code." };

        public Option<FileInfo?> PatientCda { get; } = new("--patient-cda") { Description = "Take the patient (INS and traits) from this CDA instead of --matricule and the traits." };

        public Option<string> IdentityCheck { get; } = new("--identity-check")
        {
            Description = "The RNIV identity check done for this patient (CN, PA, CS, eCN, IN, AV…): the DMP needs a qualified identity. Default: CN.",
            DefaultValueFactory = _ => "CN",
        };

        public IEnumerable<Option> Connection =>
        [
            Endpoint, Credentials, TlsP12, SignP12, CardP12, PasswordEnv, Ca, NoRevocation, Mode, User, FamilyName, GivenName,
            Structure, Roles, Sector, AccessMode, AccessReason, AuthContext, SecretConnection, PatientInformed, Consent, Homologation,
        ];

        public IEnumerable<Option> Patient => [Matricule, Oid, BirthName, FirstNames, Sex, BirthDate, BirthPlace, PatientCda, IdentityCheck];
    }

    /// <summary>A one-line usage problem: the command fails with exit code 2 and this reason.</summary>
    private sealed class UsageException(string message) : Exception(message);

    /// <summary>An open connection to the DMP: the client, the user context and the local consent declared on the
    /// command line. Disposes the credentials.</summary>
    private sealed class DmpConnection : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public DmpClient Client { get; set; } = null!;

        public DmpUserContext User { get; set; } = null!;

        public InMemoryDmpConsentStore Consents { get; } = new();

        public DmpPatientConsent Consent { get; set; } = new();

        public T Own<T>(T disposable)
            where T : IDisposable
        {
            _owned.Add(disposable);
            return disposable;
        }

        /// <summary>Records the consent declared on the command line for this patient (the CLI keeps nothing).</summary>
        public async Task DeclareAsync(DmpPatient patient, CancellationToken cancellationToken) =>
            await Consents.SetAsync(patient.Ins, Consent, cancellationToken).ConfigureAwait(false);

        public void Dispose()
        {
            Client?.Dispose();
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }
        }
    }

    /// <summary>Runs a subcommand: usage problems exit 2, SDK errors exit 1, both as one line prefixed by the command.</summary>
    private static Task<int> RunAsync(CliContext context, string command, Func<Task<int>> work, CancellationToken cancellationToken) =>
        context.RunAsync(command, async () =>
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (UsageException ex)
            {
                return context.Fail($"{command}: {ex.Message}", 2);
            }
            catch (SegurTransportException ex) when (Cause(ex) is { } cause)
            {
                // "connection failed" alone does not help: show why (untrusted server certificate, refused connection…).
                return context.Fail($"{command}: {ex.Message} Cause: {cause}");
            }
            catch (IOException ex)
            {
                return context.Fail($"{command}: {ex.Message}");
            }
            catch (UnauthorizedAccessException ex)
            {
                return context.Fail($"{command}: {ex.Message}");
            }
        }, cancellationToken: cancellationToken);

    /// <summary>The reason under a transport failure: a nested SDK error (TLS trust) or the innermost system message.</summary>
    private static string? Cause(Exception exception)
    {
        string? innermost = null;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SegurException segur)
            {
                return segur.Message;
            }

            innermost = inner.Message;
        }

        return innermost;
    }

    private static async Task<DmpConnection> ConnectAsync(CliContext context, ParseResult parse, SharedOptions o, CancellationToken cancellationToken)
    {
        var baseAddress = ResolveEndpoint(parse.GetValue(o.Endpoint) ?? Environment.GetEnvironmentVariable(EndpointVariable));
        var mode = ParseMode(parse.GetValue(o.Mode));
        var folder = parse.GetValue(o.Credentials)
            ?? (Environment.GetEnvironmentVariable(CredentialsVariable) is { Length: > 0 } dir ? new DirectoryInfo(dir) : null);
        if (folder is not null && !folder.Exists)
        {
            throw new UsageException($"the credentials folder '{folder.FullName}' does not exist.");
        }

        var password = ReadPassword(parse.GetValue(o.PasswordEnv));
        var connection = new DmpConnection();
        try
        {
            Pkcs12CredentialSource tls;
            Pkcs12CredentialSource signer;
            if (mode == DmpAuthenticationMode.Direct)
            {
                var card = parse.GetValue(o.CardP12) ?? FindCard(folder);
                tls = signer = connection.Own(Open(card, "--card-p12", password));
            }
            else
            {
                tls = connection.Own(Open(parse.GetValue(o.TlsP12) ?? InFolder(folder, "client-auth.p12", "--tls-p12"), "--tls-p12", password));
                signer = connection.Own(Open(parse.GetValue(o.SignP12) ?? InFolder(folder, "org-sign.p12", "--sign-p12"), "--sign-p12", password));
            }

            var signerCertificate = await signer.GetCertificateAsync(cancellationToken).ConfigureAwait(false);
            connection.User = BuildUser(parse, o, mode, signerCertificate);
            connection.Consent = new DmpPatientConsent
            {
                PatientInformed = parse.GetValue(o.PatientInformed),
                ConsultationConsent = parse.GetValue(o.Consent),
                RecordedAt = context.Time.GetUtcNow(),
            };
            var options = new DmpClientOptions
            {
                BaseAddress = baseAddress,
                LpsName = "segur-cli",
                LpsVersion = Version,
                HomologationNumber = parse.GetValue(o.Homologation) ?? Environment.GetEnvironmentVariable(HomologationVariable) ?? "SEGUR-CLI",
                TlsCredential = tls,
                VihfSigner = signer,
                ConsentStore = connection.Consents,
                TimeProvider = context.Time,
            };
            var ca = parse.GetValue(o.Ca) ?? (folder is not null && File.Exists(Path.Combine(folder.FullName, "ca.pem")) ? new FileInfo(Path.Combine(folder.FullName, "ca.pem")) : null);
            if (ca is not null)
            {
                if (!ca.Exists)
                {
                    throw new UsageException($"--ca: the file '{ca.FullName}' does not exist.");
                }

                options.ServerTrust = InsiCommand.LoadTrust(ca);
            }

            if (parse.GetValue(o.NoRevocation))
            {
                options.ServerCertificateValidation = new CertificateValidationOptions { Revocation = RevocationPolicy.NoCheck, TimeProvider = context.Time };
            }

            connection.Client = await DmpClient.CreateAsync(options, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static Uri ResolveEndpoint(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"--endpoint (or {EndpointVariable}) is required: the address 'segur simulate dmp' prints, or the DMP services address of your test platform.");
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new UsageException($"--endpoint '{text}' is not an absolute http(s) URL.");
        }

        // The simulator prints its root address: the DMP services live under si-dmp-server/v2/services/.
        return uri.AbsolutePath is "/" or "" ? new Uri(uri, "/" + ServicesPath) : uri;
    }

    private static DmpAuthenticationMode ParseMode(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "INDIRECT" or "INDIRECTE" => DmpAuthenticationMode.Indirect,
        "AIR" or "INDIRECTE_RENFORCEE" or "INDIRECT-REINFORCED" => DmpAuthenticationMode.IndirectReinforced,
        "DIRECT" or "DIRECTE" => DmpAuthenticationMode.Direct,
        _ => throw new UsageException($"--mode must be indirect, air or direct, not '{text}'."),
    };

    private static string? ReadPassword(string? variable)
    {
        if (variable is null)
        {
            return Environment.GetEnvironmentVariable(PasswordVariable);
        }

        return Environment.GetEnvironmentVariable(variable)
            ?? throw new UsageException($"--p12-password-env: the environment variable {variable} is not set.");
    }

    private static FileInfo InFolder(DirectoryInfo? folder, string name, string option) =>
        folder is null
            ? throw new UsageException($"{option} or --credentials (or {CredentialsVariable}) is required.")
            : new FileInfo(Path.Combine(folder.FullName, name));

    private static FileInfo FindCard(DirectoryInfo? folder)
    {
        if (folder is null)
        {
            throw new UsageException($"--mode direct needs --card-p12 or --credentials (or {CredentialsVariable}).");
        }

        var cards = folder.GetFiles("card-*.p12");
        return cards.Length == 1 ? cards[0]
            : throw new UsageException($"--mode direct: the credentials folder holds {cards.Length} card-*.p12 files; choose one with --card-p12.");
    }

    private static Pkcs12CredentialSource Open(FileInfo file, string option, string? password) =>
        file.Exists ? new Pkcs12CredentialSource(file.FullName, password)
            : throw new UsageException($"{option}: the file '{file.FullName}' does not exist.");

    private static DmpUserContext BuildUser(ParseResult parse, SharedOptions o, DmpAuthenticationMode mode, X509Certificate2 signer)
    {
        var direct = mode == DmpAuthenticationMode.Direct;
        string? Subject(string oid) => NameAttributes(signer.SubjectName).FirstOrDefault(a => a.Oid == oid).Value;

        var userText = parse.GetValue(o.User) ?? (direct ? Subject("2.5.4.3") : null)
            ?? throw new UsageException("--user (the user's PS_IdNat, e.g. 8 + RPPS) is required in indirect modes.");
        var family = parse.GetValue(o.FamilyName) ?? (direct ? Subject("2.5.4.4") : null)
            ?? throw new UsageException("--family-name (the user's family name) is required.");
        var structureText = parse.GetValue(o.Structure) ?? (direct ? null : Subject("2.5.4.11"))
            ?? throw new UsageException(direct ? "--structure (Struct_IdNat) is required in direct mode." : "--structure is required: the ORG SIGN certificate has no OU.");
        var accessMode = parse.GetValue(o.AccessMode)?.Trim().ToLowerInvariant() switch
        {
            "normal" => DmpAccessMode.Normal,
            "break-glass" or "bris_de_glace" => DmpAccessMode.BreakGlass,
            "centre-15" or "centre_15" => DmpAccessMode.Centre15,
            var other => throw new UsageException($"--access-mode must be normal, break-glass or centre-15, not '{other}'."),
        };
        var roleTexts = parse.GetValue(o.Roles) is { Length: > 0 } given ? given : ["10", "SM26"];
        if (roleTexts.Length > 2)
        {
            throw new UsageException("--role: at most 2 roles (profession, then specialty).");
        }

        var user = new DmpUserContext
        {
            Mode = mode,
            User = ProfessionalIdentifier.Parse(userText.Trim()),
            FamilyName = family,
            GivenName = parse.GetValue(o.GivenName) ?? (direct ? Subject("2.5.4.42") : null),
            Structure = OrganizationIdentifier.Parse(structureText.Trim()),
            Roles = [.. roleTexts.Select(ParseRole)],
            AccessMode = accessMode,
            AccessReason = parse.GetValue(o.AccessReason),
            SecretConnection = parse.GetValue(o.SecretConnection),
            AuthenticationContextDeclaration = parse.GetValue(o.AuthContext),
        };
        return parse.GetValue(o.Sector) is { } sector ? user with { ActivitySector = new CdaCode(sector.Trim(), "1.2.250.1.71.4.2.4") } : user;
    }

    /// <summary>Every (type, value) of a distinguished name, multi-valued RDNs included (CPS subjects put SN, CN and GN
    /// in one RDN).</summary>
    private static List<(string Oid, string? Value)> NameAttributes(X500DistinguishedName name)
    {
        var result = new List<(string Oid, string? Value)>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            var set = new AsnReader(rdn.RawData, AsnEncodingRules.DER).ReadSetOf(skipSortOrderValidation: true);
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var tag = attribute.PeekTag();
                var isText = tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue is UniversalTagNumber.UTF8String
                    or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String or UniversalTagNumber.BMPString or UniversalTagNumber.T61String;
                result.Add((oid, isText ? attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue) : null));
            }
        }

        return result;
    }

    private static DmpRole ParseRole(string text)
    {
        var value = text.Trim();
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return new DmpRole(value[..at], value[(at + 1)..]);
        }

        if (value.Length == 0)
        {
            throw new UsageException("--role: empty role.");
        }

        return value.StartsWith("SM", StringComparison.OrdinalIgnoreCase)
            ? new DmpRole(value.ToUpperInvariant(), SpecialtySystem)
            : new DmpRole(value, ProfessionSystem);
    }

    /// <summary>The patient from <c>--patient-cda</c>, or from <c>--matricule</c>, <c>--oid</c> and the traits.</summary>
    private static async Task<DmpPatient> ReadPatientAsync(CliContext context, ParseResult parse, SharedOptions o, CancellationToken cancellationToken)
    {
        var check = parse.GetValue(o.IdentityCheck) ?? "CN";
        if (parse.GetValue(o.PatientCda) is { } cda)
        {
            if (parse.GetValue(o.Matricule) is not null)
            {
                throw new UsageException("give the patient either with --patient-cda or with --matricule and the traits, not both.");
            }

            return await PatientFromCdaAsync(context, cda, check, cancellationToken).ConfigureAwait(false);
        }

        var values = new (Option Option, string? Value)[]
        {
            (o.Matricule, parse.GetValue(o.Matricule)), (o.Oid, parse.GetValue(o.Oid)), (o.BirthName, parse.GetValue(o.BirthName)),
            (o.FirstNames, parse.GetValue(o.FirstNames)), (o.Sex, parse.GetValue(o.Sex)), (o.BirthDate, parse.GetValue(o.BirthDate)),
        };
        var missing = values.Where(v => string.IsNullOrWhiteSpace(v.Value)).Select(v => v.Option.Name).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"missing {string.Join(", ", missing)} (the DMP is used with a qualified INS and its traits; or give --patient-cda FILE).");
        }

        var traits = InsTraits.Create(parse.GetValue(o.BirthName), parse.GetValue(o.FirstNames), InsSexCode.Parse(parse.GetValue(o.Sex)),
            Ins.BirthDate.ParseIso(parse.GetValue(o.BirthDate)), parse.GetValue(o.BirthPlace));
        var ins = new InsIdentifier(InsMatricule.Parse(parse.GetValue(o.Matricule)!.Trim()), InsOid.Parse(parse.GetValue(o.Oid)!.Trim()));
        return Qualify(context, ins, traits, check);
    }

    private static async Task<DmpPatient> PatientFromCdaAsync(CliContext context, FileInfo file, string check, CancellationToken cancellationToken)
    {
        var info = await ReadCdaAsync(file, "--patient-cda", cancellationToken).ConfigureAwait(false);
        return PatientFromCda(context, info.Info, check);
    }

    private static DmpPatient PatientFromCda(CliContext context, CdaDocumentInfo info, string check)
    {
        var patient = info.Patient;
        if (patient.Ins is null || patient.InsOid is null || patient.BirthDate is not { } birthDate)
        {
            throw new UsageException("the CDA has no INS (matricule and OID) or no birth date for its patient.");
        }

        var traits = InsTraits.Create(patient.BirthName, string.Join(' ', patient.FirstNames), InsSexCode.Parse(patient.SexCode),
            Ins.BirthDate.FromDate(birthDate), patient.BirthPlaceCode);
        return Qualify(context, new InsIdentifier(InsMatricule.Parse(patient.Ins), InsOid.Parse(patient.InsOid)), traits, check);
    }

    /// <summary>The DMP takes only a qualified INS: the caller asserts the RNIV check (nothing is stored).</summary>
    private static DmpPatient Qualify(CliContext context, InsIdentifier ins, InsTraits traits, string check)
    {
        var record = IdentityRecord.CreateProvisional(traits, options: new IdentityRecordOptions { AllowTestOids = true });
        record.Qualify(InsIdentity.Create(traits, ins), new IdentityCheck(check, context.Time.GetUtcNow(), "segur dmp (declared by the caller)"));
        return DmpPatient.FromQualifiedIns(record.GetShareableIns());
    }

    private static async Task<(CdaDocumentInfo Info, byte[] Bytes)> ReadCdaAsync(FileInfo file, string option, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"{option}: the file '{file.FullName}' does not exist.");
        }

        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes, writable: false);
        var info = await new CdaReader().ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        return (info, bytes);
    }

    private static string Version => typeof(DmpCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
