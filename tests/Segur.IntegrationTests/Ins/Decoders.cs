using System.Diagnostics;
using System.Text;

namespace Segur.IntegrationTests.Ins;

/// <summary>Runs the independent Data Matrix decoders (zxing-cpp's ZXingReader, libdmtx's dmtxread) on an image file
/// and returns the raw bytes they decoded, read as Latin-1 so that GS (0x1D) survives.</summary>
internal static class Decoders
{
    public static string ZXing(string png) =>
        Run(TestEnv.Require("SEGUR_TEST_ZXINGREADER"), "-format", "DataMatrix", "-bytes", png);

    // dmtxread prints the decoded bytes raw (no newline without -n).
    public static string Dmtx(string png) =>
        Run(TestEnv.Require("SEGUR_TEST_DMTXREAD"), "-N1", png);

    /// <summary>The codewords libdmtx reads from an image, one per line (<c>d:nnn</c> data, <c>e:nnn</c> error correction).</summary>
    public static string DmtxCodewords(string png) =>
        Run(TestEnv.Require("SEGUR_TEST_DMTXREAD"), "-c", "-N1", png);

    /// <summary>Encodes text with libdmtx's own encoder, C40, at a given size.</summary>
    public static void DmtxWrite(string text, int size, string png) =>
        Run(TestEnv.Require("SEGUR_TEST_DMTXWRITE"), text, "-e", "c", "-s", $"{size}x{size}", "-o", png);

    private static string Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var stdinText = (string?)null;
        if (exe.EndsWith("dmtxwrite", StringComparison.Ordinal))
        {
            // dmtxwrite reads the message from standard input.
            stdinText = args[0];
            args = args[1..];
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {exe}.");
        var stdoutTask = Task.Run(() =>
        {
            using var ms = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(ms);
            return ms.ToArray();
        });
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdinText is not null)
        {
            process.StandardInput.BaseStream.Write(Encoding.Latin1.GetBytes(stdinText));
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(exe)} did not finish within 60 s.");
        }

        var output = stdoutTask.GetAwaiter().GetResult();
        var error = stderrTask.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(exe)} {string.Join(' ', args)} exited with {process.ExitCode}: {error.Trim()} {Encoding.Latin1.GetString(output).Trim()}");
        }

        return Encoding.Latin1.GetString(output);
    }
}
