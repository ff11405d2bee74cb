using System.Text;
using BenchmarkDotNet.Attributes;
using Segur.Xml;

namespace Segur.Benchmarks;

/// <summary>Cost of the hardened XML loader on a CDA-sized document (1 MB of base64 inside).</summary>
[MemoryDiagnoser]
public class SafeXmlBenchmarks
{
    private byte[] _document = [];

    [GlobalSetup]
    public void Setup()
    {
        var payload = Convert.ToBase64String(new byte[768 * 1024]);
        _document = Encoding.UTF8.GetBytes($"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">{payload}</text></nonXMLBody></component></ClinicalDocument>");
    }

    [Benchmark]
    public int LoadDocument() => SafeXml.LoadDocument(new MemoryStream(_document)).DocumentElement!.ChildNodes.Count;
}
