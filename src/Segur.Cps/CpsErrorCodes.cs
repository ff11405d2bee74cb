namespace Segur.Cps;

/// <summary>Stable error codes of Segur.Cps (<c>SGR-6000</c> to <c>SGR-6999</c>). A code is never reused.</summary>
public static partial class CpsErrorCodes
{
}
