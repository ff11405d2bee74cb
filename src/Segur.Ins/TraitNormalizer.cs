using System.Globalization;
using System.Text;

namespace Segur.Ins;

/// <summary>What <see cref="TraitNormalizer"/> changed in a value.</summary>
[Flags]
public enum TraitChanges
{
    /// <summary>Nothing changed.</summary>
    None = 0,

    /// <summary>Lower-case letters were upper-cased.</summary>
    UpperCased = 1,

    /// <summary>Accents, cedillas and other diacritics were removed (<c>É</c> → <c>E</c>).</summary>
    DiacriticsRemoved = 2,

    /// <summary>Ligatures and special letters were expanded (<c>Œ</c> → <c>OE</c>, <c>Æ</c> → <c>AE</c>, <c>ß</c> → <c>SS</c>).</summary>
    LigaturesExpanded = 4,

    /// <summary>Typographic apostrophes, dashes or spaces were replaced by their plain form (<c>’</c> → <c>'</c>).</summary>
    CharactersReplaced = 8,

    /// <summary>Characters that a trait may not hold (digits, punctuation, symbols) were removed.</summary>
    CharactersRemoved = 16,

    /// <summary>Repeated or adjacent separators were merged, or separators were trimmed from the ends.</summary>
    SeparatorsCollapsed = 32,
}

/// <summary>Which RNIV character profile applies to a trait.</summary>
public enum TraitProfile
{
    /// <summary>Birth name or used name: may start with an apostrophe, may hold a double hyphen.</summary>
    FamilyName,

    /// <summary>Given name, given-name list or used first name: no double hyphen.</summary>
    GivenName,
}

/// <summary>The outcome of normalising one trait: the proposed value and what changed.</summary>
public sealed class TraitNormalization
{
    internal TraitNormalization(string field, string original, string normalized, TraitChanges changes)
    {
        Field = field;
        Original = original;
        Normalized = normalized;
        Changes = changes;
    }

    /// <summary>The trait (for example <c>birthName</c>, <c>givenNames</c>).</summary>
    public string Field { get; }

    /// <summary>The value as given.</summary>
    public string Original { get; }

    /// <summary>The proposed RNIV form.</summary>
    public string Normalized { get; }

    /// <summary>What changed.</summary>
    public TraitChanges Changes { get; }

    /// <summary>Whether the proposed form differs from the original.</summary>
    public bool IsChanged => !string.Equals(Original, Normalized, StringComparison.Ordinal);

    /// <summary>A short description such as <c>birthName: 'García' → 'GARCIA' (UpperCased, DiacriticsRemoved)</c>.
    /// Personal data.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Field}: '{Original}' → '{Normalized}' ({Changes})";
}

/// <summary>
/// Normalises and validates strict traits per the RNIV character rules: upper-case <c>A</c>–<c>Z</c>, space,
/// apostrophe and hyphen only; no diacritics or ligatures; letter runs separated by one space, one apostrophe
/// or one hyphen (a double hyphen is allowed in family names only); no separator at the ends (a family name may
/// start with an apostrophe).
/// </summary>
/// <remarks>The normaliser proposes; it never alters silently: the <see cref="TraitNormalization"/> says what changed,
/// so the application can show it to the user before saving.</remarks>
public static class TraitNormalizer
{
    /// <summary>Maximum length of a birth name, used name, given-name list or first name (RNIV/Datamatrix: 100).</summary>
    public const int MaxLength = 100;

    /// <summary>Normalises a value per a profile.</summary>
    /// <param name="value">The value as typed or read.</param>
    /// <param name="profile">The character profile.</param>
    /// <param name="field">The field name used in the result and in errors. Default: <c>trait</c>.</param>
    /// <returns>The proposed value and what changed.</returns>
    /// <exception cref="SegurValidationException">Nothing usable remains (<see cref="InsErrorCodes.TraitMissing"/>) or the
    /// result is too long (<see cref="InsErrorCodes.TraitTooLong"/>).</exception>
    public static TraitNormalization Normalize(string? value, TraitProfile profile, string field = "trait")
    {
        var original = value ?? string.Empty;
        var changes = TraitChanges.None;
        var mapped = new StringBuilder(original.Length + 4);
        foreach (var rune in original.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark || category == UnicodeCategory.EnclosingMark)
            {
                changes |= TraitChanges.DiacriticsRemoved;
                continue;
            }

            var c = rune.Value;
            if (c is >= 'A' and <= 'Z' or ' ' or '\'' or '-')
            {
                mapped.Append((char)c);
            }
            else if (c is >= 'a' and <= 'z')
            {
                mapped.Append((char)(c - 32));
                changes |= TraitChanges.UpperCased;
            }
            else if (Expand(c) is { } expansion)
            {
                mapped.Append(expansion);
                changes |= TraitChanges.LigaturesExpanded;
                if (c is 'æ' or 'œ' or 'ß' or 'ø' or 'ł' or 'đ' or 'þ')
                {
                    changes |= TraitChanges.UpperCased;
                }
            }
            else if (c is '\u2019' or '\u2018' or '\u02BC' or '\u0060' or '\u00B4' or '\u2032')
            {
                mapped.Append('\'');
                changes |= TraitChanges.CharactersReplaced;
            }
            else if (c is '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' or '\u00AD')
            {
                mapped.Append('-');
                changes |= TraitChanges.CharactersReplaced;
            }
            else if (Rune.IsWhiteSpace(rune))
            {
                mapped.Append(' ');
                changes |= TraitChanges.CharactersReplaced;
            }
            else if (Rune.IsLetter(rune) && Rune.ToUpperInvariant(rune) is var upper && upper != rune && upper.Value is >= 'A' and <= 'Z')
            {
                mapped.Append((char)upper.Value);
                changes |= TraitChanges.UpperCased;
            }
            else if (c is '.' or ',' or ';' or ':' or '/' or '_')
            {
                // Punctuation used as a separator ("ST.JEAN", "MARIE,ANNE") becomes a space.
                mapped.Append(' ');
                changes |= TraitChanges.CharactersRemoved;
            }
            else
            {
                changes |= TraitChanges.CharactersRemoved;
            }
        }

