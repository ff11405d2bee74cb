using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Segur.Ins;

/// <summary>
/// A matricule INS: the person's own NIR or NIA, 13 characters followed by a two-digit key (15 characters).
/// </summary>
/// <remarks>
/// <para>The key is <c>97 − (N mod 97)</c> where N is the 13 characters read as a number, Corsican départements
/// <c>2A</c> and <c>2B</c> being read as <c>19</c> and <c>18</c>. Whether the matricule is a NIR or a NIA is
/// told by its OID (<see cref="InsOid"/>), not by its digits.</para>
/// <para>Use <see cref="Parse"/> for data typed or scanned by a user (a wrong key is rejected) and
/// <see cref="FromReceived"/> for data returned by INSi (a wrong key is reported through
/// <see cref="IsKeyValid"/>, never rejected: the national referential is authoritative).</para>
/// <para>A matricule is personal data: log it through <c>Segur.Diagnostics.Sensitive</c>.</para>
/// </remarks>
public sealed class InsMatricule : IEquatable<InsMatricule>
{
    private InsMatricule(string number, string key)
    {
        Number = number;
        Key = key;
        ExpectedKey = ComputeKeyUnchecked(number);
    }

    /// <summary>The 13 characters without the key, upper case (for example <c>285032A004123</c>).</summary>
    public string Number { get; }

    /// <summary>The two-digit key as given (for example <c>71</c>).</summary>
    public string Key { get; }

    /// <summary>The key computed from <see cref="Number"/>.</summary>
    public string ExpectedKey { get; }

    /// <summary>Whether <see cref="Key"/> equals <see cref="ExpectedKey"/>. Always <see langword="true"/> for a
    /// matricule from <see cref="Parse"/> or <see cref="FromNumber"/>; may be <see langword="false"/> for a
    /// matricule from <see cref="FromReceived"/>.</summary>
    public bool IsKeyValid => string.Equals(Key, ExpectedKey, StringComparison.Ordinal);

    /// <summary>The 15 characters: <see cref="Number"/> followed by <see cref="Key"/>.</summary>
    public string Value => Number + Key;

    /// <summary>Whether the birth place is a Corsican département (<c>2A</c> or <c>2B</c>).</summary>
    public bool IsCorsican => Number[6] is 'A' or 'B';

