using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Segur.Identifiers;
using Segur.Testing.Cps;

namespace Segur.Cps.Tests;

public sealed class CpsCardTests
{
    private static readonly VirtualCpsCard Shared = new();

    [Theory]
    [InlineData("3BAC00402A001225006480000310009000", CpsCardGeneration.Cps3)]
    [InlineData("3BAC00402A0012250064800003FF009000", CpsCardGeneration.Cps3)] // masked byte differs
    [InlineData("3B8F80010031B86404B0ECC1739401808290000E", CpsCardGeneration.Cps3Contactless)]
    [InlineData("3B9B188001001225006480040100009044", CpsCardGeneration.Cps4)]
    [InlineData("3BDC18FF00001225006480000401009000", CpsCardGeneration.Cps4)]
    [InlineData("3B8F8001804F0CA000000306030001000000006A", CpsCardGeneration.Unknown)]
    public void RecognizeAtr_KnownAtrs_ReturnsGeneration(string atr, CpsCardGeneration expected) =>
        Assert.Equal(expected, CpsCard.RecognizeAtr(Convert.FromHexString(atr)));

    [Fact]
    public async Task ReadInfoAsync_VirtualCard_ParsesHolderAndCardNumber()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { CardNumber = "20481632", Rpps = "99700011119", Profession = "Pharmacien" });
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var info = await cps.ReadInfoAsync();

        Assert.Equal("20481632", info.CardNumber);
        Assert.Equal("899700011119", info.NationalId);
        Assert.Equal(NationalIdKind.Rpps, info.NationalIdKind);
        Assert.Equal("99700011119", info.Rpps);
        Assert.Equal(ProfessionalIdentifier.FromRpps("99700011119"), info.ProfessionalId);
        Assert.True(info.ProfessionalId!.IsTestIdentifier);
        Assert.Null(info.NationalIdIssue);
        Assert.Equal("Pharmacien", info.Profession);
        Assert.Equal("MEDECIN-TEST", info.LastName);
        Assert.Equal("CAMILLE", info.FirstName);
        Assert.Contains("TEST AC IGC-SANTE FORT PERSONNES", info.CertificateIssuer, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownAtr_ThrowsNotACpsCard()
    {
        var reader = new Moq.Mock<ICardReader>();
        reader.SetupGet(r => r.Atr).Returns(Convert.FromHexString("3B00"));
        reader.SetupGet(r => r.ReaderName).Returns("R");

        var ex = Assert.Throws<SegurCardException>(() => CpsCard.Open(reader.Object));
        Assert.Equal(CpsErrorCodes.NotACpsCard, ex.ErrorCode);
    }

    [Fact]
    public void ParseCardNumber_WrongIssuer_ThrowsNotACpsCard()
    {
        var ex = Assert.Throws<SegurCardException>(() => CpsCard.ParseCardNumber(Convert.FromHexString("5A0A802500000212345678 0F".Replace(" ", string.Empty, StringComparison.Ordinal))));
        Assert.Equal(CpsErrorCodes.NotACpsCard, ex.ErrorCode);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("123456789")]
    [InlineData("12a4")]
    public async Task VerifyPinAsync_BadFormat_ThrowsWithoutSendingAnything(string pin)
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var before = card.CommandCount;

        var ex = await Assert.ThrowsAsync<SegurValidationException>(async () => await cps.VerifyPinAsync(pin.AsMemory()));

        Assert.Equal(CpsErrorCodes.PinFormat, ex.ErrorCode);
        Assert.Equal(before, card.CommandCount);
        Assert.Equal(3, card.PinTriesLeft);
        Assert.DoesNotContain(pin, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPinAsync_WrongPin_ReportsTriesLeftAndNeverThePin()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("4321".AsMemory()));

        Assert.Equal(2, ex.RemainingTries);
        Assert.Equal(2, card.PinTriesLeft);
        Assert.DoesNotContain("4321", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignDataAsync_AfterPin_SignatureVerifiesWithCertificate()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        await cps.VerifyPinAsync("1234".AsMemory());
        var data = "payload"u8.ToArray();

        var signature = await cps.SignDataAsync(data, HashAlgorithmName.SHA256);

        using var key = (await cps.ReadAuthenticationCertificateAsync()).GetRSAPublicKey()!;
        Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(key.VerifyData("other"u8.ToArray(), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task SignHashAsync_AfterPowerCycle_ThrowsPinRequired()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        await cps.VerifyPinAsync("1234".AsMemory());
        card.PowerCycle();

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.SignHashAsync(SHA256.HashData("x"u8), HashAlgorithmName.SHA256));
        Assert.Equal(CpsErrorCodes.PinRequired, ex.ErrorCode);
    }

    [Fact]
    public async Task CredentialSource_PinNeeded_AsksProviderAndClearsPin()
    {
        await using var card = new VirtualCpsCard();
        using var cps = CpsCard.Open(card.CreateDirectReader());
        char[]? given = null;
        using var source = new CpsCredentialSource(cps, _ => ValueTask.FromResult(given = "1234".ToCharArray()));

        var signature = await source.SignDataAsync("a"u8.ToArray(), HashAlgorithmName.SHA256);

        Assert.Equal(256, signature.Length);
        Assert.NotNull(given);
        Assert.All(given!, c => Assert.Equal('\0', c));
    }

    [Fact]
    public async Task GetPinStatusAsync_Blocked_ReportsBlocked()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { PinTries = 1 });
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var ex = await Assert.ThrowsAsync<CpsPinException>(async () => await cps.VerifyPinAsync("0000".AsMemory()));

        Assert.True(ex.IsBlocked);
        Assert.Equal(new CpsPinStatus(0, 1, true), await cps.GetPinStatusAsync());
    }

    [Fact]
    public async Task ReadAuthenticationCertificateAsync_WrongConfiguredPath_ThrowsFileNotFound()
    {
        using var cps = CpsCard.Open(Shared.CreateDirectReader(), new CpsCardOptions { DiscoverCertificates = false, AuthenticationCertificatePath = new byte[] { 0x3F, 0x00, 0x00, 0x01, 0xCC, 0xCC } });

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await cps.ReadAuthenticationCertificateAsync());
        Assert.Equal(CpsErrorCodes.CardFileNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task SignHashAsync_Contactless_ThrowsContactlessNotSupported()
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { Atr = Convert.FromHexString("3B8F80010031B86404B0ECC1739401808290000E") });
        using var cps = CpsCard.Open(card.CreateDirectReader());

        var ex = await Assert.ThrowsAsync<SegurCardException>(async () => await cps.SignHashAsync(new byte[32], HashAlgorithmName.SHA256));
        Assert.Equal(CpsErrorCodes.ContactlessNotSupported, ex.ErrorCode);
    }

    [Theory]
    [InlineData("62 0B 80 02 07 D0 82 01 01 83 02 C0 02", 2000)]
    [InlineData("62 04 81 02 00 0C", 12)]
    [InlineData("6F 00", null)]
    public void FcpFileSize_Templates_ReadSize(string hex, int? expected) =>
        Assert.Equal(expected, CpsCard.FcpFileSize(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal))));
}

