// Desktop-style Pro Santé Connect login (RFC 8252 loopback redirect) with Segur.Psc.
//
//   dotnet run --project samples/Segur.Samples.PscLogin               embedded PSC simulator, no browser needed
//   dotnet run --project samples/Segur.Samples.PscLogin -- --browser  embedded simulator, opens your browser
//   PSC_CLIENT_ID=... PSC_CLIENT_SECRET=... dotnet run --project samples/Segur.Samples.PscLogin -- --sandbox
//                                                                     the PSC sandbox (BAS), opens your browser
using Segur;
using Segur.Psc;
using Segur.Testing.Psc;

var sandbox = args.Contains("--sandbox");
await using var simulator = sandbox ? null : await PscSimulator.StartAsync();

#region psc-login
var options = sandbox
    ? new PscClientOptions
    {
        Environment = PscEnvironment.Sandbox, // discovery, wallet authorize endpoint: the BAS presets
        ClientId = Environment.GetEnvironmentVariable("PSC_CLIENT_ID") ?? "",
        ClientSecret = Environment.GetEnvironmentVariable("PSC_CLIENT_SECRET"),
    }
    : new PscClientOptions
    {
        DiscoveryUrl = simulator!.DiscoveryUrl,
        ClientId = simulator.ClientId,
        ClientSecret = simulator.ClientSecret,
        AllowLoopbackHttp = true, // the simulator speaks http on 127.0.0.1 only
    };

using var client = new PscClient(options);
// The system browser opens the PSC login page; PSC redirects to http://127.0.0.1:{random port}/callback.
IBrowserLauncher browser = sandbox || args.Contains("--browser") ? new SystemBrowserLauncher() : new HttpBrowserLauncher();
try
{
    using var session = await client.LoginAsync(browser);
    session.SessionEnded += (_, e) => Console.WriteLine($"PSC session ended: {e.Reason}. Log in again.");

    var user = session.User;
    Console.WriteLine($"Logged in: {user.GivenName} {user.FamilyName}, national ID {user.NationalId}, level {user.Acr}");
    foreach (var activity in user.Activities)
    {
        Console.WriteLine($"  works at {activity.RaisonSociale} (SIRET {activity.Siret}, mode {activity.ModeExerciceCode})");
    }

    // Every SDK module asks the session for a token; it refreshes ahead of expiry in the background.
    var token = await session.GetAccessTokenAsync();
    Console.WriteLine($"Access token valid until {token.ExpiresOn:HH:mm:ss} UTC (the value is never printed: {token})");

    // Log out only when the user clicks "disconnect": open the end-session URL.
    var logout = await session.LogoutAsync();
    Console.WriteLine($"Logout URL: {logout?.GetLeftPart(UriPartial.Path)}");
}
catch (SegurAuthenticationException ex)
{
    Console.WriteLine($"Login refused: {ex.Message}"); // e.g. SGR-3010 (refused), SGR-3023 (acr too low)
    return 1;
}
#endregion

return 0;
