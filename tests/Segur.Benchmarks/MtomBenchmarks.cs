using BenchmarkDotNet.Attributes;
using Segur.Soap;

namespace Segur.Benchmarks;

/// <summary>
/// MTOM with a 20 MB attachment: writing must stream (allocations stay far below 20 MB) and reading copies the part
/// once into its temporary file (allocations stay bounded by the scanner buffer, not the document size).
/// </summary>
[MemoryDiagnoser]
public class MtomBenchmarks
{
    private const string Boundary = "MIMEBoundary_benchmark";
    private byte[] _document = [];
    private byte[] _message = [];
    private string _contentType = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _document = new byte[20 * 1024 * 1024];
        new Random(1).NextBytes(_document);
        _contentType = MtomWriter.GetContentType(Boundary, action: "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b");
        var output = new MemoryStream();
        WriteAsync(output).GetAwaiter().GetResult();
        _message = output.ToArray();
    }

    [Benchmark]
    public Task Write20MB() => WriteAsync(Stream.Null);

    [Benchmark]
    public async Task<long> Read20MB()
    {
        using var message = await MtomMessage.ReadAsync(new MemoryStream(_message, writable: false), _contentType).ConfigureAwait(false);
        return message.Attachments["doc@segur"].Length ?? 0;
    }

    private async Task WriteAsync(Stream output)
    {
        using var attachment = new MtomAttachment("doc@segur", "application/pdf", new MemoryStream(_document, writable: false));
        await MtomWriter.WriteAsync(output, Boundary, w =>
        {
            w.WriteStartElement("Document", "urn:ihe:iti:xds-b:2007");
            attachment.WriteXopInclude(w);
            w.WriteEndElement();
        }, [attachment]).ConfigureAwait(false);
    }
}
