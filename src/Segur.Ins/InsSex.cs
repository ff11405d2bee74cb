namespace Segur.Ins;

/// <summary>The sex strict trait. The INS knows only two values; there is no "unknown".</summary>
public enum InsSex
{
    /// <summary>Male, code <c>M</c>.</summary>
    Male,

    /// <summary>Female, code <c>F</c>.</summary>
    Female,
}

/// <summary>Conversions between <see cref="InsSex"/> and its INS code (<c>M</c> / <c>F</c>).</summary>
public static class InsSexCode
{
    /// <summary>The INS code of a sex.</summary>
    /// <param name="sex">The sex.</param>
    /// <returns><c>M</c> or <c>F</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public static string ToCode(this InsSex sex) => sex switch
    {
        InsSex.Male => "M",
        InsSex.Female => "F",
        _ => throw new ArgumentOutOfRangeException(nameof(sex)),
    };

    /// <summary>Parses an INS sex code.</summary>
    /// <param name="code"><c>M</c> or <c>F</c> (case-insensitive, surrounding spaces ignored).</param>
    /// <returns>The sex.</returns>
    /// <exception cref="SegurValidationException">Anything else (<see cref="InsErrorCodes.SexInvalid"/>).</exception>
    public static InsSex Parse(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "M" => InsSex.Male,
        "F" => InsSex.Female,
        _ => throw new SegurValidationException(InsErrorCodes.SexInvalid, "The sex must be M or F.") { Field = "sex" },
    };
}
