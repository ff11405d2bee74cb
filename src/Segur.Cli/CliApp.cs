using System.CommandLine;
using Segur.Cli.Commands;

namespace Segur.Cli;

/// <summary>Builds the <c>segur</c> command tree. Each package adds its commands in <c>Commands/</c>.</summary>
internal static class CliApp
{
    /// <summary>The global <c>--json</c> option: machine-readable output.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write machine-readable JSON instead of text.",
        Recursive = true,
    };

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("segur: diagnostics and tools for the Segur SDK (cards, INS, Pro Santé Connect, DMP queue, simulators).");
        root.Options.Add(Json);
        root.Subcommands.Add(DoctorCommand.Create(context));
        root.Subcommands.Add(TrustCommand.Create(context));
        root.Subcommands.Add(InsCommand.Create(context));
        root.Subcommands.Add(PscCommand.Create(context));
        CpsCommand.AddTo(root, context);
        root.Subcommands.Add(QueueCommand.Create(context));
        root.Subcommands.Add(InsiCommand.Create(context));
        root.Subcommands.Add(CdaCommand.Create(context));
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(DmpCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        // Our own handler: an SDK error is one line with its code, never a stack trace.
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (SegurException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync($"{CommandPath(parse)}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The command the user ran, e.g. <c>segur ins datamatrix</c>, to prefix a one-line error.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Parent is null ? "segur" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
