namespace Segur.Ins;

/// <summary>Stable error codes of Segur.Ins (<c>SGR-2000</c> to <c>SGR-2999</c>). A code is never reused.</summary>
public static partial class InsErrorCodes
{
}
