using System.Security.Cryptography.X509Certificates;
using Segur.Testing.Cps;

namespace Segur.Cps.Tests;

internal static class VirtualCardPkiAccess
{
    public static X500DistinguishedName Subject(VirtualCpsCardOptions options) => VirtualCardPki.BuildSubject(options);
}
