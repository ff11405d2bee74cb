using Segur.Cps;
using Segur.Testing.Cps;

/// <summary>Quick start step: a CPS card is inserted; the SDK reads the holder and checks the PIN.</summary>
internal static class CardQuickstartStep
{
    public static async Task<CpsCardInfo> RunAsync()
    {
        // In a pharmacy: CpsCard.Connect() on the PC/SC reader, or CardMonitor to react to insertions.
        await using var virtualCard = new VirtualCpsCard(new VirtualCpsCardOptions { Rpps = "99700012349", LastName = "PHARMA", FirstName = "PAUL", Profession = "Pharmacien" });
        using var card = CpsCard.Open(virtualCard.CreateDirectReader());
        var info = await card.ReadInfoAsync();
        await card.VerifyPinAsync("1234".AsMemory()); // the PIN is never stored or logged
        var pin = await card.GetPinStatusAsync();
        Console.WriteLine($"1. CPS card {info.CardType}: {info.FirstName} {info.LastName}, {info.Profession}, national id {info.NationalId}; PIN verified ({pin.RemainingTries}/{pin.MaxTries} tries left)");
        return info;
    }
}
