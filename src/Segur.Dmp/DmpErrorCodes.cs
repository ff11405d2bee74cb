namespace Segur.Dmp;

/// <summary>Stable error codes of Segur.Dmp (<c>SGR-4000</c> to <c>SGR-4999</c>). A code is never reused.</summary>
public static partial class DmpErrorCodes
{
}
