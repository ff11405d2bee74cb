using System.CommandLine;
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

    /// <summary>Writes a result: <paramref name="json"/> serialised with the global <c>--json</c> option, else the
    /// human text written by <paramref name="text"/>.</summary>
    public void Write<T>(ParseResult parse, T json, Action<TextWriter> text)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(text);
        if (parse.GetValue(CliApp.Json))
        {
            WriteJson(json);
        }
        else
        {
            text(Output);
        }
    }

    /// <summary>
    /// Runs a command's work with the CLI's error shape: an SDK error is one line <c>&lt;command&gt;: &lt;message with
    /// its SGR code&gt;</c> and exit 1, a rejected argument exit 2. For commands that run until Ctrl+C
    /// (<paramref name="runsUntilCancelled"/>), cancellation is the normal end (exit 0).
    /// </summary>
    /// <param name="command">The command as typed, e.g. <c>segur queue retry</c>.</param>
    /// <param name="work">The command's work, returning its exit code.</param>
    /// <param name="runsUntilCancelled">Whether cancellation ends the command normally.</param>
    /// <param name="cancellationToken">The invocation's token (Ctrl+C).</param>
    public async Task<int> RunAsync(string command, Func<Task<int>> work, bool runsUntilCancelled = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            return Fail($"{command}: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            return Fail($"{command}: {ex.Message}", 2);
        }
        catch (OperationCanceledException) when (runsUntilCancelled && cancellationToken.IsCancellationRequested)
        {
            return 0; // Ctrl+C
        }
    }

    /// <summary>Writes a one-line reason to stderr and returns the exit code to use.</summary>
    public int Fail(string reason, int exitCode = 1)
    {
        Error.WriteLine(reason);
        return exitCode;
    }
}
