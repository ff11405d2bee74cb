using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Segur.Cps.Tests")]
