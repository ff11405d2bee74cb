namespace Segur.Dmp;

/// <summary>Stable error codes of Segur.Dmp (<c>SGR-4000</c> to <c>SGR-4999</c>). A code is never reused.</summary>
/// <remarks>Ranges: 4000–4199 CDA (<c>DmpErrorCodes.Cda.cs</c>); 4200–4299 VIHF, TD0.x and the client
/// (<c>DmpErrorCodes.Client.cs</c>); 4300–4399 XDS messages, the XAdES lot signature, TD2.1/TD3.x
/// (<c>DmpErrorCodes.Xds.cs</c>); 4400–4499 access rules (<c>DmpErrorCodes.Access.cs</c>); 4500–4599 the send
/// queue (<c>DmpErrorCodes.Queue.cs</c>).</remarks>
public static partial class DmpErrorCodes
{
}
