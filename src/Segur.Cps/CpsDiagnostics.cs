using System.Diagnostics;
using System.Diagnostics.Metrics;
using Segur.Diagnostics;

namespace Segur.Cps;

/// <summary>The Segur.Cps instruments (see the package README).</summary>
internal static class CpsDiagnostics
{
    public static readonly ActivitySource Source = new(SegurDiagnostics.Cps, typeof(CpsDiagnostics).Assembly.GetName().Version?.ToString());
    public static readonly Meter Meter = new(SegurDiagnostics.Cps, typeof(CpsDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary><c>segur.cps.signatures</c>: signatures made by a card.</summary>
    public static readonly Counter<long> Signatures = Meter.CreateCounter<long>("segur.cps.signatures", "{signature}", "Signatures made with a CPS card.");

    /// <summary><c>segur.cps.signature_failures</c>: failed signatures, tagged <c>error.type</c>.</summary>
    public static readonly Counter<long> SignatureFailures = Meter.CreateCounter<long>("segur.cps.signature_failures", "{signature}", "Signatures that failed, by error code.");

    /// <summary><c>segur.cps.card_events</c>: reader and card events seen by a monitor, tagged <c>event</c>.</summary>
    public static readonly Counter<long> CardEvents = Meter.CreateCounter<long>("segur.cps.card_events", "{event}", "Reader/card events seen by CardMonitor.");
}
