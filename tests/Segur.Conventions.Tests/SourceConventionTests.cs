using System.Reflection;
using System.Text.RegularExpressions;

namespace Segur.Conventions.Tests;

public partial class SourceConventionTests
{
    private static readonly string[] LibraryAssemblies = ["Segur.Core", "Segur.Cps", "Segur.Ins", "Segur.Psc", "Segur.Dmp", "Segur.Testing"];

    [GeneratedRegex(@"\b(DateTime|DateTimeOffset)\.(Now|UtcNow)\b|\bStopwatch\.StartNew\b")]
    private static partial Regex ClockRead();

    [Fact]
    public void Sources_DoNotReadTheSystemClock()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].TrimStart();
                if (!line.StartsWith("//", StringComparison.Ordinal) && !line.StartsWith("///", StringComparison.Ordinal) && ClockRead().IsMatch(line))
                {
                    offenders.Add($"{Path.GetRelativePath(RepoRoot.Path, file)}:{i + 1}: {line}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Use the injected TimeProvider instead:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void PublicAsyncMethods_EndInAsync_AndTakeTheCancellationTokenLast()
    {
        var offenders = new List<string>();
        foreach (var assembly in LibraryAssemblies.Select(Assembly.Load))
        {
            foreach (var type in assembly.GetExportedTypes())
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    if (method.IsSpecialName || !IsAwaitable(method.ReturnType) || IsExempt(method))
                    {
                        continue;
                    }

                    if (!method.Name.EndsWith("Async", StringComparison.Ordinal))
                    {
                        offenders.Add($"{type.FullName}.{method.Name}: awaitable without the Async suffix");
                    }

                    var parameters = method.GetParameters();
                    var tokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
                    if (tokenIndex < 0)
                    {
                        offenders.Add($"{type.FullName}.{method.Name}: no CancellationToken");
                    }
                    else if (tokenIndex != parameters.Length - 1)
                    {
                        offenders.Add($"{type.FullName}.{method.Name}: CancellationToken is not last");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    private static bool IsAwaitable(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask)
        || type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>));

    // DisposeAsync is defined by IAsyncDisposable; ASP.NET-style hosting callbacks (StartAsync/StopAsync) keep their shape.
    private static bool IsExempt(MethodInfo method) => method.Name is "DisposeAsync";
}
