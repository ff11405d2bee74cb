using System.Globalization;
using System.Xml;

namespace Segur.Ins.Insi;

/// <summary>
/// Reads INSi <c>RESULTAT</c> answers tolerantly: prefixed or default namespaces (children matched by local name),
/// elements in any order (a CNDA fixture puts <c>DateDeb</c> before <c>IdIndividu</c>), <c>Prenom</c> missing (first
/// entry of <c>ListePrenom</c>), one or many <c>INSHISTO</c>, wrong keys reported rather than rejected.
/// </summary>
internal static class InsiResponseReader
{
    public const string ResultNamespace = "http://www.cnamts.fr/INSiResultat";

    public static XmlElement FindResult(XmlElement? bodyContent, XmlElement body)
    {
        if (bodyContent is { LocalName: "RESULTAT" })
        {
            return bodyContent;
        }

        // Some stacks wrap the payload (…Response element): look one level deeper, then anywhere.
        foreach (XmlNode node in body.GetElementsByTagName("*"))
        {
            if (node is XmlElement { LocalName: "RESULTAT" } e)
            {
                return e;
            }
        }

        throw Invalid("The INSi response has no RESULTAT element.");
    }

    public static (string Code, string Label) ReadReturnCode(XmlElement result)
    {
        var cr = Child(result, "CR") ?? Descendant(result, "CR") ?? throw Invalid("The INSi response has no CR (compte rendu).");
        var code = Text(Child(cr, "CodeCR")) ?? throw Invalid("The INSi response has no CodeCR.");
        return (code, Text(Child(cr, "LibelleCR")) ?? string.Empty);
    }

    public static InsiSearchResult ReadSearch(XmlElement result, InsiTraitsQuery? query, string messageId)
    {
        var (code, label) = ReadReturnCode(result);
        var warnings = new List<string>();
        switch (code)
        {
            case "00":
                var identity = ReadIdentity(Child(result, "INDIVIDU") ?? throw Invalid("The INSi response says 00 (found) but has no INDIVIDU."), warnings);
                return new InsiSearchResult(InsiSearchOutcome.Found, code, label, identity, InsiNextStep.None, warnings, messageId, result.OuterXml);
            case "01":
                return new InsiSearchResult(InsiSearchOutcome.NotFound, code, label, null, InsiNextStep.TryOtherFirstNames, warnings, messageId, result.OuterXml);
            case "02":
                var next = query is null ? InsiNextStep.None
                    : query.FirstNameList.Count <= 1 ? InsiNextStep.AddFirstNames
                    : query.BirthPlace is null ? InsiNextStep.AddBirthPlace
                    : InsiNextStep.CheckTraits;
                return new InsiSearchResult(InsiSearchOutcome.Several, code, label, null, next, warnings, messageId, result.OuterXml);
            default:
                throw new SegurServiceException(InsErrorCodes.InsiReturnCodeUnknown, $"INSi answered the unknown return code '{Truncate(code)}'.", rawFault: result.OuterXml)
                {
                    ServiceCode = code,
                };
        }
    }

