using System.CommandLine;
using Segur.Cps;
using Segur.Cps.Pcsc;
using Segur.Cps.Serial;

namespace Segur.Cli.Commands;

/// <summary><c>segur cps readers|info|watch</c> (alias <c>segur card</c>) and <c>segur scan</c>.</summary>
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
        return command;
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
