using System.Text;
using System.Text.Json;

namespace Segur.Cli.Tests;

public sealed class SimulateCommandTests
{
    /// <summary>A writer that signals when a line holding a marker is written (the CLI writes from another task).</summary>
    private sealed class SignalWriter(string marker) : StringWriter
    {
        private readonly object _gate = new();

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
                if (value?.Contains(marker, StringComparison.Ordinal) == true)
                {
                    Seen.TrySetResult();
                }
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }

    [Fact]
    public async Task SimulateDmp_Json_ServesUntilCancelled()
    {
        var output = new SignalWriter("baseAddress");
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();

        var run = CliApp.RunAsync(["simulate", "dmp", "--http", "--json"], output, error, stop.Token);
        await output.Seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var json = JsonDocument.Parse(output.ToString());
        var credentials = json.RootElement.GetProperty("credentials").GetString()!;
        var patients = json.RootElement.GetProperty("services").GetProperty("patients").GetString()!;
        using var http = new HttpClient();
        using var answer = await http.PostAsync(new Uri(patients), new StringContent("<nope/>", Encoding.UTF8, "application/soap+xml"));
        var files = Directory.GetFiles(credentials).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        await stop.CancelAsync();
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.StartsWith("http://127.0.0.1:", json.RootElement.GetProperty("baseAddress").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/si-dmp-server/v2/services/patients", patients, StringComparison.Ordinal);
        Assert.Contains("DMP_REQUETE_INVALIDE", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["ca.pem", "card-899900063480.p12", "client-auth.p12", "org-sign.p12"], files);
        Assert.False(Directory.Exists(credentials));
        Assert.Contains("stopped", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulateDmp_BadPort_FailsWithReason()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CliApp.RunAsync(["simulate", "dmp", "--port", "70000"], output, error);

        Assert.NotEqual(0, exit);
        Assert.Contains("--port", error.ToString(), StringComparison.Ordinal);
    }
}
