using System.ComponentModel.DataAnnotations;

namespace Segur.Ins;

/// <summary>Collects DataAnnotations and <see cref="IValidatableObject"/> failures without duplicates.</summary>
internal static class OptionsFailures
{
    public static List<string> Collect<T>(T options)
        where T : class, IValidatableObject
    {
        var failures = SegurOptions.Collect(options).ToList();
        foreach (var result in options.Validate(new ValidationContext(options)))
        {
            var text = $"{string.Join(", ", result.MemberNames)}: {result.ErrorMessage}";
            if (!failures.Contains(text))
            {
                failures.Add(text);
            }
        }

        return failures;
    }

    public static void ThrowIfAny(string name, IReadOnlyCollection<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, $"{name} is invalid: {string.Join("; ", failures)}") { Field = name };
        }
    }
}
