using System.Text.Json;

namespace Segur.Cli;

/// <summary>What a command needs to write its output: text by default, JSON with <c>--json</c>.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes a one-line reason to stderr and returns the exit code to use.</summary>
    public int Fail(string reason, int exitCode = 1)
    {
        Error.WriteLine(reason);
        return exitCode;
    }
}
