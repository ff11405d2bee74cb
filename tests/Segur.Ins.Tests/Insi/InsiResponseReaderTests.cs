using Segur.Ins.Insi;
using Segur.Soap;
using static Segur.Ins.Tests.Insi.InsiTestSupport;

namespace Segur.Ins.Tests.Insi;

/// <summary>RESULTAT parsing: CNDA examples from the shared reference, namespaces, order quirks, missing Prenom.</summary>
public sealed class InsiResponseReaderTests
{
    private static async Task<InsiSearchResult> Search(string envelopeXml, InsiTraitsQuery? query = null)
    {
        var sent = new List<SoapRequest>();
        var client = new InsiClient(Options(), Transport(sent, envelopeXml).Object);
        return await client.SearchByTraitsAsync(query ?? Dominique());
    }

    private static string Example(string name) => File.ReadAllText(Reference("examples", name));

    [Fact]
    public async Task Search_Test204Cas2WithDatesBeforeIdIndividu_ReadsIdentityAndBothHistories()
    {
        var result = await Search(Example("TEST_2.04_cas2.xml"));

        Assert.Equal(InsiSearchOutcome.Found, result.Outcome);
        var identity = result.Identity!;
        Assert.Equal("109076322083489", identity.Matricule!.Value);
        Assert.Same(InsOid.Nir, identity.Oid);
        Assert.Equal(2, identity.History.Count);
        Assert.Equal("209076322083439", identity.History[0].Matricule.Value);
        Assert.Null(identity.History[0].ValidFrom); // the fixture's DateFin precedes its DateDeb: reported, not kept
        Assert.Equal("209066322012355", identity.History[1].Matricule.Value);
        Assert.Equal("ECETINSI", identity.BirthName);
        Assert.Equal(["PIERRE-ALAIN", "MURIEL", "FLORIANT"], identity.GivenNames);
        Assert.Equal("PIERRE-ALAIN", identity.FirstName); // no Prenom: first of ListePrenom
        Assert.Equal(InsSex.Male, identity.Sex);
        Assert.Equal("2009-07-14", identity.BirthDate.ToIsoString());
        Assert.Equal("63220", identity.BirthPlace);
        Assert.Equal("INSHISTO[1]: DateFin is before DateDeb; the validity dates were ignored.", Assert.Single(result.Warnings));
        Assert.Equal(InsiNextStep.None, result.NextStep);
    }

    [Fact]
    public async Task Search_Test205Nia_ReadsNiaOid()
    {
        var result = await Search(Example("TEST_2.05.xml"));

        Assert.Same(InsOid.Nia, result.Identity!.Oid);
        Assert.Equal("MATRICULE", result.Identity.FirstName);
        Assert.Empty(result.Identity.History);
    }

    [Fact]
    public async Task Search_Test208Cas1Corsica_ReadsSingleHistory()
    {
        var result = await Search(Example("TEST_2.08_cas1.xml"));

        Assert.Equal("180032B02040123", result.Identity!.Matricule!.Value);
        Assert.True(result.Identity.Matricule.IsKeyValid);
        Assert.Single(result.Identity.History);
        Assert.Equal("2B020", result.Identity.BirthPlace);
    }

