using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Segur.Cps.Tests")]
[assembly: InternalsVisibleTo("Segur.Testing")]
[assembly: InternalsVisibleTo("Segur.IntegrationTests")]
