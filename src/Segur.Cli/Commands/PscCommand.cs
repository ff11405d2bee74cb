using System.CommandLine;
using Segur.Psc;

namespace Segur.Cli.Commands;

/// <summary><c>segur psc login</c>: logs in with Pro Santé Connect (browser or CIBA) and prints the professional.</summary>
internal static class PscCommand
{
    /// <summary>Replaces the system browser (tests drive the login over HTTP). <see langword="null"/>: the system browser.</summary>
    internal static IBrowserLauncher? BrowserOverride { get; set; }

    public static Command Create(CliContext context)
    {
        var psc = new Command("psc", "Pro Santé Connect: log in and show the professional.");
        psc.Subcommands.Add(CreateLogin(context));
        return psc;
    }

    private static Command CreateLogin(CliContext context)
    {
        var discovery = new Option<string>("--discovery") { Description = "Full discovery URL (e.g. https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The client ID registered with Pro Santé Connect.", Required = true };
        var clientSecret = new Option<string?>("--client-secret") { Description = "The client secret (else the SEGUR_PSC_CLIENT_SECRET variable)." };
        var ciba = new Option<bool>("--ciba") { Description = "Log in with CIBA (approval on the e-CPS app or a CPx card) instead of the browser." };
        var loginHint = new Option<string?>("--login-hint") { Description = "The professional's national identifier (required with --ciba)." };
        var bindingMessage = new Option<string?>("--binding-message") { Description = "Two digits shown to the professional (generated when absent)." };
        var channel = new Option<string>("--channel") { Description = "CIBA channel: CARD or MOBILE.", DefaultValueFactory = _ => "MOBILE" };
        channel.AcceptOnlyFromAmong("CARD", "MOBILE");
        var allowLoopbackHttp = new Option<bool>("--allow-loopback-http") { Description = "Accept plain http on 127.0.0.1/localhost (simulators, test providers)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the browser login.", DefaultValueFactory = _ => 300 };

        var login = new Command("login", "Log in with Pro Santé Connect and print the professional (national identifier, names, acr, activities).");
        foreach (var option in new Option[] { discovery, clientId, clientSecret, ciba, loginHint, bindingMessage, channel, allowLoopbackHttp, timeout })
        {
            login.Options.Add(option);
        }

        login.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(CliApp.Json);
            var url = parse.GetValue(discovery)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var discoveryUrl) || (discoveryUrl.Scheme != Uri.UriSchemeHttps && discoveryUrl.Scheme != Uri.UriSchemeHttp))
            {
                return context.Fail($"segur psc login: --discovery must be an absolute https URL: {url}", 2);
            }

            if (discoveryUrl.Scheme == Uri.UriSchemeHttp)
            {
                var loopbackHost = discoveryUrl.Host is "127.0.0.1" or "localhost" or "[::1]";
                if (!loopbackHost || !parse.GetValue(allowLoopbackHttp))
                {
                    return context.Fail($"segur psc login: plain http discovery refused ({discoveryUrl.Host}); use https, or 127.0.0.1/localhost with --allow-loopback-http.", 2);
                }
            }

            var secret = parse.GetValue(clientSecret) ?? Environment.GetEnvironmentVariable("SEGUR_PSC_CLIENT_SECRET");
            if (string.IsNullOrEmpty(secret))
            {
                return context.Fail("segur psc login: --client-secret (or SEGUR_PSC_CLIENT_SECRET) is required.", 2);
            }

            var useCiba = parse.GetValue(ciba);
            var hint = parse.GetValue(loginHint);
            if (useCiba && string.IsNullOrWhiteSpace(hint))
            {
                return context.Fail("segur psc login: --ciba needs --login-hint (the national identifier).", 2);
            }

            var binding = parse.GetValue(bindingMessage);
            if (binding is not null && (binding.Length != 2 || !binding.All(char.IsAsciiDigit)))
            {
                return context.Fail("segur psc login: --binding-message must be two digits (00-99).", 2);
            }

            var options = new PscClientOptions
            {
                DiscoveryUrl = discoveryUrl,
                ClientId = parse.GetValue(clientId)!,
                ClientSecret = secret,
                AllowLoopbackHttp = parse.GetValue(allowLoopbackHttp),
                LoginTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))),
                TimeProvider = context.Time,
            };
            return await context.RunAsync("segur psc login", async () =>
            {
                using var client = new PscClient(options);
                PscSession session;
                if (useCiba)
                {
                    var request = await client.StartCibaAsync(hint!, parse.GetValue(channel) == "CARD" ? PscCibaChannel.Card : PscCibaChannel.Mobile, binding, cancellationToken).ConfigureAwait(false);
                    await (json ? context.Error : context.Output).WriteLineAsync($"Approve the request on the {(parse.GetValue(channel) == "CARD" ? "CPS card (CPS-Gestion)" : "e-CPS app")}: code {request.BindingMessage} (expires {request.ExpiresOn:HH:mm:ss} UTC).").ConfigureAwait(false);
                    session = await client.PollCibaAsync(request, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (BrowserOverride is null)
                    {
                        await (json ? context.Error : context.Output).WriteLineAsync("Opening the browser for the Pro Santé Connect login...").ConfigureAwait(false);
                    }

                    session = await client.LoginAsync(BrowserOverride, hint, cancellationToken).ConfigureAwait(false);
                }

                using (session)
                {
                    Print(context, parse, session.User);
                }

                return 0;
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
        return login;
    }

    private static void Print(CliContext context, ParseResult parse, PscUser user)
    {
        var activities = user.Exercises.SelectMany(e => e.Activities.Select(a => new
        {
            profession = e.ProfessionCode,
            raisonSociale = a.RaisonSociale,
            modeExercice = a.ModeExerciceCode,
            secteurActivite = a.SecteurActiviteCode,
            siret = a.Siret,
            finess = a.FinessSite,
            structureId = a.StructureTechnicalId,
        })).ToList();
        context.Write(parse, new
        {
            ok = true,
            nationalId = user.NationalId,
            givenName = user.GivenName,
            familyName = user.FamilyName,
            acr = user.Acr,
            subject = user.Subject,
            roles = user.Roles.Select(r => r.Code).ToList(),
            organization = user.Organization,
            activities,
        }, o =>
        {
            o.WriteLine($"National ID  {user.NationalId ?? "(none)"}");
            o.WriteLine($"Name         {user.GivenName} {user.FamilyName}");
            o.WriteLine($"ACR          {user.Acr ?? "(none)"}");
            o.WriteLine($"Roles        {string.Join(", ", user.Roles.Select(r => r.Code))}");
            foreach (var a in activities)
            {
                o.WriteLine($"Activity     {a.raisonSociale ?? "(unnamed)"} — profession {a.profession}, mode {a.modeExercice}, SIRET {a.siret ?? "-"}, FINESS {a.finess ?? "-"}");
            }
        });
    }
}
