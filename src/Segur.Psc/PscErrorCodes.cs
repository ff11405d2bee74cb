namespace Segur.Psc;

/// <summary>Stable error codes of Segur.Psc (<c>SGR-3000</c> to <c>SGR-3999</c>). A code is never reused.</summary>
public static partial class PscErrorCodes
{
}
