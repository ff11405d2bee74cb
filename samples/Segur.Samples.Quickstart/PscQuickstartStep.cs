using Segur.Psc;
using Segur.Testing.Psc;

/// <summary>Quick start step: the pharmacist logs in with Pro Santé Connect (embedded simulator, loopback redirect).</summary>
internal static class PscQuickstartStep
{
    /// <summary>Logs in and returns the session; every later step asks it for tokens (it is an IAccessTokenSource).</summary>
    public static async Task<(PscSimulator Simulator, PscClient Client, PscSession Session)> RunAsync()
    {
        var simulator = await PscSimulator.StartAsync();
        simulator.LoginUser = "899700366240"; // the simulated pharmacist
        #region psc-quickstart
        var client = new PscClient(new PscClientOptions
        {
            DiscoveryUrl = simulator.DiscoveryUrl, // in production: Environment = PscEnvironment.Production
            ClientId = simulator.ClientId,
            ClientSecret = simulator.ClientSecret,
            AllowLoopbackHttp = true,
        });
        // A desktop app passes no launcher (the system browser opens); the simulator needs none.
        var session = await client.LoginAsync(new HttpBrowserLauncher());
        #endregion
        Console.WriteLine($"2. PSC session: {session.User.GivenName} {session.User.FamilyName} ({session.User.NationalId}), acr {session.User.Acr}");
        return (simulator, client, session);
    }
}