public sealed class CpsIdentityTests
{
    [Theory]
    [InlineData("899700075122", NationalIdKind.Rpps)] // ANS test card
    [InlineData("899700012349", NationalIdKind.Rpps)]
    [InlineData("899700012345", NationalIdKind.Other)] // wrong Luhn check digit
    [InlineData("00B7010446", NationalIdKind.Adeli)]
    [InlineData("0751234567", NationalIdKind.Adeli)]
    [InlineData("3123456789/CPET00001", NationalIdKind.Structure)]
    [InlineData("9123456789/CPET00001", NationalIdKind.Structure)] // structure prefix Core does not know: still a structure card
    [InlineData("X12", NationalIdKind.Other)]
    [InlineData("89970001234", NationalIdKind.Other)]
    [InlineData("0751234", NationalIdKind.Other)]
    public void ClassifyNationalId_Examples_ReturnKind(string id, NationalIdKind kind) => Assert.Equal(kind, CpsIdentity.ClassifyNationalId(id));

    [Theory]
    [InlineData("899700012345", CoreErrorCodes.IdentifierCheckDigit)]
    [InlineData("89970001234", CoreErrorCodes.IdentifierLength)]
    [InlineData("8997000ABCDE", CoreErrorCodes.IdentifierCharacters)]
    public async Task ReadInfoAsync_InvalidIdNat_StaysReadableAndReportsTheCoreCode(string nationalId, string code)
    {
        await using var card = new VirtualCpsCard(new VirtualCpsCardOptions { Rpps = nationalId[1..] });
        using var cps = CpsCard.Open(card.CreateDirectReader());
        var info = await cps.ReadInfoAsync();
        Assert.Equal(nationalId, info.NationalId);
        Assert.Equal(NationalIdKind.Other, info.NationalIdKind);
        Assert.Null(info.ProfessionalId);
        Assert.Null(info.Rpps);
        Assert.Equal(CpxCardType.Unknown, info.CardType);
        Assert.StartsWith(code + ":", info.NationalIdIssue, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StructureCardWithKnownPrefix_ExposesCoreIdentifier()
    {
        var info = Info("3123456789/CPET00001");
        Assert.Equal(ProfessionalIdentifierType.StructureStaff, info.ProfessionalId!.Type);
        Assert.Null(info.NationalIdIssue);
        Assert.Null(info.Rpps);
        Assert.Null(info.Adeli);
    }

    [Fact]
    public void Adeli_ValidAdeliId_IsTheNineCharacters()
    {
        var info = Info("00B7010446");
        Assert.Equal("0B7010446", info.Adeli);
        Assert.Equal(ProfessionalIdentifierType.Adeli, info.ProfessionalId!.Type);
    }

    private static CpsCardInfo Info(string nationalId) => new()
    {
        CardNumber = "1",
        Generation = CpsCardGeneration.Cps3,
        CardType = CpxCardType.Unknown,
        NationalId = nationalId,
        NationalIdKind = CpsIdentity.ClassifyNationalId(nationalId),
        CertificateSubject = "CN=" + nationalId,
        CertificateIssuer = "CN=TEST",
        NotBefore = DateTimeOffset.UnixEpoch,
        NotAfter = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Parse_MultiValuedRdnSubject_ReadsNamesAndTitle()
    {
        var subject = VirtualCardPkiAccess.Subject(new VirtualCpsCardOptions { LastName = "MARTIN", FirstName = "LÉA", Rpps = "99700099999", Profession = "Sage-Femme" });
        using var key = RSA.Create(2048);
        using var cert = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var parsed = CpsIdentity.Parse(cert);

        Assert.Equal("899700099999", parsed.NationalId);
        Assert.Equal("MARTIN", parsed.LastName);
        Assert.Equal("LÉA", parsed.FirstName);
        Assert.Equal("Sage-Femme", parsed.Profession);
        Assert.Equal(CpxCardType.Cps, parsed.CardType);
    }

    [Fact]
    public void Parse_StructureCard_IsCpe()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=3123456789/CPET00001, title=Carte de service santé ou social, O=CH TEST, C=FR", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var parsed = CpsIdentity.Parse(cert);

        Assert.Equal(NationalIdKind.Structure, parsed.Kind);
        Assert.Equal(CpxCardType.Cpe, parsed.CardType);
    }
}