    [Fact]
    public async Task Search_Test208Cas2WrongKeys_ReportsKeysWithoutRejecting()
    {
        var result = await Search(Example("TEST_2.08_cas2.xml"));

        Assert.True(result.IsFound);
        Assert.Equal("181036322045660", result.Identity!.Matricule!.Value);
        Assert.False(result.Identity.Matricule.IsKeyValid);
        Assert.True(result.Identity.HasKeyMismatch);
        Assert.Equal(3, result.Warnings.Count);
        Assert.Contains(result.Warnings, w => w.StartsWith("INSACTIF", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.StartsWith("INSHISTO[2]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_RepCr01_IsNotFoundWithOtherFirstNamesAdvice()
    {
        var result = await Search(Example("REP_CR01.xml"));

        Assert.Equal(InsiSearchOutcome.NotFound, result.Outcome);
        Assert.Equal("01", result.ReturnCode);
        Assert.Equal("Aucune identite trouvee", result.ReturnLabel);
        Assert.Null(result.Identity);
        Assert.Equal(InsiNextStep.TryOtherFirstNames, result.NextStep);
    }

    [Fact]
    public async Task Search_PrefixedNamespacesWithPrenom_ReadsIdentity()
    {
        var xml = Envelope("<ns2:RESULTAT xmlns:ns2=\"http://www.cnamts.fr/INSiResultat\"><ns2:CR><ns2:CodeCR>00</ns2:CodeCR><ns2:LibelleCR>OK</ns2:LibelleCR></ns2:CR>"
            + "<ns2:INDIVIDU><ns2:INSACTIF><ns2:IdIndividu><ns2:NumIdentifiant>297022A020778</ns2:NumIdentifiant><ns2:Cle>78</ns2:Cle></ns2:IdIndividu><ns2:OID>1.2.250.1.213.1.4.8</ns2:OID></ns2:INSACTIF>"
            + "<ns2:TIQ><ns2:NomNaissance>ADRTROIS</ns2:NomNaissance><ns2:Prenom>DOMINIQUE</ns2:Prenom><ns2:ListePrenom>DOMINIQUE</ns2:ListePrenom><ns2:Sexe>F</ns2:Sexe>"
            + "<ns2:DateNaissance>1997-02-26</ns2:DateNaissance><ns2:LieuNaissance>2A020</ns2:LieuNaissance></ns2:TIQ></ns2:INDIVIDU></ns2:RESULTAT>");

        var result = await Search(xml);

        Assert.Equal("297022A02077878", result.Identity!.Matricule!.Value);
        Assert.Equal("DOMINIQUE", result.Identity.FirstName);
        Assert.Contains("RESULTAT", result.RawResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_SeveralWithOneFirstName_AdvisesAddingFirstNamesThenBirthPlace()
    {
        var several = Envelope("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>02</CodeCR><LibelleCR>Plusieurs identites trouvees</LibelleCR></CR></RESULTAT>");
        var leonardo = new InsiTraitsQuery("DE VINCI", "LEONARDO", InsSex.Male, BirthDate.ParseIso("2014-02-01"));

        Assert.Equal(InsiNextStep.AddFirstNames, (await Search(several, leonardo)).NextStep);
        Assert.Equal(InsiNextStep.AddBirthPlace, (await Search(several, leonardo.WithFirstNames("LEONARDO MARCO"))).NextStep);
        Assert.Equal(InsiNextStep.CheckTraits, (await Search(several, leonardo.WithFirstNames("LEONARDO MARCO").WithBirthPlace("63220"))).NextStep);
        Assert.Equal(InsiSearchOutcome.Several, (await Search(several, leonardo)).Outcome);
    }

    [Fact]
    public async Task Search_UnknownReturnCode_ThrowsWithServiceCode()
    {
        var xml = Envelope("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>07</CodeCR><LibelleCR>?</LibelleCR></CR></RESULTAT>");

        var ex = await Assert.ThrowsAsync<SegurServiceException>(() => Search(xml));

        Assert.Equal(InsErrorCodes.InsiReturnCodeUnknown, ex.ErrorCode);
        Assert.Equal("07", ex.ServiceCode);
    }

    [Theory]
    [InlineData("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR></RESULTAT>")]
    [InlineData("<Autre xmlns=\"urn:x\"/>")]
    [InlineData("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU><INSACTIF><IdIndividu><NumIdentifiant>297022A020778</NumIdentifiant></IdIndividu><OID>9.9.9</OID></INSACTIF><TIQ><NomNaissance>A</NomNaissance><ListePrenom>B</ListePrenom><Sexe>F</Sexe><DateNaissance>1997-02-26</DateNaissance></TIQ></INDIVIDU></RESULTAT>")]
    public async Task Search_UnusableResult_ThrowsResponseInvalid(string body)
    {
        var ex = await Assert.ThrowsAsync<SegurProtocolException>(() => Search(Envelope(body)));

        Assert.Equal(InsErrorCodes.InsiResponseInvalid, ex.ErrorCode);
    }

    [Fact]
    public async Task Search_MissingKey_ComputesAndWarns()
    {
        var xml = Envelope("<RESULTAT xmlns=\"http://www.cnamts.fr/INSiResultat\"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU><INSACTIF><IdIndividu><NumIdentifiant>297022A020778</NumIdentifiant></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSACTIF><TIQ><NomNaissance>ADRTROIS</NomNaissance><ListePrenom>DOMINIQUE</ListePrenom><Sexe>F</Sexe><DateNaissance>1997-02-26</DateNaissance></TIQ></INDIVIDU></RESULTAT>");

        var result = await Search(xml);

        Assert.Equal("78", result.Identity!.Matricule!.Key);
        Assert.Single(result.Warnings);
    }
}
