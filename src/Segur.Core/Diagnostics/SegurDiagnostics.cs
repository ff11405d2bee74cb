using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Segur.Diagnostics;

/// <summary>
/// Names of the SDK's <see cref="ActivitySource"/>s and <see cref="Meter"/>s. Each package has one of each, named
/// like the package. Applications subscribe with <c>AddSource("Segur.*")</c> and <c>AddMeter("Segur.*")</c>.
/// </summary>
public static class SegurDiagnostics
{
    /// <summary>Segur.Core (SOAP, outbox, trust).</summary>
    public const string Core = "Segur.Core";

    /// <summary>Segur.Cps (cards and readers).</summary>
    public const string Cps = "Segur.Cps";

    /// <summary>Segur.Ins (INS, INSi).</summary>
    public const string Ins = "Segur.Ins";

    /// <summary>Segur.Psc (Pro Santé Connect).</summary>
    public const string Psc = "Segur.Psc";

    /// <summary>Segur.Dmp (DMP).</summary>
    public const string Dmp = "Segur.Dmp";

    /// <summary>Segur.Mss (MSSanté).</summary>
    public const string Mss = "Segur.Mss";

    /// <summary>Every name, for subscribing explicitly.</summary>
    public static IReadOnlyList<string> All { get; } = [Core, Cps, Ins, Psc, Dmp, Mss];

    /// <summary>The OpenTelemetry tag carrying the SDK error code of a failed operation.</summary>
    public const string ErrorTypeTag = "error.type";
}

/// <summary>The Segur.Core instruments.</summary>
internal static class CoreDiagnostics
{
    public static readonly ActivitySource Source = new(SegurDiagnostics.Core, typeof(CoreDiagnostics).Assembly.GetName().Version?.ToString());
    public static readonly Meter Meter = new(SegurDiagnostics.Core, typeof(CoreDiagnostics).Assembly.GetName().Version?.ToString());
}