    /// <summary>Parses a 15-character matricule (13 characters and the key) typed or scanned by a user. Spaces
    /// are ignored; lower-case <c>a</c>/<c>b</c> are accepted for Corsica.</summary>
    /// <param name="value">The matricule with its key.</param>
    /// <returns>The matricule.</returns>
    /// <exception cref="SegurValidationException">Empty (<see cref="InsErrorCodes.MatriculeEmpty"/>), wrong length
    /// (<see cref="InsErrorCodes.MatriculeLength"/>), wrong structure (<see cref="InsErrorCodes.MatriculeStructure"/>)
    /// or wrong key (<see cref="InsErrorCodes.MatriculeKey"/>).</exception>
    public static InsMatricule Parse(string? value)
    {
        var compact = Compact(value);
        if (compact.Length != 15)
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeLength, $"A matricule INS with its key has 15 characters; {compact.Length} were given.") { Field = "matricule" };
        }

        var matricule = Create(compact[..13], compact[13..]);
        if (!matricule.IsKeyValid)
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeKey, $"The key of the matricule INS is wrong: {matricule.Key} was given, {matricule.ExpectedKey} was expected.") { Field = "matricule" };
        }

        return matricule;
    }

    /// <summary>Tries to parse a 15-character matricule with a correct key (see <see cref="Parse"/>).</summary>
    /// <param name="value">The matricule with its key.</param>
    /// <param name="matricule">The matricule, when valid.</param>
    /// <returns>Whether <paramref name="value"/> is a valid matricule with a correct key.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out InsMatricule? matricule)
    {
        try
        {
            matricule = Parse(value);
            return true;
        }
        catch (SegurValidationException)
        {
            matricule = null;
            return false;
        }
    }

    /// <summary>Builds a matricule from its 13 characters, computing the key.</summary>
    /// <param name="number">The 13 characters (NIR or NIA without key).</param>
    /// <returns>The matricule with its computed key.</returns>
    /// <exception cref="SegurValidationException">Empty, wrong length or wrong structure.</exception>
    public static InsMatricule FromNumber(string? number)
    {
        var compact = Compact(number);
        if (compact.Length != 13)
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeLength, $"A matricule INS without its key has 13 characters; {compact.Length} were given.") { Field = "matricule" };
        }

        CheckStructure(compact);
        return new InsMatricule(compact, ComputeKeyUnchecked(compact));
    }

    /// <summary>Reads a matricule received from INSi (or another authoritative source): the structure is checked,
    /// a wrong key is kept and reported by <see cref="IsKeyValid"/>, a missing key is computed.</summary>
    /// <param name="number">The 13 characters (<c>NumIdentifiant</c>), or 15 characters when <paramref name="key"/>
    /// is <see langword="null"/>.</param>
    /// <param name="key">The key (<c>Cle</c>), or <see langword="null"/> when absent or included in <paramref name="number"/>.</param>
    /// <returns>The matricule; check <see cref="IsKeyValid"/> and report a mismatch.</returns>
    /// <exception cref="SegurValidationException">Empty, wrong length, wrong structure, or a key that is not two digits.</exception>
    public static InsMatricule FromReceived(string? number, string? key = null)
    {
        var compact = Compact(number);
        if (key is null && compact.Length == 15)
        {
            return Create(compact[..13], compact[13..]);
        }

        if (compact.Length != 13)
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeLength, $"A received matricule INS has 13 characters; {compact.Length} were given.") { Field = "matricule" };
        }

        var trimmedKey = key?.Trim();
        return string.IsNullOrEmpty(trimmedKey) ? FromNumber(compact) : Create(compact, trimmedKey);
    }

    /// <summary>Computes the two-digit key of a 13-character NIR or NIA.</summary>
    /// <param name="number">The 13 characters.</param>
    /// <returns>The key, <c>01</c> to <c>97</c>.</returns>
    /// <exception cref="SegurValidationException">Empty, wrong length or wrong structure.</exception>
    public static string ComputeKey(string? number) => FromNumber(number).ExpectedKey;

    /// <inheritdoc/>
    public bool Equals(InsMatricule? other) => other is not null && Number == other.Number && Key == other.Key;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as InsMatricule);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Number, Key);

    /// <summary>The 15 characters (<see cref="Value"/>). Personal data: redact before logging.</summary>
    /// <returns>The matricule with its key.</returns>
    public override string ToString() => Value;

    private static InsMatricule Create(string number, string key)
    {
        CheckStructure(number);
        if (key.Length != 2 || !char.IsAsciiDigit(key[0]) || !char.IsAsciiDigit(key[1]))
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeKey, "The key of a matricule INS is two digits.") { Field = "matricule" };
        }

        return new InsMatricule(number, key);
    }

    private static string Compact(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeEmpty, "The matricule INS is empty.") { Field = "matricule" };
        }

        return value.Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
    }

    private static void CheckStructure(string number)
    {
        if (number[0] is < '1' or > '8')
        {
            throw new SegurValidationException(InsErrorCodes.MatriculeStructure, "The first character of a matricule INS (sex) must be a digit from 1 to 8.") { Field = "matricule" };
        }

        for (var i = 1; i < 13; i++)
        {
            var c = number[i];
            if (char.IsAsciiDigit(c))
            {
                continue;
            }

            if (i == 6 && c is 'A' or 'B' && number[5] == '2')
            {
                continue;
            }

            throw new SegurValidationException(
                InsErrorCodes.MatriculeStructure,
                i == 6 ? "A letter at position 7 of a matricule INS is only allowed for Corsica (2A or 2B)." : $"Position {i + 1} of a matricule INS must be a digit.")
            { Field = "matricule" };
        }
    }

    private static string ComputeKeyUnchecked(string number)
    {
        var digits = number[6] switch
        {
            'A' => string.Concat(number.AsSpan(0, 5), "19", number.AsSpan(7)),
            'B' => string.Concat(number.AsSpan(0, 5), "18", number.AsSpan(7)),
            _ => number,
        };
        var n = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return (97 - (n % 97)).ToString("00", CultureInfo.InvariantCulture);
    }
}