    public static InsIdentity ReadIdentity(XmlElement individu, List<string> warnings)
    {
        var active = Child(individu, "INSACTIF") ?? throw Invalid("The INSi identity has no INSACTIF.");
        var ins = ReadIns(active, "INSACTIF", warnings);
        var history = new List<InsIdentifier>();
        var index = 0;
        foreach (var histo in Children(individu, "INSHISTO"))
        {
            index++;
            history.Add(ReadIns(histo, $"INSHISTO[{index}]", warnings));
        }

        var tiq = Child(individu, "TIQ") ?? throw Invalid("The INSi identity has no TIQ (traits).");
        var birthName = Text(Child(tiq, "NomNaissance")) ?? throw Invalid("The INSi traits have no NomNaissance.");
        var list = Text(Child(tiq, "ListePrenom"));
        var first = Text(Child(tiq, "Prenom"));
        if (list is null && first is null)
        {
            throw Invalid("The INSi traits have neither Prenom nor ListePrenom.");
        }

        list ??= first!;
        if (first is null)
        {
            first = list.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        }

        var sexCode = Text(Child(tiq, "Sexe")) ?? throw Invalid("The INSi traits have no Sexe.");
        var dateText = Text(Child(tiq, "DateNaissance")) ?? throw Invalid("The INSi traits have no DateNaissance.");
        var place = Text(Child(tiq, "LieuNaissance"));
        try
        {
            var sex = InsSexCode.Parse(sexCode);
            var date = BirthDate.ParseIso(dateText);
            InsTraits traits;
            try
            {
                traits = InsTraits.Create(birthName, list, sex, date, place, first);
            }
            catch (SegurValidationException ex) when (ex.ErrorCode == InsErrorCodes.FirstNameMismatch)
            {
                warnings.Add("The first name INSi returned (Prenom) does not start the first-name list (ListePrenom); the list's first entry is used.");
                traits = InsTraits.Create(birthName, list, sex, date, place);
            }

            return InsIdentity.Create(traits, ins, history);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurProtocolException(InsErrorCodes.InsiResponseInvalid,
                $"The INSi traits cannot be read ({ex.ErrorCode}, field {ex.Field}).", innerException: ex);
        }
    }

    private static InsIdentifier ReadIns(XmlElement element, string what, List<string> warnings)
    {
        var id = Child(element, "IdIndividu") ?? throw Invalid($"{what} has no IdIndividu.");
        var number = Text(Child(id, "NumIdentifiant")) ?? throw Invalid($"{what} has no NumIdentifiant.");
        var key = Text(Child(id, "Cle"));
        var oidText = Text(Child(element, "OID")) ?? throw Invalid($"{what} has no OID.");
        InsMatricule matricule;
        try
        {
            matricule = InsMatricule.FromReceived(number, key);
        }
        catch (SegurValidationException ex)
        {
            throw new SegurProtocolException(InsErrorCodes.InsiResponseInvalid, $"{what} holds an unreadable matricule ({ex.ErrorCode}).", innerException: ex);
        }

        if (key is null)
        {
            warnings.Add($"{what}: INSi sent no key (Cle); the key was computed.");
        }
        else if (!matricule.IsKeyValid)
        {
            warnings.Add($"{what}: the key INSi sent does not match the matricule (expected {matricule.ExpectedKey}); kept as received.");
        }

        if (!InsOid.TryParse(oidText, out var oid))
        {
            throw Invalid($"{what} has an OID that is not an INS OID.");
        }

        var from = ReadDate(Child(element, "DateDeb"));
        var to = ReadDate(Child(element, "DateFin"));
        if (from is not null && to is not null && to < from)
        {
            warnings.Add($"{what}: DateFin is before DateDeb; the validity dates were ignored.");
            (from, to) = (null, null);
        }

        return new InsIdentifier(matricule, oid, from, to);
    }

    private static DateOnly? ReadDate(XmlElement? element)
    {
        var text = Text(element);
        if (text is null)
        {
            return null;
        }

        // xs:date may carry a time zone suffix; keep the date part.
        return DateOnly.TryParseExact(text.Length > 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    public static XmlElement? Child(XmlElement parent, string localName)
    {
        for (var node = parent.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName)
            {
                return e;
            }
        }

        return null;
    }

    public static IEnumerable<XmlElement> Children(XmlElement parent, string localName)
    {
        for (var node = parent.FirstChild; node is not null; node = node.NextSibling)
        {
            if (node is XmlElement e && e.LocalName == localName)
            {
                yield return e;
            }
        }
    }

    private static XmlElement? Descendant(XmlElement parent, string localName)
    {
        foreach (XmlNode node in parent.GetElementsByTagName("*"))
        {
            if (node is XmlElement e && e.LocalName == localName)
            {
                return e;
            }
        }

        return null;
    }

    public static string? Text(XmlElement? element)
    {
        var text = element?.InnerText.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static string Truncate(string value) => value.Length > 16 ? value[..16] : value;

    private static SegurProtocolException Invalid(string message) => new(InsErrorCodes.InsiResponseInvalid, message);
}
