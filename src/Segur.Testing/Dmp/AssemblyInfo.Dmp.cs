using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Segur.Dmp.Tests")]
