using System.Collections.Frozen;
using System.Xml;
using Segur.Xml;

namespace Segur.Dmp.Cda;

/// <summary>A CI-SIS value set (JDV) as published by ANS in IHE SVS format: its OID, name and concepts.</summary>
public sealed class CdaValueSet
{
    private readonly FrozenDictionary<string, CdaCode> _byKey;

    internal CdaValueSet(string id, string name, IReadOnlyList<CdaCode> concepts)
    {
        Id = id;
        Name = name;
        Concepts = concepts;
        _byKey = concepts.GroupBy(c => Key(c.Code, c.CodeSystem), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>The value set OID, for example <c>1.2.250.1.213.1.1.5.471</c> for JDV_J07.</summary>
    public string Id { get; }

    /// <summary>The value set's name, for example <c>JDV_J07_XdsTypeCode_CISIS</c>.</summary>
    public string Name { get; }

    /// <summary>The concepts, in publication order.</summary>
    public IReadOnlyList<CdaCode> Concepts { get; }

    /// <summary>Whether the value set holds this code in this code system.</summary>
    /// <param name="code">The code.</param>
    /// <param name="codeSystem">The code system OID.</param>
    /// <returns>True when the pair is in the value set.</returns>
    public bool Contains(string code, string codeSystem) => _byKey.ContainsKey(Key(code, codeSystem));

    /// <summary>Finds a concept by code and code system.</summary>
    /// <param name="code">The code.</param>
    /// <param name="codeSystem">The code system OID.</param>
    /// <returns>The concept with its display name, or null.</returns>
    public CdaCode? Find(string code, string codeSystem) => _byKey.GetValueOrDefault(Key(code, codeSystem));

    private static string Key(string code, string codeSystem) => code + "|" + codeSystem;
}

/// <summary>
/// The CI-SIS value sets the CDA builder checks codes against, embedded at build time from the public ANS files
/// (reference/cda/jdv). The DMP-specific restrictions (JDV_J56–J66) are not published as files and are not here.
/// </summary>
public static class CdaValueSets
{
    private static readonly Lazy<CdaValueSet> J01 = new(() => Load("JDV_J01_XdsAuthorSpecialty_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> J02 = new(() => Load("JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> J04 = new(() => Load("JDV_J04_XdsPracticeSettingCode_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> J07 = new(() => Load("JDV_J07_XdsTypeCode_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> J08 = new(() => Load("JDV_J08_XdsConfidentialityCode_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> J143 = new(() => Load("JDV_J143_AdministrativeGender_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> Hl7Confidentiality = new(() => Load("JDV_HL7_Confidentiality_CISIS.xml"));
    private static readonly Lazy<CdaValueSet> Media = new(() => Load("MediaType.xml"));

    /// <summary>JDV_J01-XdsAuthorSpecialty-CISIS: author profession and specialty (<c>assignedAuthor/code</c>).</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet AuthorSpecialty => J01.Value;

    /// <summary>JDV_J02-XdsHealthcareFacilityTypeCode-CISIS: secteur d'activité (<c>healthCareFacility/code</c>).</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet HealthcareFacilityType => J02.Value;

    /// <summary>JDV_J04-XdsPracticeSettingCode-CISIS: cadre d'exercice (<c>standardIndustryClassCode</c>).</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet PracticeSetting => J04.Value;

    /// <summary>JDV_J07-XdsTypeCode-CISIS: document types (<c>ClinicalDocument/code</c>).</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet TypeCode => J07.Value;

    /// <summary>JDV_J08-XdsConfidentialityCode-CISIS: XDS confidentiality, including the DMP visibility codes.</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet XdsConfidentiality => J08.Value;

    /// <summary>JDV_HL7_Confidentiality_CISIS: HL7 confidentiality codes.</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet Confidentiality => Hl7Confidentiality.Value;

    /// <summary>JDV_J143-AdministrativeGender-CISIS: administrative sex.</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet AdministrativeGender => J143.Value;

    /// <summary>HL7 MediaType: the <c>nonXMLBody/text/@mediaType</c> values.</summary>
    /// <exception cref="SegurValidationException">The embedded file is missing or unreadable (<c>SGR-4099</c>).</exception>
    public static CdaValueSet MediaType => Media.Value;

    private static CdaValueSet Load(string file)
    {
        const string Svs = "urn:ihe:iti:svs:2008";
        using var stream = typeof(CdaValueSets).Assembly.GetManifestResourceStream("Segur.Dmp.Cda.ValueSets." + file)
            ?? throw new SegurValidationException(DmpErrorCodes.CdaValueSetUnavailable, $"The embedded value set {file} is missing from Segur.Dmp.");
        var doc = SafeXml.LoadDocument(stream);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("s", Svs);
        var valueSet = doc.SelectSingleNode("/s:RetrieveValueSetResponse/s:ValueSet", ns) as XmlElement
            ?? throw new SegurValidationException(DmpErrorCodes.CdaValueSetUnavailable, $"The embedded value set {file} has no ValueSet element.");
        var concepts = new List<CdaCode>();
        foreach (XmlElement concept in valueSet.SelectNodes("s:ConceptList/s:Concept", ns)!)
        {
            concepts.Add(new CdaCode(concept.GetAttribute("code"), concept.GetAttribute("codeSystem"),
                concept.HasAttribute("displayName") ? concept.GetAttribute("displayName") : null));
        }

        return new CdaValueSet(valueSet.GetAttribute("id"), Path.GetFileNameWithoutExtension(file), concepts);
    }
}
