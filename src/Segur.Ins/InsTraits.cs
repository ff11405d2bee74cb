namespace Segur.Ins;

/// <summary>
/// The strict traits of an identity (traits INS): birth name, the ordered list of birth given names, the first
/// given name, sex, birth date and birth place (COG code). Values follow the RNIV character rules.
/// </summary>
/// <remarks>
/// Create with <see cref="Create"/> from values already in RNIV form (as INSi returns them), or with
/// <see cref="Normalize"/> from values typed by a user, which proposes the RNIV form and reports every change.
/// Equality compares every trait, hyphens and apostrophes in names counting as spaces.
/// </remarks>
public sealed class InsTraits : IEquatable<InsTraits>
{
    private InsTraits(string birthName, IReadOnlyList<string> givenNames, string firstName, InsSex sex, BirthDate birthDate, string? birthPlace)
    {
        BirthName = birthName;
        GivenNames = givenNames;
        FirstName = firstName;
        Sex = sex;
        BirthDate = birthDate;
        BirthPlace = birthPlace;
    }

    /// <summary>The birth name (nom de naissance), for example <c>D'ORNANO-MARTIN</c>.</summary>
    public string BirthName { get; }

    /// <summary>The birth given names, in civil-status order (for example <c>JEANNE</c>, <c>MARIE-ANGE</c>).</summary>
    public IReadOnlyList<string> GivenNames { get; }

    /// <summary>The given-name list as INSi and the Datamatrix carry it: <see cref="GivenNames"/> joined by spaces.</summary>
    public string GivenNameList => string.Join(' ', GivenNames);

    /// <summary>The first given name (premier prénom de naissance). Usually <c>GivenNames[0]</c>; may span several
    /// list entries when the civil status writes them with a hyphen (<c>JEAN-CHRISTOPHE</c> for the list
    /// <c>JEAN CHRISTOPHE PIERRE</c>).</summary>
    public string FirstName { get; }

    /// <summary>The sex.</summary>
    public InsSex Sex { get; }

    /// <summary>The birth date.</summary>
    public BirthDate BirthDate { get; }

    /// <summary>The birth place: the INSEE COG code of the commune (5 characters, <c>2A</c>/<c>2B</c> in Corsica) or
    /// <c>99xxx</c> for a foreign country; <see langword="null"/> when unknown.</summary>
    public string? BirthPlace { get; }

    /// <summary>Creates strict traits from values already in RNIV form.</summary>
    /// <param name="birthName">The birth name.</param>
    /// <param name="givenNames">The birth given-name list, names separated by one space.</param>
    /// <param name="sex">The sex.</param>
    /// <param name="birthDate">The birth date.</param>
    /// <param name="birthPlace">The COG code of the birth place, or <see langword="null"/>.</param>
    /// <param name="firstName">The first given name; default: the first name of the list. When given, it must match the
    /// start of the list, hyphen and apostrophe counting as a space.</param>
    /// <returns>The traits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="birthDate"/> is null.</exception>
    /// <exception cref="SegurValidationException">A trait breaks the RNIV rules (<see cref="InsErrorCodes.TraitMissing"/>,
    /// <see cref="InsErrorCodes.TraitCharacters"/>, <see cref="InsErrorCodes.TraitTooLong"/>,
    /// <see cref="InsErrorCodes.FirstNameMismatch"/>, <see cref="InsErrorCodes.BirthPlaceInvalid"/>,
    /// <see cref="InsErrorCodes.SexInvalid"/>).</exception>
    public static InsTraits Create(string? birthName, string? givenNames, InsSex sex, BirthDate birthDate, string? birthPlace = null, string? firstName = null)
    {
        ArgumentNullException.ThrowIfNull(birthDate);
        TraitNormalizer.Validate(birthName, TraitProfile.FamilyName, "birthName");
        TraitNormalizer.Validate(givenNames, TraitProfile.GivenName, "givenNames");
        if (!Enum.IsDefined(sex))
        {
            throw new SegurValidationException(InsErrorCodes.SexInvalid, "The sex must be M or F.") { Field = "sex" };
        }

        var list = givenNames!.Split(' ');
        string first;
        if (string.IsNullOrEmpty(firstName))
        {
            first = list[0];
        }
        else
        {
            TraitNormalizer.Validate(firstName, TraitProfile.GivenName, "firstName");
            var comparableFirst = TraitNormalizer.Comparable(firstName);
            var comparableList = TraitNormalizer.Comparable(givenNames);
            if (!(comparableList == comparableFirst || comparableList.StartsWith(comparableFirst + " ", StringComparison.Ordinal)))
            {
                throw new SegurValidationException(InsErrorCodes.FirstNameMismatch, "The first given name does not match the start of the given-name list.") { Field = "firstName" };
            }

            first = firstName;
        }

        return new InsTraits(birthName!, list, first, sex, birthDate, CheckBirthPlace(birthPlace));
    }

