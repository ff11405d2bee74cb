using System.Text.Json;
using Segur.Cli.Commands;
using Segur.Testing.Psc;

namespace Segur.Cli.Tests;

public sealed class PscCommandTests : IAsyncLifetime
{
    private PscSimulator _sim = null!;

    public async Task InitializeAsync()
    {
        _sim = await PscSimulator.StartAsync();
        _sim.CibaInterval = 1;
        PscCommand.BrowserOverride = new HttpBrowserLauncher();
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["psc", "login", "--discovery", _sim.DiscoveryUrl.AbsoluteUri, "--client-id", _sim.ClientId, "--client-secret", _sim.ClientSecret, .. extra];
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task PscLogin_BrowserFlowJson_PrintsUser()
    {
        var (exit, output, error) = await RunAsync("--allow-loopback-http", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("899700218896", json.RootElement.GetProperty("nationalId").GetString());
        Assert.Equal("Paul", json.RootElement.GetProperty("givenName").GetString());
        Assert.Equal("eidas1", json.RootElement.GetProperty("acr").GetString());
        Assert.Equal("PHARMACIE DE LA GARE", json.RootElement.GetProperty("activities")[0].GetProperty("raisonSociale").GetString());
    }

    [Fact]
    public async Task PscLogin_CibaText_PrintsBindingMessageAndUser()
    {
        var (exit, output, error) = await RunAsync("--allow-loopback-http", "--ciba", "--login-hint", "899700366240", "--binding-message", "42", "--channel", "CARD");

        Assert.True(exit == 0, error);
        Assert.Contains("code 42", output, StringComparison.Ordinal);
        Assert.Contains("National ID  899700366240", output, StringComparison.Ordinal);
        Assert.Contains("ACR          eidas1", output, StringComparison.Ordinal);
        Assert.Equal("CARD", _sim.LastCibaRequest["channel"]);
    }

    [Fact]
    public async Task PscLogin_PlainHttpWithoutAllowance_IsRefused()
    {
        var (exit, _, error) = await RunAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("plain http discovery refused", error, StringComparison.Ordinal);
        Assert.Equal(0, _sim.TokenRequestCount);
    }

    [Fact]
    public async Task PscLogin_PlainHttpOnRemoteHost_IsRefusedEvenWithAllowance()
    {
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(["psc", "login", "--discovery", "http://psc.example/x", "--client-id", "c", "--client-secret", "s", "--allow-loopback-http"], new StringWriter(), error);

        Assert.NotEqual(0, exit);
        Assert.Contains("plain http discovery refused", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PscLogin_RefusedLogin_ExitsNonZeroWithReason()
    {
        _sim.LoginOutcome = PscSimulatorOutcome.Refuse;

        var (exit, _, error) = await RunAsync("--allow-loopback-http");

        Assert.Equal(1, exit);
        Assert.Contains("SGR-3010", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PscLogin_CibaRefused_ExitsNonZeroWithReason()
    {
        _sim.CibaOutcome = PscSimulatorOutcome.Refuse;

        var (exit, _, error) = await RunAsync("--allow-loopback-http", "--ciba", "--login-hint", "899700218896");

        Assert.Equal(1, exit);
        Assert.Contains("SGR-3041", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PscLogin_CibaExpired_ExitsNonZeroWithReason()
    {
        _sim.CibaOutcome = PscSimulatorOutcome.Ignore;
        _sim.CibaExpiresIn = 1;

        var (exit, _, error) = await RunAsync("--allow-loopback-http", "--ciba", "--login-hint", "899700218896");

        Assert.Equal(1, exit);
        Assert.Contains("SGR-3040", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PscLogin_CibaWithoutLoginHint_ExitsNonZero()
    {
        var (exit, _, error) = await RunAsync("--allow-loopback-http", "--ciba");

        Assert.NotEqual(0, exit);
        Assert.Contains("--login-hint", error, StringComparison.Ordinal);
    }
}
