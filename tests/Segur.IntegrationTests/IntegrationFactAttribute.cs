namespace Segur.IntegrationTests;

/// <summary>
/// A test that needs a real component started by <c>tests/env/</c> and named by an environment variable. A developer
/// without it sees a skip with the reason; under <c>CI=true</c> the test runs and fails, naming what to set.
/// </summary>
public sealed class IntegrationFactAttribute : FactAttribute
{
    public IntegrationFactAttribute(params string[] variables)
    {
        var missing = variables.Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"Run 'bash tests/run.sh' (or tests/env/setup.sh) to provision {string.Join(", ", missing)}.";
        }
    }
}

/// <summary>Reads a component variable, failing with a clear message when it is missing.</summary>
public static class TestEnv
{
    public static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run tests/env/setup.sh (CI requires every integration component).");

    public static string SharedReference(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SegurSdk.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? throw new InvalidOperationException("SegurSdk.sln not found.");
        return Path.Combine([Path.GetFullPath(Path.Combine(root, "..", "shared", "reference")), .. parts]);
    }
}
