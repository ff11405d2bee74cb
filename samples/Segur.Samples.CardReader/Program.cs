// Card reader sample with Segur.Cps: watch the PC/SC readers, show the holder when a CPS card is inserted, verify the
// PIN, sign a random challenge with the card and verify the signature with the certificate's public key.
//
//   dotnet run --project samples/Segur.Samples.CardReader                 your readers and CPS cards
//   dotnet run --project samples/Segur.Samples.CardReader -- --virtual     a virtual CPS card through pcscd + vpcd
//   options: --reader NAME (only this reader), --once (stop after the first card), --vpcd-port N (with --virtual)
//
// The PIN is typed without echo. In non-interactive runs (tests, CI) it comes from the SEGUR_CPS_PIN variable: use
// that with test cards only, never with a real professional's card. An empty PIN skips verification and signing.
// Ctrl+C stops cleanly (the monitor, the card connection and the virtual card are released).
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur;
using Segur.Cps;
using Segur.Testing.Cps;

var options = SampleOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Segur.Samples.CardReader [--virtual] [--vpcd-port N] [--reader NAME] [--once]");
    return 64;
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext signal)
{
    signal.Cancel = true; // let the sample release the card and the monitor instead of being killed
    stop.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

await using var virtualCard = options.Virtual
    ? new VirtualCpsCard(new VirtualCpsCardOptions { CardNumber = "80026042", Rpps = "99700075122", LastName = "MEDECIN-TEST", FirstName = "CAMILLE", Profession = "Médecin" })
    : null;

await using var monitor = new CardMonitor();
Console.WriteLine("Watching card readers (Ctrl+C to stop)...");
var exitCode = 0;
try
{
    #region card-reader
    await foreach (var e in monitor.WatchAsync(stop.Token))
    {
        if (options.Reader is not null && e.ReaderName != options.Reader && e.ReaderName is not null)
        {
            continue;
        }

        switch (e.Kind)
        {
            case CardEventKind.ReaderAdded:
                Console.WriteLine($"Reader connected: {e.ReaderName}");
                if (virtualCard is not null && !virtualCard.IsInserted)
                {
                    await InsertVirtualCardAsync(virtualCard, options.VpcdPort, stop.Token);
                }

                break;
            case CardEventKind.ReaderRemoved:
                Console.WriteLine($"Reader unplugged: {e.ReaderName}");
                break;
            case CardEventKind.CardRemoved:
                Console.WriteLine($"Card removed from '{e.ReaderName}'.");
                break;
            case CardEventKind.ServiceLost:
                Console.WriteLine("The PC/SC service is not reachable; waiting for it (Linux: is pcscd running?).");
                break;
            case CardEventKind.ServiceRestored:
                Console.WriteLine("The PC/SC service is back.");
                break;
            case CardEventKind.CardInserted:
                exitCode = await CardSession.RunAsync(e.ReaderName!, stop.Token);
                if (options.Once)
                {
                    stop.Cancel();
                }

                break;
        }
    }
    #endregion
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C, SIGTERM or --once: fall through to the clean exit.
}
catch (SegurException ex)
{
    Console.Error.WriteLine(ex.Message);
    exitCode = 1;
}

Console.WriteLine("Stopped.");
return exitCode;

static async Task InsertVirtualCardAsync(VirtualCpsCard card, int port, CancellationToken cancellationToken)
{
    try
    {
        await card.InsertAsync(port: port, cancellationToken: cancellationToken);
        Console.WriteLine($"Virtual CPS card inserted through vpcd (127.0.0.1:{port}).");
    }
    catch (System.Net.Sockets.SocketException ex)
    {
        throw new SegurCardException(
            CpsErrorCodes.NoReaders,
            $"vpcd is not listening on 127.0.0.1:{port} ({ex.SocketErrorCode}): start pcscd with vsmartcard-vpcd (tests/env/components/pcscd-vpcd.sh).");
    }
}

/// <summary>What happens when a card is inserted: holder, PIN, signature.</summary>
internal static class CardSession
{
    /// <summary>Exit codes: 0 signature verified (or PIN skipped), 1 card error, 2 PIN refused or blocked, 3 bad signature.</summary>
    public static async Task<int> RunAsync(string reader, CancellationToken cancellationToken)
    {
        try
        {
            using var card = CpsCard.Connect(reader, new CpsCardOptions { RequireKnownAtr = false });
            if (card.Generation == CpsCardGeneration.Unknown)
            {
                Console.WriteLine($"Card inserted in '{reader}': not a CPS card, ignored.");
                return 0;
            }

            Console.WriteLine($"Card inserted in '{reader}': {card.Generation}");
            var info = await card.ReadInfoAsync(cancellationToken);
            Console.WriteLine($"Holder: {info.FirstName} {info.LastName}, {info.Profession}; {info.CardType} n° {info.CardNumber}{(info.IsTestCard ? " (test card)" : "")}");
            Console.WriteLine(info.ProfessionalId is { } id
                ? $"National id: {id} ({id.Type} {id.LocalId})"
                : $"National id: {info.NationalId} (not checked: {info.NationalIdIssue})");

            var status = await card.GetPinStatusAsync(cancellationToken);
            if (status.IsBlocked)
            {
                Console.WriteLine("The PIN is blocked: unblock the card with its PUK (CPS-Gestion).");
                return 2;
            }

            var pin = await PinPrompt.ReadAsync(status, cancellationToken);
            try
            {
                if (pin.Length == 0)
                {
                    Console.WriteLine("No PIN: verification and signature skipped.");
                    return 0;
                }

                await card.VerifyPinAsync(pin, cancellationToken);
            }
            catch (CpsPinException ex)
            {
                Console.WriteLine(ex.IsBlocked ? "PIN refused: the PIN is now blocked." : $"PIN refused: {ex.RemainingTries} tries left.");
                return 2;
            }
            finally
            {
                Array.Clear(pin); // the PIN never outlives the verification
            }

            var after = await card.GetPinStatusAsync(cancellationToken);
            Console.WriteLine($"PIN verified ({after.RemainingTries}/{after.MaxTries} tries left).");
            return await SignAndVerifyAsync(card, cancellationToken);
        }
        catch (CardRemovedException)
        {
            Console.WriteLine($"The card was pulled out of '{reader}' during the operation.");
            return 1;
        }
        catch (SegurCardException ex)
        {
            Console.WriteLine($"Card error in '{reader}': {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> SignAndVerifyAsync(CpsCard card, CancellationToken cancellationToken)
    {
        // A server would send this challenge (TLS handshake, authentication protocol); here it is random.
        var challenge = RandomNumberGenerator.GetBytes(32);
        var signature = await card.SignDataAsync(challenge, HashAlgorithmName.SHA256, cancellationToken);
        using X509Certificate2 certificate = await card.ReadAuthenticationCertificateAsync(cancellationToken);
        using var publicKey = certificate.GetRSAPublicKey()
            ?? throw new SegurCardException(CpsErrorCodes.CertificateInvalid, "The authentication certificate has no RSA key.");
        var valid = publicKey.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Console.WriteLine(valid
            ? $"Signature verified with the certificate's public key (RSA {publicKey.KeySize}, SHA-256, {signature.Length} bytes)."
            : "Signature does NOT match the certificate's public key.");
        return valid ? 0 : 3;
    }
}

/// <summary>Reads the PIN: typed without echo on a console, else from <c>SEGUR_CPS_PIN</c> (tests only).</summary>
internal static class PinPrompt
{
    public const string Variable = "SEGUR_CPS_PIN";

    public static async Task<char[]> ReadAsync(CpsPinStatus status, CancellationToken cancellationToken)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (fromEnvironment is not null || Console.IsInputRedirected)
        {
            if (fromEnvironment is null)
            {
                Console.WriteLine($"Non-interactive run and no {Variable}: PIN skipped.");
            }

            return (fromEnvironment ?? string.Empty).ToCharArray();
        }

        Console.Write($"PIN ({status.RemainingTries?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} tries left, Enter alone to skip): ");
        // ReadKey cannot be cancelled: read on a background thread so that Ctrl+C still ends the sample.
        var pin = await Task.Run(ReadWithoutEcho, CancellationToken.None).WaitAsync(cancellationToken);
        Console.WriteLine();
        return pin;
    }

    private static char[] ReadWithoutEcho()
    {
        var buffer = new char[16];
        var length = 0;
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    length = Math.Max(0, length - 1);
                }
                else if (!char.IsControl(key.KeyChar) && length < buffer.Length)
                {
                    buffer[length++] = key.KeyChar;
                }
            }
        }
        finally
        {
            Array.Clear(buffer);
        }
    }
}

/// <summary>Command-line options.</summary>
internal sealed record SampleOptions(bool Virtual, bool Once, string? Reader, int VpcdPort)
{
    public static SampleOptions? Parse(string[] args)
    {
        var result = new SampleOptions(false, false, null, VirtualCpsCard.DefaultVpcdPort);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--virtual":
                    result = result with { Virtual = true };
                    break;
                case "--once":
                    result = result with { Once = true };
                    break;
                case "--reader" when i + 1 < args.Length:
                    result = result with { Reader = args[++i] };
                    break;
                case "--vpcd-port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var port):
                    result = result with { VpcdPort = port };
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return result;
    }
}
