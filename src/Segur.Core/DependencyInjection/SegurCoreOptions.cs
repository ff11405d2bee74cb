using System.ComponentModel.DataAnnotations;
using Segur.Resilience;

namespace Segur;

/// <summary>Settings of Segur.Core registered by <c>AddSegurCore</c>.</summary>
public sealed class SegurCoreOptions
{
    /// <summary>The JSON-lines audit file. <value>Default: <c>&lt;local application data&gt;/Segur/audit.jsonl</c>.</value></summary>
    [Required]
    public string AuditTrailPath { get; set; } = Path.Combine(DefaultDataFolder, "audit.jsonl");

    /// <summary>Whether INS, names, tokens and documents may appear in logs. Never in production; PINs are never logged.
    /// <value>Default: <see langword="false"/>.</value></summary>
    public bool EnableSensitiveDataLogging { get; set; }

    /// <summary>The default resilience pipelines' settings.</summary>
    [Required]
    public SegurResilienceOptions Resilience { get; set; } = new();

    /// <summary>The SDK's data folder: <c>&lt;local application data&gt;/Segur</c> (falls back to the temp folder when the
    /// user has no profile, e.g. some services).</summary>
    public static string DefaultDataFolder
    {
        get
        {
            var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(appData) ? Path.GetTempPath() : appData, "Segur");
        }
    }
}
