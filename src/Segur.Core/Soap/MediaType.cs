namespace Segur.Soap;

/// <summary>A parsed <c>Content-Type</c> value: the media type (lower case) and its parameters, unquoted.</summary>
internal sealed class MediaType
{
    private MediaType(string type, Dictionary<string, string> parameters)
    {
        Type = type;
        Parameters = parameters;
    }

    public string Type { get; }

    public Dictionary<string, string> Parameters { get; }

    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses leniently: whitespace around separators, quoted or bare values, backslash escapes inside quotes,
    /// a missing closing quote, empty parameters and a trailing <c>;</c>. The first of duplicate parameters wins.</summary>
    public static MediaType Parse(string? value)
    {
        value ??= string.Empty;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
        var i = semicolon < 0 ? value.Length : semicolon + 1;
        while (i < value.Length)
        {
            while (i < value.Length && (value[i] == ';' || char.IsWhiteSpace(value[i])))
            {
                i++;
            }

            var nameStart = i;
            while (i < value.Length && value[i] != '=' && value[i] != ';')
            {
                i++;
            }

            var name = value[nameStart..i].Trim();
            string parameterValue;
            if (i < value.Length && value[i] == '=')
            {
                i++;
                while (i < value.Length && char.IsWhiteSpace(value[i]))
                {
                    i++;
                }

                if (i < value.Length && value[i] == '"')
                {
                    i++;
                    var builder = new System.Text.StringBuilder();
                    while (i < value.Length && value[i] != '"')
                    {
                        if (value[i] == '\\' && i + 1 < value.Length)
                        {
                            i++;
                        }

                        builder.Append(value[i]);
                        i++;
                    }

                    i++; // closing quote (or past the end)
                    parameterValue = builder.ToString();
                    while (i < value.Length && value[i] != ';')
                    {
                        i++;
                    }
                }
                else
                {
                    var valueStart = i;
                    while (i < value.Length && value[i] != ';')
                    {
                        i++;
                    }

                    parameterValue = value[valueStart..i].Trim();
                }
            }
            else
            {
                parameterValue = string.Empty;
            }

            if (name.Length > 0)
            {
                parameters.TryAdd(name, parameterValue);
            }
        }

        return new MediaType(type, parameters);
    }

    /// <summary>Strips the angle brackets of a Content-ID or <c>start</c> value.</summary>
    public static string StripAngles(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '<' && trimmed[^1] == '>' ? trimmed[1..^1].Trim() : trimmed;
    }
}