    /// <summary>Normalises user-typed values to the RNIV form and creates the traits, reporting each change. Show the
    /// changes to the user before saving: the SDK never alters an identity silently.</summary>
    /// <param name="birthName">The birth name as typed.</param>
    /// <param name="givenNames">The given-name list as typed.</param>
    /// <param name="sex">The sex.</param>
    /// <param name="birthDate">The birth date.</param>
    /// <param name="birthPlace">The COG code, or <see langword="null"/>.</param>
    /// <param name="firstName">The first given name as typed, or <see langword="null"/>.</param>
    /// <returns>The traits in RNIV form and the changes.</returns>
    /// <exception cref="SegurValidationException">A value cannot be normalised (nothing left, too long, bad COG).</exception>
    public static InsTraitsNormalization Normalize(string? birthName, string? givenNames, InsSex sex, BirthDate birthDate, string? birthPlace = null, string? firstName = null)
    {
        var name = TraitNormalizer.Normalize(birthName, TraitProfile.FamilyName, "birthName");
        var given = TraitNormalizer.Normalize(givenNames, TraitProfile.GivenName, "givenNames");
        var first = string.IsNullOrWhiteSpace(firstName) ? null : TraitNormalizer.Normalize(firstName, TraitProfile.GivenName, "firstName");
        var traits = Create(name.Normalized, given.Normalized, sex, birthDate, birthPlace?.Trim().ToUpperInvariant(), first?.Normalized);
        var changes = new[] { name, given, first }.Where(n => n is { IsChanged: true }).Select(n => n!).ToList();
        return new InsTraitsNormalization(traits, changes);
    }

    /// <summary>Lists the traits that differ from another set (names compared with hyphen and apostrophe as space; a
    /// birth place missing on either side is not a difference).</summary>
    /// <param name="other">The other traits, for example those INSi returned.</param>
    /// <returns>The differing field names (<c>birthName</c>, <c>givenNames</c>, <c>firstName</c>, <c>sex</c>,
    /// <c>birthDate</c>, <c>birthPlace</c>); empty when coherent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public IReadOnlyList<string> DifferencesFrom(InsTraits other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var diff = new List<string>();
        if (TraitNormalizer.Comparable(BirthName) != TraitNormalizer.Comparable(other.BirthName))
        {
            diff.Add("birthName");
        }

        if (TraitNormalizer.Comparable(GivenNameList) != TraitNormalizer.Comparable(other.GivenNameList))
        {
            diff.Add("givenNames");
        }

        if (TraitNormalizer.Comparable(FirstName) != TraitNormalizer.Comparable(other.FirstName))
        {
            diff.Add("firstName");
        }

        if (Sex != other.Sex)
        {
            diff.Add("sex");
        }

        if (!BirthDate.Equals(other.BirthDate))
        {
            diff.Add("birthDate");
        }

        if (BirthPlace is not null && other.BirthPlace is not null && BirthPlace != other.BirthPlace)
        {
            diff.Add("birthPlace");
        }

        return diff;
    }

    /// <inheritdoc/>
    public bool Equals(InsTraits? other) =>
        other is not null && DifferencesFrom(other).Count == 0 && BirthPlace == other.BirthPlace;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as InsTraits);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TraitNormalizer.Comparable(BirthName), TraitNormalizer.Comparable(GivenNameList), Sex, BirthDate);

    /// <summary>A short description (personal data: redact before logging).</summary>
    /// <returns>The traits.</returns>
    public override string ToString() => $"{BirthName} {GivenNameList} {Sex.ToCode()} {BirthDate} {BirthPlace}".TrimEnd();

    internal static string? CheckBirthPlace(string? birthPlace)
    {
        if (string.IsNullOrWhiteSpace(birthPlace))
        {
            return null;
        }

        var cog = birthPlace.Trim().ToUpperInvariant();
        var ok = cog.Length == 5
            && (char.IsAsciiDigit(cog[0]) && char.IsAsciiDigit(cog[1]) || cog[0] == '2' && cog[1] is 'A' or 'B')
            && char.IsAsciiDigit(cog[2]) && char.IsAsciiDigit(cog[3]) && char.IsAsciiDigit(cog[4]);
        return ok
            ? cog
            : throw new SegurValidationException(InsErrorCodes.BirthPlaceInvalid, "The birth place must be a 5-character INSEE COG code (2A/2B for Corsica, 99xxx abroad).") { Field = "birthPlace" };
    }
}

/// <summary>The outcome of <see cref="InsTraits.Normalize"/>: the traits in RNIV form and what changed.</summary>
public sealed class InsTraitsNormalization
{
    internal InsTraitsNormalization(InsTraits traits, IReadOnlyList<TraitNormalization> changes)
    {
        Traits = traits;
        Changes = changes;
    }

    /// <summary>The traits in RNIV form.</summary>
    public InsTraits Traits { get; }

    /// <summary>The fields that changed (empty when the input was already in RNIV form).</summary>
    public IReadOnlyList<TraitNormalization> Changes { get; }

    /// <summary>Whether any field changed.</summary>
    public bool IsChanged => Changes.Count > 0;
}
