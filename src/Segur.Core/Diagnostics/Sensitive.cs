namespace Segur.Diagnostics;

/// <summary>
/// Redaction helpers for logs and messages: INS, NIR, names, tokens and documents are shown as
/// <c>[redacted]</c> unless sensitive-data logging is enabled. PINs are never shown, whatever the settings.
/// </summary>
public static class Sensitive
{
    /// <summary>The text shown in place of redacted data.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>Returns the value when <paramref name="enableSensitiveDataLogging"/> is set, else <see cref="Redacted"/>.</summary>
    /// <param name="value">The sensitive value.</param>
    /// <param name="enableSensitiveDataLogging">Whether sensitive data may be logged (development only).</param>
    /// <returns>The value or <see cref="Redacted"/>; <c>(null)</c> for a null value.</returns>
    public static string Show(string? value, bool enableSensitiveDataLogging) =>
        value is null ? "(null)" : enableSensitiveDataLogging ? value : Redacted;

    /// <summary>Masks all but the last <paramref name="visible"/> characters of a value (for identifiers in support
    /// output, e.g. <c>***********4567</c>), or shows it whole when sensitive logging is enabled.</summary>
    /// <param name="value">The value.</param>
    /// <param name="enableSensitiveDataLogging">Whether sensitive data may be logged.</param>
    /// <param name="visible">How many trailing characters stay visible. Default: 4.</param>
    /// <returns>The masked value.</returns>
    public static string Mask(string? value, bool enableSensitiveDataLogging, int visible = 4)
    {
        if (value is null)
        {
            return "(null)";
        }

        if (enableSensitiveDataLogging)
        {
            return value;
        }

        visible = Math.Clamp(visible, 0, value.Length / 2);
        return new string('*', value.Length - visible) + value[^visible..];
    }

    /// <summary>Describes a secret (PIN, password, token) without revealing anything but its presence.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns><c>(none)</c> or <c>[secret]</c>; never the value, whatever the settings.</returns>
    public static string Secret(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "[secret]";
}
