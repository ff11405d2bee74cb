using System.CommandLine;
using Segur.Cps;
using Segur.Cps.Pcsc;
using Segur.Cps.Serial;

namespace Segur.Cli.Commands;

/// <summary><c>segur cps readers|info|watch|tls-check</c> (alias <c>segur card</c>) and <c>segur scan</c>.</summary>
internal static class CpsCommand
{
    /// <summary>Adds <c>cps</c> and <c>scan</c> to the root command.</summary>
    public static void AddTo(RootCommand root, CliContext context)
    {
        root.Subcommands.Add(Create(context, "cps", "CPS cards and PC/SC readers: list readers, read the card holder, watch insertions."));
        // `segur card …` is kept as an alias, as its own entry rather than Aliases.Add: help lists aliases
        // alphabetically ("card, cps") and the command is `cps` (issue 3, docs).
        root.Subcommands.Add(Create(context, "card", "Alias of 'segur cps'."));
        root.Subcommands.Add(CreateScan(context));
    }

    public static Command Create(CliContext context, string name, string description)
    {
        var command = new Command(name, description);
        command.Subcommands.Add(Readers(context));
        command.Subcommands.Add(Info(context));
        command.Subcommands.Add(Watch(context));
        command.Subcommands.Add(TlsCheck(context));
        return command;
    }

