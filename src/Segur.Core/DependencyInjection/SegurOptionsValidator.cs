using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Segur;

/// <summary>
/// Validates options with their DataAnnotations, walking nested SDK option objects, and reports every problem at once.
/// Used by client constructors and by the <c>AddSegurXxx</c> registrations (at host start).
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
public sealed class SegurOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = SegurOptions.Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Validation of SDK options objects.</summary>
public static class SegurOptions
{
    /// <summary>Validates options and throws one exception listing every problem.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="SegurValidationException"><c>SGR-1601</c> with every problem in the message.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static void ThrowIfInvalid(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Collect(options);
        if (failures.Count > 0)
        {
            throw new SegurValidationException(CoreErrorCodes.OptionsInvalid, $"{options.GetType().Name} is invalid: {string.Join("; ", failures)}") { Field = options.GetType().Name };
        }
    }

    /// <summary>Lists every validation problem of an options object and of its nested SDK option objects.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The problems, each naming its property path; empty when valid.</returns>
    public static IReadOnlyList<string> Collect(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Walk(options, string.Empty, failures, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return failures;
    }

    private static void Walk(object options, string path, List<string> failures, HashSet<object> seen)
    {
        if (!seen.Add(options))
        {
            return;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? string.Join(", ", result.MemberNames.Select(m => path + m)) : path.TrimEnd('.');
            failures.Add(string.IsNullOrEmpty(members) ? result.ErrorMessage ?? "invalid" : $"{members}: {result.ErrorMessage}");
        }

        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0
                && property.PropertyType.IsClass
                && property.PropertyType != typeof(string)
                && property.PropertyType.Namespace?.StartsWith("Segur", StringComparison.Ordinal) == true
                && property.GetValue(options) is { } nested)
            {
                Walk(nested, path + property.Name + ".", failures, seen);
            }
        }
    }
}