        var collapsed = Collapse(mapped.ToString(), profile);
        if (!string.Equals(collapsed, mapped.ToString(), StringComparison.Ordinal))
        {
            changes |= TraitChanges.SeparatorsCollapsed;
        }

        if (collapsed.Length == 0)
        {
            throw new SegurValidationException(InsErrorCodes.TraitMissing, $"The {field} is empty or holds no letter.") { Field = field };
        }

        if (collapsed.Length > MaxLength)
        {
            throw new SegurValidationException(InsErrorCodes.TraitTooLong, $"The {field} has {collapsed.Length} characters; at most {MaxLength} are allowed.") { Field = field };
        }

        return new TraitNormalization(field, original, collapsed, changes);
    }

    /// <summary>Checks that a value already follows the RNIV rules of a profile (no normalisation).</summary>
    /// <param name="value">The value.</param>
    /// <param name="profile">The character profile.</param>
    /// <param name="field">The field name used in errors. Default: <c>trait</c>.</param>
    /// <exception cref="SegurValidationException">Empty (<see cref="InsErrorCodes.TraitMissing"/>), too long
    /// (<see cref="InsErrorCodes.TraitTooLong"/>) or a forbidden character or sequence
    /// (<see cref="InsErrorCodes.TraitCharacters"/>; the message names it).</exception>
    public static void Validate(string? value, TraitProfile profile, string field = "trait")
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new SegurValidationException(InsErrorCodes.TraitMissing, $"The {field} is missing.") { Field = field };
        }

        if (value.Length > MaxLength)
        {
            throw new SegurValidationException(InsErrorCodes.TraitTooLong, $"The {field} has {value.Length} characters; at most {MaxLength} are allowed.") { Field = field };
        }

        if (Problem(value, profile) is { } problem)
        {
            throw new SegurValidationException(InsErrorCodes.TraitCharacters, $"The {field} {problem} (RNIV rules: A-Z, space, apostrophe, hyphen; use TraitNormalizer).") { Field = field };
        }
    }

    /// <summary>Whether a value follows the RNIV rules of a profile.</summary>
    /// <param name="value">The value.</param>
    /// <param name="profile">The character profile.</param>
    /// <returns>Whether <see cref="Validate"/> would accept it.</returns>
    public static bool IsValid(string? value, TraitProfile profile) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && Problem(value, profile) is null;

    /// <summary>Compares two names the RNIV way: hyphen and apostrophe count as a space.</summary>
    internal static string Comparable(string value) => value.Replace('-', ' ').Replace('\'', ' ').Replace("  ", " ", StringComparison.Ordinal);

    private static string? Problem(string value, TraitProfile profile)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not (>= 'A' and <= 'Z' or ' ' or '\'' or '-'))
            {
                return c is >= 'a' and <= 'z' ? "holds lower-case letters" : $"holds a forbidden character at position {i + 1}";
            }
        }

        var first = value[0];
        if (first is ' ' or '-' || (first == '\'' && profile == TraitProfile.GivenName))
        {
            return "starts with a separator";
        }

        if (value[^1] is ' ' or '-' or '\'')
        {
            return "ends with a separator";
        }

        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] is >= 'A' and <= 'Z')
            {
                run = 0;
                continue;
            }

            run++;
            if (run == 1)
            {
                continue;
            }

            var previous = value[i - 1];
            var allowedDoubleHyphen = profile == TraitProfile.FamilyName && previous == '-' && value[i] == '-' && run == 2;
            if (!allowedDoubleHyphen)
            {
                return profile == TraitProfile.GivenName && previous == '-' && value[i] == '-'
                    ? "holds a double hyphen (not allowed in given names)"
                    : "holds repeated or adjacent separators";
            }
        }

        return null;
    }

    private static string Collapse(string value, TraitProfile profile)
    {
        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c is >= 'A' and <= 'Z')
            {
                sb.Append(c);
                i++;
                continue;
            }

            // A run of separators between letters becomes one separator: hyphen wins, then apostrophe, then space.
            var start = i;
            int hyphens = 0, apostrophes = 0;
            while (i < value.Length && value[i] is ' ' or '\'' or '-')
            {
                hyphens += value[i] == '-' ? 1 : 0;
                apostrophes += value[i] == '\'' ? 1 : 0;
                i++;
            }

            var separator = hyphens > 0
                ? (profile == TraitProfile.FamilyName && hyphens >= 2 && apostrophes == 0 && !value.AsSpan(start, i - start).Contains(' ') ? "--" : "-")
                : apostrophes > 0 ? "'" : " ";
            var atStart = sb.Length == 0;
            var atEnd = i == value.Length;
            if (atStart && separator == "'" && profile == TraitProfile.FamilyName && !atEnd)
            {
                sb.Append('\'');
            }
            else if (!atStart && !atEnd)
            {
                sb.Append(separator);
            }
        }

        return sb.ToString();
    }

    private static string? Expand(int c) => c switch
    {
        'Æ' or 'æ' => "AE",
        'Œ' or 'œ' => "OE",
        'ß' => "SS",
        'Ø' or 'ø' => "O",
        'Ł' or 'ł' => "L",
        'Đ' or 'đ' => "D",
        'Þ' or 'þ' => "TH",
        _ => null,
    };
}