    private static Command TlsCheck(CliContext context)
    {
        var url = new Argument<string>("url") { Description = "An https URL of a service requiring a client certificate." };
        var reader = new Option<string?>("--reader") { Description = "The reader (default: the first reader holding a CPS card)." };
        var trust = new Option<string>("--trust") { Description = "Server trust anchors: production or test (IGC-Santé).", DefaultValueFactory = _ => "production" };
        var ca = new Option<FileInfo?>("--ca") { Description = "A PEM file of CA certificates to trust instead: roots and intermediates (a local test server)." };
        var noRevocation = new Option<bool>("--no-revocation") { Description = "Do not check the server certificate's revocation (test CAs without CRL)." };
        var pinEnv = new Option<string>("--pin-env") { Description = "Environment variable holding the PIN (else it is asked on the terminal).", DefaultValueFactory = _ => "SEGUR_CPS_PIN" };
        var command = new Command("tls-check", "GET the URL with mutual TLS signed by the CPS card (Linux: through the SDK; Windows/macOS: the CPS middleware's certificate).");
        command.Arguments.Add(url);
        command.Options.Add(reader);
        command.Options.Add(trust);
        command.Options.Add(ca);
        command.Options.Add(noRevocation);
        command.Options.Add(pinEnv);
        command.SetAction(async (parse, cancellationToken) => await context.RunAsync("segur cps tls-check", async () =>
        {
            var text = parse.GetValue(url)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"The URL must be an absolute https URL, not '{text}'.");
            }

            var anchors = ResolveTrust(parse.GetValue(trust)!, parse.GetValue(ca));
            using var card = CpsCard.Connect(parse.GetValue(reader));
            var variable = parse.GetValue(pinEnv)!;
            using var credential = new CpsCredentialSource(card, _ => ValueTask.FromResult(ReadPin(variable)));
            var certificate = await credential.GetTlsClientCertificateAsync(cancellationToken).ConfigureAwait(false);
            var handler = await Segur.Security.SegurHttpHandlerFactory.CreateAsync(new Segur.Security.SegurHttpHandlerOptions
            {
                ClientCredential = credential,
                ServerTrust = anchors,
                Validation = new Segur.Security.CertificateValidationOptions
                {
                    Revocation = parse.GetValue(noRevocation) ? Segur.Security.RevocationPolicy.NoCheck : Segur.Security.RevocationPolicy.Online,
                    TimeProvider = context.Time,
                },
            }, cancellationToken).ConfigureAwait(false);
            using var http = new HttpClient(handler);
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                var reason = credential.LastTlsSignatureFailure?.Message ?? ex.GetBaseException().Message;
                return context.Fail($"segur cps tls-check: the TLS connection to {target.Authority} failed: {reason}");
            }

            using (response)
            {
                context.Write(parse, new
                {
                    url = target,
                    status = (int)response.StatusCode,
                    clientCertificate = new { subject = certificate.Subject, thumbprint = certificate.Thumbprint },
                    signedByCard = OperatingSystem.IsLinux(),
                }, o =>
                {
                    o.WriteLine($"Connected to {target.Authority} with the card's certificate {certificate.Subject}");
                    o.WriteLine($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                });
            }

            return 0;
        }, cancellationToken: cancellationToken).ConfigureAwait(false));
        return command;
    }

    private static Segur.Security.IgcSanteTrust ResolveTrust(string name, FileInfo? caFile)
    {
        if (caFile is not null)
        {
            return InsiCommand.LoadTrust(caFile);
        }

        return name.ToUpperInvariant() switch
        {
            "PRODUCTION" => Segur.Security.IgcSanteTrust.Production,
            "TEST" => Segur.Security.IgcSanteTrust.Test,
            _ => throw new ArgumentException($"--trust must be production or test, not '{name}'."),
        };
    }

    /// <summary>The PIN from the environment variable, else typed on the terminal without echo; never logged.</summary>
    private static char[] ReadPin(string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment.ToCharArray();
        }

        if (Console.IsInputRedirected)
        {
            throw new ArgumentException($"No PIN: set {variable} or run on a terminal.");
        }

        Console.Error.Write("PIN: ");
        var pin = new List<char>();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && pin.Count > 0)
            {
                pin.RemoveAt(pin.Count - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                pin.Add(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        var result = pin.ToArray();
        pin.Clear();
        return result;
    }

    private static Command Readers(CliContext context)
    {
        var command = new Command("readers", "List PC/SC readers: card present, ATR, recognised card type.");
        command.SetAction(parse =>
        {
            using var pcsc = SmartCardContext.Establish();
            var readers = pcsc.GetReaderStates().Select(r => new
            {
                name = r.ReaderName,
                cardPresent = r.CardPresent,
                atr = r.CardPresent ? r.AtrHex : null,
                cardType = r.CardPresent ? CardTypeName(CpsCard.RecognizeAtr(r.Atr.Span)) : null,
            }).ToList();
            context.Write(parse, readers, o =>
            {
                if (readers.Count == 0)
                {
                    o.WriteLine("No reader connected.");
                }

                foreach (var r in readers)
                {
                    o.WriteLine(r.cardPresent ? $"{r.name}: {r.cardType} (ATR {r.atr})" : $"{r.name}: no card");
                }
            });
            return 0;
        });
        return command;
    }

    private static Command Info(CliContext context)
    {
        var reader = new Option<string?>("--reader") { Description = "The reader (default: the first reader holding a CPS card)." };
        var command = new Command("info", "Read the CPS card: type, card number, holder identifier and names, certificate.");
        command.Options.Add(reader);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var card = CpsCard.Connect(parse.GetValue(reader));
            var info = await card.ReadInfoAsync(cancellationToken).ConfigureAwait(false);
            context.Write(parse, new
            {
                reader = card.Reader.ReaderName,
                cardType = CardTypeName(info.Generation),
                cpxType = info.CardType.ToString().ToUpperInvariant(),
                info.CardNumber,
                info.NationalId,
                nationalIdKind = info.NationalIdKind.ToString(),
                info.NationalIdIssue,
                info.LastName,
                info.FirstName,
                info.Profession,
                certificate = new { subject = info.CertificateSubject, issuer = info.CertificateIssuer, notBefore = info.NotBefore, notAfter = info.NotAfter },
                testCard = info.IsTestCard,
            }, o =>
            {
                o.WriteLine($"Reader:       {card.Reader.ReaderName}");
                o.WriteLine($"Card:         {CardTypeName(info.Generation)} {info.CardType.ToString().ToUpperInvariant()} n° {info.CardNumber}{(info.IsTestCard ? " (test card)" : string.Empty)}");
                o.WriteLine($"Holder:       {info.FirstName} {info.LastName} — {info.Profession}");
                o.WriteLine(info.NationalIdIssue is null
                    ? $"National id:  {info.NationalId} ({info.NationalIdKind})"
                    : $"National id:  {info.NationalId} (not a valid identifier: {info.NationalIdIssue})");
                o.WriteLine($"Certificate:  {info.CertificateSubject}");
                o.WriteLine($"Issuer:       {info.CertificateIssuer}");
                o.WriteLine($"Valid:        {info.NotBefore:yyyy-MM-dd} to {info.NotAfter:yyyy-MM-dd}");
            });
            return 0;
        });
        return command;
    }

    private static Command Watch(CliContext context)
    {
        var command = new Command("watch", "Print reader and card events until Ctrl+C.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var monitor = new CardMonitor(new CardMonitorOptions { TimeProvider = context.Time });
            await using var disposeMonitor = monitor.ConfigureAwait(false);
            return await context.RunAsync("segur cps watch", async () =>
            {
                await foreach (var e in monitor.WatchAsync(cancellationToken).ConfigureAwait(false))
                {
                    var type = e.Kind == CardEventKind.CardInserted ? CardTypeName(e.CardGeneration) : null;
                    context.Write(
                        parse,
                        new { kind = e.Kind.ToString(), reader = e.ReaderName, atr = e.Atr.IsEmpty ? null : Convert.ToHexString(e.Atr.Span), cardType = type, timestamp = e.Timestamp },
                        o => o.WriteLine($"{e.Timestamp:HH:mm:ss} {e.Kind} {e.ReaderName}{(type is null ? string.Empty : $" [{type}]")}"));
                }

                return 0;
            }, runsUntilCancelled: true, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateScan(CliContext context)
    {
        var port = new Option<string>("--port") { Description = "Serial device: /dev/ttyACM0, /dev/ttyUSB0, COM3…", Required = true };
        var baud = new Option<int>("--baud") { Description = "Baud rate.", DefaultValueFactory = _ => 9600 };
        var command = new Command("scan", "Print codes read by a serial 2D scanner (AIM prefix shown, GS as <GS>) until Ctrl+C.");
        command.Options.Add(port);
        command.Options.Add(baud);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var scanner = new BarcodeScanner(new BarcodeScannerOptions
            {
                Port = new SerialPortSettings { PortName = parse.GetValue(port)!, BaudRate = parse.GetValue(baud) },
                TimeProvider = context.Time,
            });
            await using var disposeScanner = scanner.ConfigureAwait(false);
            return await context.RunAsync("segur scan", async () =>
            {
                await foreach (var code in scanner.ReadCodesAsync(cancellationToken).ConfigureAwait(false))
                {
                    context.Write(
                        parse,
                        new { symbology = code.SymbologyIdentifier, text = code.Text, timestamp = code.Timestamp },
                        o => o.WriteLine($"{code.SymbologyIdentifier ?? "-"} {code.Text.Replace("\u001D", "<GS>", StringComparison.Ordinal)}"));
                }

                return 0;
            }, runsUntilCancelled: true, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static string CardTypeName(CpsCardGeneration generation) => generation switch
    {
        CpsCardGeneration.Cps3 => "CPS3",
        CpsCardGeneration.Cps3Contactless => "CPS3 (contactless)",
        CpsCardGeneration.Cps4 => "CPS4",
        _ => "unknown",
    };
}
